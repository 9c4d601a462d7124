"""Test helpers of the shelter (used by the access matrix and this app's tests)."""

import datetime
from typing import Any

from django.utils import timezone

from haven.centres.models import Centre
from haven.factories import ClientFactory
from haven.shelter.models import (
    Assignment,
    House,
    OutOfService,
    PlannedArrival,
    Room,
    Stay,
    WaitingEntry,
    Wing,
)


def make_room(centre: Centre, **values: Any) -> Room:
    """A saved room open since 2018 in the centre's first house and wing (made if needed)."""
    house = House.objects.filter(centre=centre).first() or House.objects.create(
        centre=centre, name="Main house"
    )
    if "wing" not in values:
        values["wing"] = Wing.objects.filter(centre=centre, house=house).order_by(
            "id"
        ).first() or Wing.objects.create(centre=centre, house=house, name="Main wing")
    values.setdefault("code", f"R{Room.objects.filter(centre=centre).count() + 1:02d}")
    values.setdefault("opened_on", datetime.date(2018, 1, 1))
    return Room.objects.create(centre=centre, **values)


def make_wing(centre: Centre, name: str = "Autonomy wing") -> Wing:
    """A new wing in the centre's first house (made if needed)."""
    house = House.objects.filter(centre=centre).order_by("id").first() or House.objects.create(
        centre=centre, name="Main house"
    )
    return Wing.objects.create(centre=centre, house=house, name=name)


def make_stay(
    centre: Centre,
    *,
    room: Room | None = None,
    check_in: datetime.date | None = None,
    **values: Any,
) -> Stay:
    """A saved open stay of a new client in a new room (or ``room``), checked in 10 days ago
    (or on ``check_in``); written directly, without the services' checks."""
    room = room or make_room(centre)
    values.setdefault("client", ClientFactory(centre=centre))
    check_in = check_in or timezone.localdate() - datetime.timedelta(days=10)
    stay = Stay.objects.create(centre=centre, check_in=check_in, **values)
    Assignment.objects.create(
        centre=centre, stay=stay, room=room, start=check_in, end=values.get("check_out")
    )
    return stay


def make_arrival(centre: Centre, **values: Any) -> PlannedArrival:
    values.setdefault("room", make_room(centre))
    values.setdefault("client", ClientFactory(centre=centre))
    values.setdefault("arrives_on", timezone.localdate() + datetime.timedelta(days=2))
    return PlannedArrival.objects.create(centre=centre, **values)


def make_out_of_service(centre: Centre, **values: Any) -> OutOfService:
    values.setdefault("room", make_room(centre))
    values.setdefault("start", timezone.localdate() + datetime.timedelta(days=30))
    values.setdefault("reason", "Painting")
    return OutOfService.objects.create(centre=centre, **values)


def make_waiting_entry(centre: Centre, **values: Any) -> WaitingEntry:
    values.setdefault("client", ClientFactory(centre=centre))
    values.setdefault("since", timezone.localdate() - datetime.timedelta(days=3))
    return WaitingEntry.objects.create(centre=centre, **values)


# URL names whose pk addresses another model than a room (see the matrix).
MATRIX_OBJECTS: dict[str, Any] = {
    "shelter:stay": make_stay,
    "shelter:move": make_stay,
    "shelter:check_out": make_stay,
    "shelter:stay_edit": make_stay,
    "shelter:arrival_cancel": make_arrival,
    "shelter:out_of_service_edit": make_out_of_service,
    "shelter:house_edit": lambda centre: make_room(centre).wing.house,
    "shelter:wing_edit": lambda centre: make_room(centre).wing,
    "shelter:waiting_edit": make_waiting_entry,
}
