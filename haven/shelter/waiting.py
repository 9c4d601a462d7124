"""The shelter's waiting list (wachtlijst): who waits for a room when the shelter is full, and
how they left the list (admitted, referred to a partner centre, withdrawn).

Each operation validates, changes state and writes its audit entry in one transaction.

A referral to a partner centre is recorded here as such (status, partner, date). The intake of
the person, if it still awaits a decision, is left untouched: deciding an intake is the intake
worker's act (``haven.intake.decisions.decide``), with its own checks; the list shows the open
intake so that the decision "Referred to a partner centre" can be recorded there.
"""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q, QuerySet, Value
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from haven.accounts.models import User
from haven.audit import services as audit
from haven.audit.models import Action
from haven.centres.models import Centre
from haven.clients.models import Client
from haven.intake.models import Intake
from haven.partners.models import Partner, PartnerKind
from haven.partners.services import choices_for
from haven.shelter.models import Stay, WaitingEntry, WaitingStatus
from haven.shelter.occupancy import DaysBetween

FIELDS = ("since", "urgent", "note", "status", "closed_on", "referred_to")
# How far back a date on the list is plausible.
EARLIEST = datetime.date(1990, 1, 1)
CLOSED_STATUSES = (WaitingStatus.ADMITTED, WaitingStatus.REFERRED, WaitingStatus.WITHDRAWN)


def partner_centres(
    centre: Centre | None, current: Partner | int | None = None
) -> QuerySet[Partner]:
    """The partner centres a referral may name (the one already named stays offered)."""
    return choices_for(centre, [PartnerKind.PARTNER_CENTRE], current=current)


def waiting(centre: Centre | None, today: datetime.date) -> QuerySet[WaitingEntry]:
    """Who waits, urgent first, then longest waiting first, with ``days_waiting``."""
    return (
        WaitingEntry.objects.for_centre(centre)
        .filter(status=WaitingStatus.WAITING)
        .select_related("client")
        .annotate(days_waiting=DaysBetween(Value(today), F("since")))
        .order_by("-urgent", "since", "id")
    )


def recently_left(centre: Centre | None, limit: int = 20) -> QuerySet[WaitingEntry]:
    """The entries that left the list most recently, with where they went."""
    return (
        WaitingEntry.objects.for_centre(centre)
        .exclude(status=WaitingStatus.WAITING)
        .select_related("client", "referred_to")
        .order_by("-closed_on", "-id")[:limit]
    )


def open_intake(client: Client) -> Intake | None:
    """The client's latest intake still awaiting a decision, if any."""
    return Intake.objects.filter(client=client).open().order_by("-received_at").first()


def _short(day: datetime.date) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


def _errors(
    centre: Centre, client: Client, data: dict[str, Any], entry: WaitingEntry | None
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    today = timezone.localdate()
    since: datetime.date | None = data.get("since")
    status = data.get("status") or WaitingStatus.WAITING
    closed_on: datetime.date | None = data.get("closed_on")
    referred_to: Partner | None = data.get("referred_to")

    if client.centre_id != centre.pk:
        add("client", _("Choose a client of your centre."))
    if since is None:
        add("since", _("Give the date since when the person has been waiting."))
    elif since > today:
        add("since", _("The date cannot be in the future."))
    elif since < EARLIEST:
        add("since", _("The date cannot be before 1990; check the year."))
    if status not in WaitingStatus.values:
        add("status", _("Choose a status."))
    if status == WaitingStatus.WAITING:
        if closed_on is not None:
            add("closed_on", _("A person still waiting has not left the list: leave it empty."))
        if referred_to is not None:
            add("referred_to", _("Only a referral names a partner centre: leave it empty."))
        others = WaitingEntry.objects.filter(client=client, status=WaitingStatus.WAITING)
        if entry is not None:
            others = others.exclude(pk=entry.pk)
        other = others.first()
        if other is not None:
            add(
                "client",
                _("%(code)s has been on the waiting list since %(date)s.")
                % {"code": client.file_code, "date": _short(other.since)},
            )
        staying = (
            Stay.objects.filter(client=client, check_in__lte=today)
            .filter(Q(check_out__isnull=True) | Q(check_out__gt=today))
            .first()
        )
        if staying is not None and entry is None:
            add(
                "client",
                _("%(code)s has been staying in the shelter since %(date)s.")
                % {"code": client.file_code, "date": _short(staying.check_in)},
            )
    else:
        if closed_on is None:
            add("closed_on", _("Give the date the person left the list."))
        elif closed_on > today:
            add("closed_on", _("The date cannot be in the future."))
        elif since is not None and closed_on < since:
            add(
                "closed_on",
                _("The person cannot leave the list before joining it (%(date)s).")
                % {"date": _short(since)},
            )
        if status == WaitingStatus.REFERRED:
            current = entry.referred_to_id if entry is not None else None
            if referred_to is None:
                add("referred_to", _("Choose the partner centre the person was referred to."))
            elif not partner_centres(centre, current).filter(pk=referred_to.pk).exists():
                add("referred_to", _("Choose an active partner centre of your directory."))
        elif referred_to is not None:
            add("referred_to", _("Only a referral names a partner centre: leave it empty."))
    return errors


@transaction.atomic
def add_entry(*, by: User, centre: Centre, data: dict[str, Any]) -> WaitingEntry:
    """Put a person on the waiting list (``client``, ``since``, ``urgent``, ``note``); audited.
    Refused when the person already waits or is staying in the shelter."""
    client: Client | None = data.get("client")
    if client is None:
        raise ValidationError({"client": [_("Say who is waiting: file code or pseudonym.")]})
    values = {**data, "status": WaitingStatus.WAITING, "closed_on": None, "referred_to": None}
    # Lock the client: two workers adding the same person at once make one entry.
    Client.objects.select_for_update().filter(pk=client.pk).first()
    errors = _errors(centre, client, values, None)
    if errors:
        raise ValidationError(errors)
    entry = WaitingEntry(
        centre=centre,
        client=client,
        since=values["since"],
        urgent=bool(values.get("urgent")),
        note=(values.get("note") or "").strip(),
    )
    entry.save()
    audit.record(Action.CREATE, actor=by, obj=entry, changes=audit.created(entry))
    return entry


@transaction.atomic
def update_entry(*, by: User, entry: WaitingEntry, data: dict[str, Any]) -> WaitingEntry:
    """Change an entry, or record how the person left the list: ``status`` admitted, referred
    (with ``referred_to``, a partner centre) or withdrawn, on ``closed_on``; back to waiting
    clears both. Audited; refused as a whole when a rule is broken."""
    entry = WaitingEntry.objects.select_for_update().select_related("client").get(pk=entry.pk)
    errors = _errors(entry.centre, entry.client, data, entry)
    if errors:
        raise ValidationError(errors)
    before = audit.snapshot(entry)
    entry.since = data["since"]
    entry.urgent = bool(data.get("urgent"))
    entry.note = (data.get("note") or "").strip()
    entry.status = data.get("status") or WaitingStatus.WAITING
    entry.closed_on = data.get("closed_on") if entry.status in CLOSED_STATUSES else None
    entry.referred_to = data.get("referred_to") if entry.status == WaitingStatus.REFERRED else None
    entry.save()
    changes = audit.diff(before, entry)
    if changes:
        note = (
            "referred to a partner centre"
            if "status" in changes and (entry.status == WaitingStatus.REFERRED)
            else ""
        )
        audit.record(Action.UPDATE, actor=by, obj=entry, changes=changes, note=note)
    return entry
