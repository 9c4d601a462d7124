"""Guidance operations: opening, changing, closing and reopening episodes, each audited.

Closing never deletes: a re-entry is a new episode, so earlier episodes stay in the history.
"""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from haven.accounts.models import User
from haven.audit import services as audit
from haven.audit.models import Action
from haven.centres.models import Centre
from haven.clients.models import Client
from haven.guidance.models import TRACK_FIELDS, WORKER_ROLES, EndReason, Episode
from haven.intake.models import Intake


def overlapping_episode(client: Client, start_date: datetime.date) -> Episode | None:
    """An episode of the client still running on ``start_date`` or after it.

    A new episode has no end yet, so it would overlap every episode that has not ended
    before it starts: the open one, and any that was recorded as starting later.
    """
    return (
        Episode.objects.filter(client=client)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=start_date))
        .order_by("start_date")
        .first()
    )


@transaction.atomic
def open_episode(
    *,
    by: User,
    client: Client,
    start_date: datetime.date,
    intake: Intake | None = None,
    data: dict[str, Any] | None = None,
) -> Episode:
    """Open a guidance episode (begeleiding) for a client, audited.

    ``data`` may hold the episode's other fields (tracks, workers, exploitation ...), with
    ``other_workers`` as a list of users. Refused, with a message saying what to do, when the
    client already has an episode running on the start date, or when the intake already
    opened one. The episode's workers become the client's assigned workers.
    """
    # One episode decision at a time per client: the overlap check and the insert are one step.
    client = Client.objects.select_for_update().get(pk=client.pk)
    if intake is not None and intake.centre_id != client.centre_id:
        raise ValueError("an episode's intake and client belong to the same centre")
    if intake is not None and Episode.objects.filter(intake=intake).exists():
        raise ValidationError(
            _("Intake %(code)s already opened a guidance episode.") % {"code": intake.code},
            code="intake_has_episode",
        )
    running = overlapping_episode(client, start_date)
    if running is not None:
        if running.end_date is None:
            message = _(
                "%(code)s has been in guidance since %(start)s. Close that episode in "
                "guidance before opening a new one."
            )
        else:
            message = _(
                "%(code)s already has a guidance episode from %(start)s to %(end)s. A new "
                "episode can start only after it ends."
            )
        raise ValidationError(
            message
            % {
                "code": client.file_code,
                "start": date_format(running.start_date, "SHORT_DATE_FORMAT"),
                "end": date_format(running.end_date, "SHORT_DATE_FORMAT")
                if running.end_date
                else "",
            },
            code="episode_overlap",
        )
    fields = dict(data or {})
    others = list(fields.pop("other_workers", None) or [])
    fields.pop("start_date", None)
    episode = Episode(
        centre=client.centre, client=client, intake=intake, start_date=start_date, created_by=by
    )
    for name, value in fields.items():
        setattr(episode, name, value)
    episode.full_clean(exclude=["client", "intake", "created_by", "centre"])
    _check_other_workers(episode, others)
    episode.save()
    changes = audit.created(episode)
    if others:
        episode.other_workers.set(others)
        changes["other_workers"] = {"from": [], "to": _usernames(others)}
    audit.record(Action.CREATE, actor=by, obj=episode, changes=changes)
    _assign_to_client(by, client, episode)
    _watch_documents(client)
    return episode


def _watch_documents(client: Client) -> None:
    """Only a client in guidance has document deadlines: refresh the flag lists show."""
    from haven.residence.services import refresh_client_status

    refresh_client_status(client)


def _usernames(users: Any) -> list[str]:
    return sorted(user.get_username() for user in users)


def episode_workers(episode: Episode) -> list[User]:
    """The workers assigned to an episode: its psychosocial and legal worker, then the others."""
    return list(episode.assigned_workers)


def _assign_to_client(by: User, client: Client, episode: Episode) -> None:
    """Add an episode's workers to the client's assigned workers (audited on the client).

    The client's assigned workers decide who sees a confidential address, so whoever guides
    the person must be among them. Nobody is removed: that stays a decision on the file.
    """
    assigned = list(client.workers.all())
    missing = [w for w in episode_workers(episode) if w not in assigned]
    if not missing:
        return
    client.workers.add(*missing)
    audit.record(
        Action.UPDATE,
        actor=by,
        obj=client,
        changes={
            "workers": {"from": _usernames(assigned), "to": _usernames([*assigned, *missing])}
        },
        note="assigned through guidance episode",
    )


