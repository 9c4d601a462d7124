"""The operations of the shelter: check-in, room moves and check-out, planned arrivals, the
rooms and their periods out of service, and the house log. Each validates, changes state and
writes its audit entry in one transaction; nothing is half-saved.

The rules (REPORT.md, shelter): a room holds one client a night and a client sleeps in one room
a night; a stay lies within its room's opening dates; a room out of service or reserved for
someone else's arrival is not given to anyone those nights. A stay is a chain of assignments
where each starts on the day the previous one ends: a move is not a new stay.
"""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from haven.accounts.models import User
from haven.audit import services as audit
from haven.audit.models import Action
from haven.centres.models import Centre
from haven.clients.models import Client
from haven.shelter.models import (
    Assignment,
    CheckOutReason,
    House,
    LogEntry,
    OutOfService,
    PlannedArrival,
    Room,
    Stay,
    Wing,
)

# Before this hour, "tonight" is still the night that began the evening before: at 02:00 the
# night staff's board shows the night of yesterday's date (REPORT.md counts nights by the
# evening's date).
NIGHT_ENDS_AT = 6
EARLIEST = datetime.date(1990, 1, 1)


def tonight(now: datetime.datetime | None = None) -> datetime.date:
    """The date of the night in progress (or to come): today, or yesterday before 06:00."""
    local = timezone.localtime(now)
    day = local.date()
    return day - datetime.timedelta(days=1) if local.hour < NIGHT_ENDS_AT else day


def _day(day: datetime.date) -> str:
    return date_format(day, "DATE_FORMAT")


def _who(client: Client) -> str:
    return f"{client.file_code} ({client.pseudonym})"


def _overlapping(start: datetime.date, end: datetime.date | None) -> Q:
    """Assignments (or periods) sharing a night with ``start <= d < end`` (open: no end)."""
    q = Q(end__isnull=True) | Q(end__gt=start)
    if end is not None:
        q &= Q(start__lt=end)
    return q


def pending_arrivals(centre: Centre | None) -> QuerySet[PlannedArrival]:
    """Planned arrivals neither cancelled nor fulfilled (the client has checked in since the
    arrival was planned)."""
    checked_in = Stay.objects.filter(
        client=OuterRef("client"), check_in__gte=OuterRef("created_at__date")
    )
    return (
        PlannedArrival.objects.for_centre(centre)
        .filter(cancelled=False)
        .exclude(Exists(checked_in))
    )


# ---------------------------------------------------------------------------------------------
# The rules


def check_room(
    room: Room,
    start: datetime.date,
    end: datetime.date | None,
    *,
    client: Client,
    field: str = "room",
) -> None:
    """Raise a ValidationError when ``client`` may not sleep in ``room`` the nights ``start
    <= d < end``: the room is not open then, out of service, taken or reserved for another."""
    if start < room.opened_on:
        raise ValidationError(
            {
                field: _("Room %(room)s opens on %(day)s.")
                % {"room": room, "day": _day(room.opened_on)}
            }
        )
    if room.closed_on is not None and (end is None or end > room.closed_on):
        raise ValidationError(
            {
                field: _("Room %(room)s closes on %(day)s: the stay in it must end by then.")
                % {"room": room, "day": _day(room.closed_on)}
            }
        )
    out = OutOfService.objects.filter(room=room).filter(_overlapping(start, end)).first()
    if out is not None:
        raise ValidationError(
            {
                field: _("Room %(room)s is out of service from %(day)s: %(reason)s.")
                % {"room": room, "day": _day(out.start), "reason": out.reason}
            }
        )
    taken = (
        Assignment.objects.filter(room=room)
        .filter(_overlapping(start, end))
        .select_related("stay__client")
        .first()
    )
    if taken is not None:
        raise ValidationError(
            {
                field: _("Room %(room)s is taken by %(client)s from %(day)s.")
                % {"room": room, "client": _who(taken.stay.client), "day": _day(taken.start)}
            }
        )
    reserved = pending_arrivals(room.centre).filter(room=room, arrives_on__gte=start)
    if end is not None:
        reserved = reserved.filter(arrives_on__lt=end)
    arrival = reserved.exclude(client=client).select_related("client").first()
    if arrival is not None:
        raise ValidationError(
            {
                field: _("Room %(room)s is reserved for %(client)s arriving on %(day)s.")
                % {"room": room, "client": _who(arrival.client), "day": _day(arrival.arrives_on)}
            }
        )


def check_person(
    client: Client,
    start: datetime.date,
    end: datetime.date | None,
    *,
    field: str = "client",
) -> None:
    """Raise a ValidationError when the client already sleeps somewhere one of the nights."""
    other = (
        Assignment.objects.filter(stay__client=client)
        .filter(_overlapping(start, end))
        .select_related("room", "stay")
        .first()
    )
    if other is not None:
        raise ValidationError(
            {
                field: _(
                    "%(client)s already sleeps in room %(room)s from %(day)s (stay checked in "
                    "on %(check_in)s)."
                )
                % {
                    "client": _who(client),
                    "room": other.room,
                    "day": _day(other.start),
                    "check_in": _day(other.stay.check_in),
                }
            }
        )


