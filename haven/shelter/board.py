"""The shelter board: every open room tonight, grouped by wing, with who sleeps there, what is
reserved or out of service, and the arrivals and departures of the day.

A fixed number of queries whatever the number of rooms: one per kind of fact, joined in memory
by room.
"""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from haven.centres.models import Centre
from haven.shelter.models import Assignment, OutOfService, PlannedArrival, Room, Stay, Wing
from haven.shelter.services import pending_arrivals

AVAILABLE, OCCUPIED, RESERVED, OUT_OF_SERVICE = "available", "occupied", "reserved", "out"


@dataclass
class RoomLine:
    room: Room
    status: str = AVAILABLE
    assignment: Assignment | None = None
    arrival: PlannedArrival | None = None
    out: OutOfService | None = None


@dataclass
class WingBlock:
    wing: Wing
    rooms: list[RoomLine] = field(default_factory=list)


@dataclass
class Board:
    night: datetime.date
    wings: list[WingBlock]
    arrivals: list[Stay]
    expected: list[PlannedArrival]
    departures: list[Stay]
    planned_departures: list[Stay]

    def count(self, status: str) -> int:
        return sum(1 for block in self.wings for line in block.rooms if line.status == status)

    @property
    def free(self) -> int:
        return self.count(AVAILABLE)

    @property
    def occupied(self) -> int:
        return self.count(OCCUPIED)

    @property
    def reserved(self) -> int:
        return self.count(RESERVED)

    @property
    def out_of_service(self) -> int:
        return self.count(OUT_OF_SERVICE)


def _tonight(night: datetime.date) -> Q:
    return Q(start__lte=night) & (Q(end__isnull=True) | Q(end__gt=night))


def board(centre: Centre | None, night: datetime.date) -> Board:
    """The board of the night ``night`` (the evening's date)."""
    rooms = list(
        Room.objects.for_centre(centre)
        .filter(opened_on__lte=night)
        .exclude(closed_on__lte=night)
        .select_related("wing__house")
        .order_by("wing__house__name", "wing__name", "wing_id", "code")
    )
    occupied: dict[int, Assignment] = {
        a.room_id: a
        for a in Assignment.objects.for_centre(centre)
        .filter(_tonight(night))
        .select_related("stay__client")
    }
    out: dict[int, OutOfService] = {
        o.room_id: o for o in OutOfService.objects.for_centre(centre).filter(_tonight(night))
    }
    reservations: dict[int, PlannedArrival] = {}
    for arrival in (
        pending_arrivals(centre)
        .filter(arrives_on__gte=night)
        .select_related("client")
        .order_by("-arrives_on", "-id")
    ):
        reservations[arrival.room_id] = arrival  # the earliest wins
    wings: list[WingBlock] = []
    for room in rooms:
        line = RoomLine(room, assignment=occupied.get(room.pk), arrival=reservations.get(room.pk))
        line.out = out.get(room.pk)
        if line.assignment is not None:
            line.status = OCCUPIED
        elif line.out is not None:
            line.status = OUT_OF_SERVICE
        elif line.arrival is not None:
            line.status = RESERVED
        if not wings or wings[-1].wing.pk != room.wing_id:
            wings.append(WingBlock(room.wing))
        wings[-1].rooms.append(line)
    stays: Any = Stay.objects.for_centre(centre).select_related("client")
    return Board(
        night=night,
        wings=wings,
        arrivals=list(stays.filter(check_in=night)),
        expected=list(
            pending_arrivals(centre).filter(arrives_on=night).select_related("client", "room")
        ),
        departures=list(stays.filter(check_out=night)),
        planned_departures=list(stays.filter(check_out__isnull=True, planned_departure=night)),
    )