def _check_other_workers(episode: Episode, workers: list[User]) -> None:
    """Only case workers of the episode's centre may be assigned to it."""
    if any(w.centre_id != episode.centre_id or w.role not in WORKER_ROLES for w in workers):
        raise ValidationError({"other_workers": _("Choose case workers of this centre.")})


def _refuse_overlap(episode: Episode) -> None:
    """Refuse an episode whose dates overlap another episode of the same client."""
    others = Episode.objects.filter(client_id=episode.client_id).exclude(pk=episode.pk)
    if episode.end_date is not None:
        others = others.filter(start_date__lte=episode.end_date)
    other = (
        others.filter(Q(end_date__isnull=True) | Q(end_date__gte=episode.start_date))
        .order_by("start_date")
        .first()
    )
    if other is None:
        return
    raise ValidationError(
        _(
            "These dates overlap the client's other guidance episode from %(start)s to "
            "%(end)s. Change the dates so that the episodes follow each other."
        )
        % {
            "start": date_format(other.start_date, "SHORT_DATE_FORMAT"),
            "end": date_format(other.end_date, "SHORT_DATE_FORMAT")
            if other.end_date
            else _("today (still open)"),
        },
        code="episode_overlap",
    )


@transaction.atomic
def update_episode(*, by: User, episode: Episode, data: dict[str, Any]) -> Episode:
    """Change an episode, audited. ``data`` holds model fields and may hold ``other_workers``.

    Refused (ValidationError) when the end is before the start, when an end date comes
    without a reason (or the reverse), when a track is off without a reason, or when the
    dates overlap another episode of the client (the message names that episode).
    """
    Client.objects.select_for_update().filter(pk=episode.client_id).first()
    fields = dict(data)
    others = fields.pop("other_workers", None)
    for name, value in fields.items():
        setattr(episode, name, value)
    episode.full_clean(exclude=["client", "intake", "created_by", "centre"])
    _check_other_workers(episode, list(others or []))
    _refuse_overlap(episode)
    changes = audit.save_changes(episode, fields, by=by)
    if others is not None:
        old = list(episode.other_workers.all())
        if {w.pk for w in old} != {w.pk for w in others}:
            episode.other_workers.set(others)
            audit.record(
                Action.UPDATE,
                actor=by,
                obj=episode,
                changes={"other_workers": {"from": _usernames(old), "to": _usernames(others)}},
            )
    if others is not None or {"psychosocial_worker_id", "legal_worker_id"} & changes.keys():
        _assign_to_client(by, episode.client, episode)
    if "end_date" in changes:
        _watch_documents(episode.client)
    return episode


def close_episode(
    *, by: User, episode: Episode, end_date: datetime.date | None, end_reason: str
) -> Episode:
    """End an episode on a date, for a reason (both required); the episode is kept."""
    errors: dict[str, str] = {}
    if not end_date:
        errors["end_date"] = _("Give the date the guidance ended.")
    if end_reason not in EndReason.values:
        errors["end_reason"] = _("Give the reason the guidance ended.")
    if errors:
        raise ValidationError(errors)
    return update_episode(
        by=by, episode=episode, data={"end_date": end_date, "end_reason": end_reason}
    )


def reopen_episode(*, by: User, previous: Episode, start_date: datetime.date) -> Episode:
    """A re-entry: a new episode for the client of a closed one, which stays as it was.

    The new episode starts with what was known (exploitation, district, procedure, tracks and
    workers); it must start after the previous one ended.
    """
    if previous.end_date is None:
        raise ValidationError(
            _("This episode is still open: close it before the client re-enters guidance."),
            code="episode_open",
        )
    carried = [
        "exploitation",
        "other_forms",
        "district",
        "in_protection_procedure",
        "psychosocial_worker",
        "legal_worker",
        *(name for pair in TRACK_FIELDS.values() for name in pair),
    ]
    data: dict[str, Any] = {name: getattr(previous, name) for name in carried}
    data["other_workers"] = list(previous.other_workers.all())
    return open_episode(by=by, client=previous.client, start_date=start_date, data=data)


def episodes(centre: Centre | None, state: str = "active") -> QuerySet[Episode]:
    """A centre's episodes for the list: ``active`` (open), ``closed`` or ``all``, newest
    first, with what the list shows loaded in a fixed number of queries."""
    rows = (
        Episode.objects.for_centre(centre)
        .select_related("client", "psychosocial_worker", "legal_worker")
        .prefetch_related("other_workers")
        .order_by("-start_date", "-id")
    )
    if state == "active":
        rows = rows.filter(end_date__isnull=True)
    elif state == "closed":
        rows = rows.filter(end_date__isnull=False)
    return rows