def _lock(*objects: Any) -> None:
    """Lock the rows of the room(s) and client concerned until the transaction ends, so that two
    check-ins of the same night are serialised (SQLite serialises writers anyway)."""
    for obj in objects:
        type(obj)._default_manager.select_for_update().filter(pk=obj.pk).first()


def _same_centre(centre_id: int, *objects: Any) -> None:
    if any(obj.centre_id != centre_id for obj in objects):
        raise ValidationError(_("Choose a client and a room of your centre."))


# ---------------------------------------------------------------------------------------------
# Stays


@transaction.atomic
def check_in(
    *,
    by: User,
    client: Client,
    room: Room,
    day: datetime.date,
    planned_departure: datetime.date | None = None,
    notes: str = "",
) -> Stay:
    """Check a client in: a new stay and its first room assignment from the night of ``day``
    (open-ended); fulfils the client's planned arrival. Audited."""
    _same_centre(room.centre_id, client)
    if day < EARLIEST:
        raise ValidationError({"day": _("A check-in cannot be before 1990; check the year.")})
    if day > timezone.localdate():
        raise ValidationError(
            {"day": _("A check-in cannot be in the future: plan an arrival instead.")}
        )
    if planned_departure is not None and planned_departure <= day:
        raise ValidationError(
            {"planned_departure": _("The planned departure is after the check-in.")}
        )
    _lock(room, client)
    check_person(client, day, None)
    check_room(room, day, None, client=client)
    stay = Stay.objects.create(
        centre=room.centre,
        client=client,
        check_in=day,
        planned_departure=planned_departure,
        notes=notes or "",
        created_by=by,
    )
    assignment = Assignment.objects.create(centre=room.centre, stay=stay, room=room, start=day)
    audit.record(
        Action.CREATE,
        actor=by,
        obj=stay,
        changes={**audit.created(stay), "room": {"from": None, "to": room.code}},
    )
    audit.record(Action.CREATE, actor=by, obj=assignment, changes=audit.created(assignment))
    _mark_residential(by, client, day)
    return stay


def _mark_residential(by: User, client: Client, day: datetime.date) -> None:
    """The guidance episode running on ``day`` becomes residential: guidance is residential
    while the client has a stay (the flag says the episode had one)."""
    from haven.guidance.models import Episode

    episode = (
        Episode.objects.filter(client=client, start_date__lte=day)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
        .first()
    )
    if episode is not None and not episode.residential:
        audit.save_changes(episode, {"residential": True}, by=by)


def last_assignment(stay: Stay) -> Assignment:
    assignment = stay.assignments.select_related("room").order_by("-start", "-id").first()
    assert assignment is not None, "a stay has at least one assignment"
    return assignment


@transaction.atomic
def move(*, by: User, stay: Stay, room: Room, day: datetime.date) -> Assignment:
    """Move the client to another room from the night of ``day``: the current assignment ends
    on ``day`` and one in ``room`` starts that day, in the same stay. A move on the day the
    current assignment started corrects its room instead. Audited."""
    _same_centre(stay.centre_id, room)
    _lock(room, stay.client)
    current = last_assignment(stay)
    if day < current.start:
        raise ValidationError(
            {
                "day": _(
                    "The client has been in room %(room)s since %(day)s; move them on a later day."
                )
                % {"room": current.room, "day": _day(current.start)}
            }
        )
    if current.end is not None and day >= current.end:
        raise ValidationError({"day": _("The stay ended on %(day)s.") % {"day": _day(current.end)}})
    if room.pk == current.room_id:
        raise ValidationError({"room": _("The client is already in this room.")})
    if day == current.start:
        return correct_assignment(by=by, assignment=current, room=room)
    end = current.end
    before = audit.snapshot(current)
    current.end = day
    current.save(update_fields=["end"])
    check_room(room, day, end, client=stay.client)
    audit.record(Action.UPDATE, actor=by, obj=current, changes=audit.diff(before, current))
    moved = Assignment.objects.create(centre=stay.centre, stay=stay, room=room, start=day, end=end)
    audit.record(Action.CREATE, actor=by, obj=moved, changes=audit.created(moved))
    return moved


@transaction.atomic
def correct_assignment(*, by: User, assignment: Assignment, room: Room) -> Assignment:
    """Put an assignment in another room for all its nights (a wrong room was recorded)."""
    _same_centre(assignment.centre_id, room)
    _lock(room)
    before = audit.snapshot(Assignment.objects.select_for_update().get(pk=assignment.pk))
    check_room(room, assignment.start, assignment.end, client=assignment.stay.client)
    assignment.room = room
    assignment.save(update_fields=["room"])
    audit.record(Action.UPDATE, actor=by, obj=assignment, changes=audit.diff(before, assignment))
    return assignment


