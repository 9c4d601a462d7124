"""The journal's operations: who reads which entries, writing, editing, correcting, searching."""

import datetime
import re
from collections.abc import Collection
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Prefetch, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.accounts.permissions import Permission
from haven.audit import services as audit
from haven.audit.models import Action
from haven.clients import glass
from haven.clients.models import Client
from haven.guidance.models import Episode, Track
from haven.journal.models import Entry

EDIT_WINDOW = datetime.timedelta(hours=24)

# The legal team keeps both the legal and the administrative tracks' journals.
READ_PERMISSION = {
    Track.PSYCHOSOCIAL: Permission.JOURNAL_PSYCHOSOCIAL_READ,
    Track.LEGAL: Permission.JOURNAL_LEGAL_READ,
    Track.ADMINISTRATIVE: Permission.JOURNAL_LEGAL_READ,
}
WRITE_PERMISSION = {
    Track.PSYCHOSOCIAL: Permission.JOURNAL_PSYCHOSOCIAL_WRITE,
    Track.LEGAL: Permission.JOURNAL_LEGAL_WRITE,
    Track.ADMINISTRATIVE: Permission.JOURNAL_LEGAL_WRITE,
}


def readable_tracks(user: Any) -> list[Track]:
    return [track for track in Track if user.can(READ_PERMISSION[track])]


def writable_tracks(user: Any) -> list[Track]:
    return [track for track in Track if user.can(WRITE_PERMISSION[track])]


def _readable(user: Any, granted: Collection[int] | None = None) -> QuerySet[Entry]:
    """The entries of the user's centre that the user may read (need-to-know per track).

    A track's entries also need the client's assigned team, the director or a break-the-glass
    grant for the client (``haven.clients.glass``); whole-team entries need neither.
    """
    if not user.can(Permission.GUIDANCE_READ):
        return Entry.objects.none()
    entries = Entry.objects.for_centre(user.centre)
    track = Q(track__in=readable_tracks(user)) & glass.client_filter(user, granted)
    return entries.filter(track | Q(whole_team=True))


def visible_entries(
    user: Any, client: Client | None = None, granted: Collection[int] | None = None
) -> QuerySet[Entry]:
    """What the user may read, newest first, with what a list shows fetched along.

    An entry of the psychosocial track needs the psychosocial journal's read permission, the
    legal and administrative tracks the legal one, and the client's assigned team, the
    director or a break-the-glass grant (``granted``: client ids; by default the grants of the
    request being answered, see ``glass.using``); an entry for the whole team is read by
    anyone in the centre who reads guidance. Only visible corrections are attached.
    """
    granted = glass.current(granted)
    entries = _readable(user, granted)
    if client is not None:
        entries = entries.filter(client=client)
    return entries.select_related("client", "author", "corrects").prefetch_related(
        Prefetch(
            "corrections",
            queryset=_readable(user, granted).select_related("author").order_by("written_at"),
            to_attr="visible_corrections",
        )
    )


def may_read(user: Any, entry: Entry, granted: Collection[int] | None = None) -> bool:
    return (
        user.centre is not None
        and entry.centre_id == user.centre.pk
        and user.can(Permission.GUIDANCE_READ)
        and (
            entry.whole_team
            or (
                user.can(READ_PERMISSION[Track(entry.track)])
                and glass.may_read_tracks_of(user, entry.client, granted)
            )
        )
    )


def may_write(user: Any, track: str) -> bool:
    return user.can(WRITE_PERMISSION[Track(track)])


def may_edit(user: Any, entry: Entry, now: datetime.datetime | None = None) -> bool:
    """Only the author, only within 24 hours of writing; afterwards a correction is needed."""
    now = now or timezone.now()
    return (
        entry.author_id == user.pk
        and may_write(user, entry.track)
        and now < entry.written_at + EDIT_WINDOW
    )


def may_correct(user: Any, entry: Entry) -> bool:
    return may_read(user, entry) and may_write(user, entry.track)


def search(entries: QuerySet[Entry], query: str) -> QuerySet[Entry]:
    """Entries whose text holds every word of the query (PostgreSQL full text or SQLite FTS5)."""
    words = re.findall(r"\w+", query)
    if not words:
        return entries
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchVector

        terms = SearchQuery(" ".join(words), config="simple", search_type="plain")
        return entries.annotate(search=SearchVector("text", config="simple")).filter(search=terms)
    # Every word quoted: the reader's input never becomes FTS5 query syntax.
    match = " AND ".join('"{}"'.format(word.replace('"', '""')) for word in words)
    ids = RawSQL("SELECT rowid FROM journal_entry_fts WHERE journal_entry_fts MATCH %s", [match])
    return entries.filter(pk__in=ids)


def current_episode(client: Client, day: datetime.date) -> Episode | None:
    """The client's episode running on ``day``, if any."""
    return (
        Episode.objects.for_centre(client.centre)
        .filter(client=client, start_date__lte=day)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
        .order_by("-start_date")
        .first()
    )


def _check_date(day: datetime.date) -> None:
    if day > timezone.localdate():
        raise ValidationError({"occurred_on": _("The date cannot be in the future.")})


@transaction.atomic
def create_entry(*, by: Any, client: Client, data: dict[str, Any]) -> Entry:
    """Write a new entry in a track the author may write; audited."""
    track = data["track"]
    if client.centre_id != getattr(by.centre, "pk", None) or not may_write(by, track):
        raise PermissionDenied
    occurred_on = data.get("occurred_on") or timezone.localdate()
    _check_date(occurred_on)
    entry = Entry.objects.create(
        centre=client.centre,
        client=client,
        episode=current_episode(client, occurred_on),
        track=track,
        author=by,
        occurred_on=occurred_on,
        text=data["text"],
        whole_team=bool(data.get("whole_team")),
    )
    audit.record(Action.CREATE, actor=by, obj=entry, changes=audit.created(entry))
    return entry


@transaction.atomic
def edit_entry(*, by: Any, entry: Entry, data: dict[str, Any]) -> dict[str, Any]:
    """Change an entry within its author's 24 hours; the changes are audited."""
    if not may_edit(by, entry):
        raise PermissionDenied
    _check_date(data["occurred_on"])
    fields = {name: data[name] for name in ("occurred_on", "text", "whole_team")}
    return audit.save_changes(entry, fields, by=by)


@transaction.atomic
def correct_entry(*, by: Any, entry: Entry, data: dict[str, Any]) -> Entry:
    """A new entry that corrects ``entry``, in the same track; the old one stays as it was."""
    if not may_correct(by, entry):
        raise PermissionDenied
    occurred_on = data.get("occurred_on") or entry.occurred_on
    _check_date(occurred_on)
    correction = Entry.objects.create(
        centre=entry.centre,
        client=entry.client,
        episode=entry.episode,
        track=entry.track,
        author=by,
        occurred_on=occurred_on,
        text=data["text"],
        whole_team=bool(data.get("whole_team")),
        corrects=entry,
    )
    audit.record(
        Action.CREATE,
        actor=by,
        obj=correction,
        changes=audit.created(correction),
        note=f"correction of entry {entry.pk}",
    )
    return correction
