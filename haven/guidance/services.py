"""Guidance operations: opening an episode (more follow with the guidance issue)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from haven.accounts.models import User
from haven.audit import services as audit
from haven.audit.models import Action
from haven.clients.models import Client
from haven.guidance.models import Episode
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
    *, by: User, client: Client, start_date: datetime.date, intake: Intake | None = None
) -> Episode:
    """Open a guidance episode (begeleiding) for a client, audited.

    Refused, with a message saying what to do, when the client already has an episode
    running on the start date, or when the intake already opened one.
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
    episode = Episode.objects.create(
        centre=client.centre, client=client, intake=intake, start_date=start_date, created_by=by
    )
    audit.record(Action.CREATE, actor=by, obj=episode, changes=audit.created(episode))
    return episode