@transaction.atomic
def check_out(*, by: User, stay: Stay, day: datetime.date, reason: str) -> Stay:
    """End a stay on ``day`` (the last night slept is the one before) with the reason the
    client left. Audited."""
    stay = Stay.objects.select_for_update().get(pk=stay.pk)
    if stay.check_out is not None:
        raise ValidationError(_("This stay ended on %(day)s.") % {"day": _day(stay.check_out)})
    if reason not in CheckOutReason.values:
        raise ValidationError({"reason": _("Say why the client left.")})
    if day <= stay.check_in:
        raise ValidationError(
            {
                "day": _("The check-out is after the check-in (%(day)s).")
                % {"day": _day(stay.check_in)}
            }
        )
    current = last_assignment(stay)
    if day <= current.start:
        raise ValidationError(
            {
                "day": _("The client moved to room %(room)s on %(day)s; the check-out is after.")
                % {"room": current.room, "day": _day(current.start)}
            }
        )
    before_assignment = audit.snapshot(current)
    current.end = day
    current.save(update_fields=["end"])
    audit.record(
        Action.UPDATE, actor=by, obj=current, changes=audit.diff(before_assignment, current)
    )
    before = audit.snapshot(stay)
    stay.check_out = day
    stay.check_out_reason = reason
    stay.save(update_fields=["check_out", "check_out_reason"])
    audit.record(Action.UPDATE, actor=by, obj=stay, changes=audit.diff(before, stay))
    return stay


@transaction.atomic
def update_stay(
    *, by: User, stay: Stay, planned_departure: datetime.date | None, notes: str
) -> Stay:
    """Change a stay's planned departure and notes. Audited."""
    if planned_departure is not None and planned_departure <= stay.check_in:
        raise ValidationError(
            {"planned_departure": _("The planned departure is after the check-in.")}
        )
    audit.save_changes(stay, {"planned_departure": planned_departure, "notes": notes or ""}, by=by)
    return stay


def stays_of(client: Client) -> QuerySet[Stay]:
    """The client's stays, the latest first, with their rooms fetched along."""
    return (
        Stay.objects.for_centre(client.centre)
        .filter(client=client)
        .prefetch_related("assignments__room__wing")
        .order_by("-check_in", "-id")
    )


def current_assignment(client: Client, day: datetime.date | None = None) -> Assignment | None:
    """Where the client sleeps tonight (or the night of ``day``), if in the shelter."""
    day = day or tonight()
    return (
        Assignment.objects.for_centre(client.centre)
        .filter(stay__client=client)
        .filter(_overlapping(day, day + datetime.timedelta(days=1)))
        .select_related("room__wing", "stay")
        .first()
    )


# ---------------------------------------------------------------------------------------------
# Planned arrivals


@transaction.atomic
def plan_arrival(
    *, by: User, client: Client, room: Room, arrives_on: datetime.date, note: str = ""
) -> PlannedArrival:
    """Reserve a room for a client arriving on a day; the room shows as reserved until then.
    Audited."""
    _same_centre(room.centre_id, client)
    if arrives_on < tonight():
        raise ValidationError({"arrives_on": _("An arrival is planned for tonight or later.")})
    _lock(room, client)
    check_person(client, arrives_on, arrives_on + datetime.timedelta(days=1))
    check_room(
        room, arrives_on, arrives_on + datetime.timedelta(days=1), client=client, field="room"
    )
    if pending_arrivals(room.centre).filter(client=client).exists():
        raise ValidationError(
            {
                "client": _("An arrival is already planned for %(client)s.")
                % {"client": _who(client)}
            }
        )
    arrival = PlannedArrival.objects.create(
        centre=room.centre, client=client, room=room, arrives_on=arrives_on, note=note or ""
    )
    audit.record(Action.CREATE, actor=by, obj=arrival, changes=audit.created(arrival))
    return arrival


@transaction.atomic
def cancel_arrival(*, by: User, arrival: PlannedArrival) -> PlannedArrival:
    """Cancel a planned arrival: the room is free again. Audited."""
    if not arrival.cancelled:
        audit.save_changes(arrival, {"cancelled": True}, by=by)
    return arrival


# ---------------------------------------------------------------------------------------------
# Houses, wings, rooms, out of service


def _create(by: User, obj: Any) -> Any:
    obj.full_clean(exclude=["centre"])
    obj.save()
    audit.record(Action.CREATE, actor=by, obj=obj, changes=audit.created(obj))
    return obj


