"""Shelter history for the benchmark (scripts/bench.py): rooms and decades of stays, bulk
inserted into a centre that has no rooms yet (a bench database generated before the shelter
existed), so that the occupancy figures are measured on a realistic volume.

Not demo data: the stays are spread over the centre's existing clients without regard to their
guidance episodes. ``scale`` multiplies the shelter: 21 rooms (16 open from the start, a wing
of 5 opened on 1 March 2022) per unit of scale, each with back-to-back stays of 4 to 6 months
over 30 years.
"""

import datetime
import random
from dataclasses import dataclass

from django.db import transaction

from haven.centres.models import Centre
from haven.clients.models import Client
from haven.shelter.models import Assignment, House, Room, Stay, Wing

YEARS = 30
ROOMS = 16
NEW_WING_ROOMS = 5
NEW_WING_OPENED = datetime.date(2022, 3, 1)
BATCH = 5000


@dataclass(frozen=True)
class Generated:
    rooms: int
    stays: int


@transaction.atomic
def ensure_shelter_history(
    centre: Centre, scale: float, today: datetime.date, seed: int = 1
) -> Generated | None:
    """Add ``21 × scale`` rooms and their stays to ``centre`` unless it has rooms; None when
    it had some. Clients are taken in turn from the centre's own (by check-in date), so that a
    client returns only long after a stay ended."""
    if Room.objects.filter(centre=centre).exists():
        return None
    clients = list(Client.objects.filter(centre=centre).order_by("id").values_list("id", flat=True))
    if not clients:
        raise ValueError(f"{centre.code} has no clients to give stays to.")
    rng = random.Random(seed)  # noqa: S311 - synthetic data, not secrets
    first_day = datetime.date(today.year - YEARS, 1, 1)
    copies = max(1, round(scale))

    houses = House.objects.bulk_create(
        [House(centre=centre, name=f"Bench house {n + 1:03d}") for n in range(copies)]
    )
    wings = Wing.objects.bulk_create(
        [
            Wing(centre=centre, house=house, name=name)
            for house in houses
            for name in ("Main wing", "Autonomy wing")
        ]
    )
    rooms: list[Room] = []
    for n in range(copies):
        main, autonomy = wings[2 * n], wings[2 * n + 1]
        rooms += [
            Room(centre=centre, wing=main, code=f"{n + 1:03d}-{i + 1:02d}", opened_on=first_day)
            for i in range(ROOMS)
        ]
        rooms += [
            Room(
                centre=centre,
                wing=autonomy,
                code=f"{n + 1:03d}-N{i + 1}",
                opened_on=NEW_WING_OPENED,
            )
            for i in range(NEW_WING_ROOMS)
        ]
    rooms = Room.objects.bulk_create(rooms, batch_size=BATCH)

    # Each room: stays of 120 to 183 nights, a few days empty between them.
    periods: list[tuple[Room, datetime.date, datetime.date | None]] = []
    for room in rooms:
        day = room.opened_on + datetime.timedelta(days=rng.randint(0, 30))
        while day <= today:
            end = day + datetime.timedelta(days=rng.randint(120, 183))
            periods.append((room, day, end if end <= today else None))
            day = end + datetime.timedelta(days=rng.randint(0, 14))
    periods.sort(key=lambda period: period[1])

    stays = Stay.objects.bulk_create(
        [
            Stay(
                centre=centre,
                client_id=clients[n % len(clients)],
                check_in=start,
                check_out=end,
                planned_departure=None,
            )
            for n, (_room, start, end) in enumerate(periods)
        ],
        batch_size=BATCH,
    )
    Assignment.objects.bulk_create(
        [
            Assignment(centre=centre, stay=stay, room=room, start=start, end=end)
            for stay, (room, start, end) in zip(stays, periods, strict=True)
        ],
        batch_size=BATCH,
    )
    return Generated(rooms=len(rooms), stays=len(stays))