@transaction.atomic
def save_house(
    *, by: User, centre: Centre, data: dict[str, Any], house: House | None = None
) -> House:
    """Add or rename a house. Audited."""
    if house is None:
        return _create(by, House(centre=centre, **data))
    audit.save_changes(house, data, by=by)
    return house


@transaction.atomic
def save_wing(*, by: User, centre: Centre, data: dict[str, Any], wing: Wing | None = None) -> Wing:
    """Add or change a wing. Audited."""
    if data["house"].centre_id != centre.pk:
        raise ValidationError({"house": _("Choose a house of your centre.")})
    if wing is None:
        return _create(by, Wing(centre=centre, **data))
    audit.save_changes(wing, data, by=by)
    return wing


def _check_room_dates(
    room: Room, opened_on: datetime.date, closed_on: datetime.date | None
) -> None:
    """A room's opening dates hold all its assignments and periods out of service."""
    if closed_on is not None and closed_on <= opened_on:
        raise ValidationError({"closed_on": _("A room closes after it opens.")})
    if room.pk is None:
        return
    early = room.assignments.filter(start__lt=opened_on).select_related("stay__client").first()
    if early is not None:
        raise ValidationError(
            {
                "opened_on": _("%(client)s sleeps in this room from %(day)s.")
                % {"client": _who(early.stay.client), "day": _day(early.start)}
            }
        )
    if closed_on is not None:
        late = (
            room.assignments.filter(Q(end__isnull=True) | Q(end__gt=closed_on))
            .select_related("stay__client")
            .first()
        )
        if late is not None:
            raise ValidationError(
                {
                    "closed_on": _(
                        "Room %(room)s is taken by %(client)s from %(day)s: move or check "
                        "them out before closing the room."
                    )
                    % {"room": room, "client": _who(late.stay.client), "day": _day(late.start)}
                }
            )


@transaction.atomic
def save_room(*, by: User, centre: Centre, data: dict[str, Any], room: Room | None = None) -> Room:
    """Add or change a room (code, wing, opening and closing dates). A room cannot close while
    someone's stay in it goes on past the closing day. Audited."""
    if data["wing"].centre_id != centre.pk:
        raise ValidationError({"wing": _("Choose a wing of your centre.")})
    code = data["code"].strip()
    clash = Room.objects.filter(centre=centre, code__iexact=code)
    if room is not None:
        clash = clash.exclude(pk=room.pk)
        _lock(room)
    if clash.exists():
        raise ValidationError({"code": _("Another room has this code.")})
    data = {**data, "code": code, "notes": data.get("notes") or ""}
    _check_room_dates(room or Room(), data["opened_on"], data.get("closed_on"))
    if room is None:
        return _create(by, Room(centre=centre, **data))
    audit.save_changes(room, data, by=by)
    return room


@transaction.atomic
def save_out_of_service(
    *, by: User, room: Room, data: dict[str, Any], period: OutOfService | None = None
) -> OutOfService:
    """Put a room out of service from a day until a day (or further notice); refused while a
    client sleeps there one of those nights. Audited."""
    start, end = data["start"], data.get("end")
    if end is not None and end <= start:
        raise ValidationError({"end": _("The end is after the start.")})
    _lock(room)
    taken = (
        Assignment.objects.filter(room=room)
        .filter(_overlapping(start, end))
        .select_related("stay__client")
        .first()
    )
    if taken is not None:
        raise ValidationError(
            _("Room %(room)s is taken by %(client)s from %(day)s.")
            % {"room": room, "client": _who(taken.stay.client), "day": _day(taken.start)}
        )
    others = OutOfService.objects.filter(room=room).filter(_overlapping(start, end))
    if period is not None:
        others = others.exclude(pk=period.pk)
    if others.exists():
        raise ValidationError(_("The room is already out of service some of these days."))
    values = {"start": start, "end": end, "reason": data["reason"]}
    if period is None:
        return _create(by, OutOfService(centre=room.centre, room=room, **values))
    audit.save_changes(period, values, by=by)
    return period


# ---------------------------------------------------------------------------------------------
# The house log


@transaction.atomic
def write_log(*, by: User, house: House, text: str, important: bool = False) -> LogEntry:
    """Add a handover note to the house log. Audited (without its text)."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the note.")})
    entry = LogEntry.objects.create(
        centre=house.centre, house=house, author=by, text=text, important=important
    )
    audit.record(
        Action.CREATE, actor=by, obj=entry, changes={"important": {"from": None, "to": important}}
    )
    return entry


def recent_important(
    centre: Centre | None, now: datetime.datetime | None = None
) -> QuerySet[LogEntry]:
    """Important notes of the last 24 hours, newest first."""
    since = (now or timezone.now()) - datetime.timedelta(hours=24)
    return (
        LogEntry.objects.for_centre(centre)
        .filter(important=True, at__gte=since)
        .select_related("author", "house")
    )
