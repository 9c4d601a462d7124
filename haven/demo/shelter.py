"""What the shelter adds to the demo history: houses and rooms, stays, the waiting list, the
house log and the rental deposit fund (``haven.demo.deposits``).

Each demo centre has a "Main house": a main wing open since the history starts (one room of it
closed in 2011) and an "Autonomy wing" opened on 2022-03-01 (BXL: 16 + 5 rooms, the seed
report's 21); at ``--scale`` above 1, as many houses as the scale. Most guidance episodes start
with a stay of four to six months, within days of the episode's start, ending at the latest
with the episode (for the reason it ended) or open while the client still lives there. Rooms
are given greedily in the order episodes start, each room free from a day: a room holds one
client a night and a client one room a night by construction. Nobody free within two weeks:
the person waits, then is referred to a partner centre or no longer needs a room. Some
residents move rooms, after 2022 often to the autonomy wing before they leave; rooms go out of
service now and then for repairs. In the last weeks a few rooms are kept free, so that today
the board has free rooms, arrivals and a departure, and two to four people wait.

The episodes' ``residential`` flag is set to whether the client had a stay. Generation touches
no database after the episodes are read, so it may run in a child process (like ``legal``).
"""

import datetime
import heapq
import random
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils import timezone

from haven.accounts.permissions import Role
from haven.centres.models import Centre
from haven.demo import bulk, deposits, figures
from haven.demo.bulk import Writer
from haven.guidance.models import EndReason, Episode
from haven.partners.models import Partner, PartnerKind
from haven.shelter.models import (
    Assignment,
    CheckOutReason,
    House,
    LogEntry,
    OutOfService,
    PlannedArrival,
    Room,
    Stay,
    WaitingEntry,
    WaitingStatus,
    Wing,
)

WRITTEN = (
    House,
    Wing,
    Room,
    OutOfService,
    Stay,
    Assignment,
    WaitingEntry,
    PlannedArrival,
    LogEntry,
    *deposits.WRITTEN,
)
DAY = datetime.timedelta(days=1)
EPISODES_PER_BATCH = 5000
NEVER = datetime.date.max
# A batch of rows by model label, as the driver takes them; under UPDATES the episodes'
# (residential, id) and the stays' (planned departure, id) to set.
RESIDENTIAL, PLANNED = "residential", "planned_departure"
Batch = dict[str, list[Any]]

# Rooms per house: (main wing, autonomy wing). The seed report: 21 rooms, 5 of them a wing.
ROOMS = {"BXL": (16, 5), "ANT": (10, 3), "LIE": (5, 3)}
AUTONOMY_OPENED = datetime.date(2022, 3, 1)
CLOSED_ROOM_ON = datetime.date(2011, 9, 1)  # one extra room of each main wing, then an office
# Assumptions: who needs a room, for how long, how long one waits, moves and repairs.
STAY_SHARE = 0.92
LONG_STAY = 0.1  # of stays: up to a year
MAX_WAIT_DAYS = 14
STILL_WAITING_DAYS = 21  # refused in these last days: still on the list today
WAITING_TODAY = (2, 4)
ROOMLESS_KEPT = 50  # the latest clients in guidance without a stay: some may wait today
RESERVE_DAYS, RESERVE_ROOMS = 90, 4  # per house: rooms kept free for today's board
ROOM_SWAP, AUTONOMY_MOVE = 0.1, 0.9
LISTED_AFTER_DAYS = 3  # a shorter wait for a room is no waiting list entry
TURNOVER_DAYS = [0, 0, 0, 1, 1, 2, 3]  # a room between two residents
REPAIR = 0.03
REPAIRS = ["Painting", "Plumbing repair", "New window", "Water damage", "Heating repair"]
# The reason a stay ended with the episode; a stay that ended before: mostly own housing.
LEFT_WITH_EPISODE = {
    EndReason.AUTONOMY.value: CheckOutReason.OWN_HOUSING.value,
    EndReason.VOLUNTARY_RETURN.value: CheckOutReason.RETURNED_HOME.value,
    EndReason.LEFT_WITHOUT_NOTICE.value: CheckOutReason.LEFT_WITHOUT_NOTICE.value,
    EndReason.TRANSFERRED.value: CheckOutReason.PARTNER_SHELTER.value,
}
MOVED_ON = [CheckOutReason.OWN_HOUSING.value] * 30 + [
    *[CheckOutReason.PARTNER_SHELTER.value] * 2,
    *[CheckOutReason.OTHER.value] * 2,
    CheckOutReason.LEFT_WITHOUT_NOTICE.value,
]
LOG = [
    ("Quiet night. {a} asked for an extra blanket.", False),
    ("Quiet night.", False),
    ("{a} came back late from work; all fine.", False),
    ("{a} could not sleep; we talked for a while in the kitchen.", False),
    ("Fire alarm tested, nothing to report.", False),
    ("The washing machine on the first floor is broken again; technician called.", True),
    ("{a} and {b} cooked together for the house.", False),
    ("Reminder: {a} has an appointment with the lawyer at 9:00.", True),
    ("{a} felt unwell in the evening; doctor on call phoned, to follow up in the morning.", True),
    ("House meeting at 18:00: {a} and {b} will take the kitchen rota this week.", False),
]


@dataclass
class Shelter:
    """What was generated for one centre."""

    rooms: int = 0
    stays: int = 0
    assignments: int = 0
    waiting: int = 0
    loans: int = 0
    repayments: int = 0


@dataclass
class Slot:
    """A room and the first day it is free (everything before is given or lost)."""

    id: int
    code: str
    main: bool
    free_from: datetime.date
    closed_on: datetime.date | None = None


class CentreShelter:
    """The rooms, stays, waiting list and deposit loans of one centre's episodes."""

    def __init__(
        self,
        centre: Centre,
        *,
        users: Mapping[str, int],
        seed: int,
        now: datetime.datetime,
        scale: float,
    ):
        self.centre = centre.pk
        self.rng = random.Random(f"{seed}:{centre.code}:shelter")  # noqa: S311 - synthetic
        self.tz = timezone.get_default_timezone()
        self.now = now
        self.today = timezone.localtime(now, self.tz).date()
        self.night = users[Role.NIGHT_STAFF.value]
        self.day = users[Role.PSYCHOSOCIAL.value]
        self.finance = users[Role.ADMIN_FINANCE.value]
        self.partner_centres = list(
            Partner.objects.filter(centre=centre, kind=PartnerKind.PARTNER_CENTRE)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        self.episodes = list(
            Episode.objects.filter(centre=centre)
            .order_by("start_date", "id")
            .values_list(
                "id",
                "client_id",
                "start_date",
                "end_date",
                "end_reason",
                "residential",
                "client__pseudonym",
            )
        )
        self.writers: dict[type[models.Model], Writer] = {
            model: Writer(model, batch=None, memo=True) for model in WRITTEN
        }
        self.houses = max(1, round(scale)) if scale > 1 else 1
        self.reserve = RESERVE_ROOMS * self.houses
        self.main: list[tuple[datetime.date, int, Slot]] = []  # heaps by free day
        self.autonomy: list[tuple[datetime.date, int, Slot]] = []
        self.closing: list[Slot] = []
        self.free_today = 0  # rooms in the heaps free from today or before
        self.house_ids: list[int] = []
        self._rooms(ROOMS.get(centre.code, ROOMS["LIE"]))
        self.client_free: dict[int, datetime.date] = {}
        self.moments: dict[datetime.date, datetime.datetime] = {}
        self.updates: dict[str, list[tuple[Any, int]]] = {RESIDENTIAL: [], PLANNED: []}
        # For today's board: open stays (planned departure, stay id, pseudonym), people who
        # wait (rows), episodes that begin with a stay in the coming days, and recent ones
        # without a stay.
        self.open_stays: list[tuple[datetime.date, int, str]] = []
        self.waiting: list[dict[str, Any]] = []
        self.arriving: list[tuple[datetime.date, int]] = []
        self.roomless: list[tuple[datetime.date, int]] = []

    # --- the houses -----------------------------------------------------------------------

    def _rooms(self, sizes: tuple[int, int]) -> None:
        first_day = datetime.date(figures.FIRST_YEAR, 1, 1)
        writers = self.writers
        for number in range(1, self.houses + 1):
            prefix = "" if number == 1 else f"H{number}-"
            house = writers[House].add(
                {
                    "centre_id": self.centre,
                    "name": "Main house" if number == 1 else f"House {number}",
                }
            )
            self.house_ids.append(house)
            main_rooms, autonomy_rooms = sizes
            wings = [
                ("Main wing", "Individual rooms.", [f"{101 + i}" for i in range(main_rooms + 1)]),
                (
                    "Autonomy wing",
                    "For residents close to autonomy.",
                    [f"A{1 + i}" for i in range(autonomy_rooms)],
                ),
            ]
            for name, description, codes in wings:
                main = name == "Main wing"
                wing = writers[Wing].add(
                    {
                        "centre_id": self.centre,
                        "house_id": house,
                        "name": name,
                        "description": description,
                    }
                )
                for i, code in enumerate(codes):
                    closing = main and i == len(codes) - 1
                    opened = first_day if main else AUTONOMY_OPENED
                    slot = Slot(0, prefix + code, main, opened, CLOSED_ROOM_ON if closing else None)
                    slot.id = writers[Room].add(
                        {
                            "centre_id": self.centre,
                            "wing_id": wing,
                            "code": slot.code,
                            "opened_on": opened,
                            "closed_on": slot.closed_on,
                            "notes": "Became the staff office." if closing else "",
                        }
                    )
                    if closing:
                        self.closing.append(slot)
                    else:
                        self._push(self.main if main else self.autonomy, slot, opened)

    # --- the whole centre -----------------------------------------------------------------

    def batches(self) -> Iterator[Batch]:
        """The generated rows, some thousands of episodes at a time. Touches no database."""
        for i, episode in enumerate(self.episodes, start=1):
            self._episode(*episode)
            if i % EPISODES_PER_BATCH == 0:
                yield self._batch()
        self._today()
        yield self._batch()

    def _batch(self) -> Batch:
        batch: Batch = {model._meta.label: self.writers[model].take() for model in WRITTEN}
        for key, rows in self.updates.items():
            batch[key], self.updates[key] = rows, []
        return batch

    def _aware(self, day: datetime.date, hour: int = 10) -> datetime.datetime:
        moment = self.moments.get(day) if hour == 10 else None
        if moment is None:
            moment = datetime.datetime.combine(day, datetime.time(hour, 0), tzinfo=self.tz)
            moment = min(moment, self.now)
            if hour == 10:
                self.moments[day] = moment
        return moment

    # --- one episode ----------------------------------------------------------------------

    def _episode(
        self,
        episode_id: int,
        client_id: int,
        start: datetime.date,
        end: datetime.date | None,
        end_reason: str,
        residential: bool,
        pseudonym: str,
    ) -> None:
        rng = self.rng
        wants = rng.random() < STAY_SHARE
        arrive = start + DAY * rng.randint(0, 3)
        long = rng.random() < LONG_STAY
        length = DAY * (rng.randint(190, 365) if long else rng.randint(115, 190))
        stayed = False
        if not wants or (end is not None and arrive >= end):
            if end is None:
                self.roomless.append((start, client_id))
                del self.roomless[:-ROOMLESS_KEPT]
        elif arrive > self.today:
            self.arriving.append((arrive, client_id))
        elif arrive >= self.client_free.get(client_id, arrive):
            stayed = self._stay(client_id, arrive, length, end, end_reason, pseudonym)
        if stayed != residential:
            self.updates[RESIDENTIAL].append((stayed, episode_id))

    def _leaving(
        self, check_in: datetime.date, length: datetime.timedelta, end: datetime.date | None
    ) -> tuple[datetime.date | None, bool]:
        """The check-out of a stay from ``check_in`` (None: still there), and whether it
        comes with the end of the episode."""
        planned = check_in + length
        if end is not None and end <= planned:
            return end, True
        return (None, False) if planned > self.today else (planned, False)

    def _stay(
        self,
        client_id: int,
        arrive: datetime.date,
        length: datetime.timedelta,
        end: datetime.date | None,
        end_reason: str,
        pseudonym: str,
    ) -> bool:
        rng = self.rng
        check_out, with_episode = self._leaving(arrive, length, end)
        slot = self._free_room(arrive, check_out)
        check_in = arrive
        if slot is None:
            earliest = min(heap[0][0] for heap in (self.main, self.autonomy) if heap)
            waited = arrive + DAY * MAX_WAIT_DAYS
            if earliest <= min(waited, self.today) and (end is None or earliest < end):
                check_in = max(earliest, arrive)
                check_out, with_episode = self._leaving(check_in, length, end)
                slot = self._free_room(check_in, check_out)
            if slot is None:
                self._refused(client_id, arrive)
                return False
            if (check_in - arrive).days > LISTED_AFTER_DAYS:
                self._waited(client_id, arrive, check_in, WaitingStatus.ADMITTED)
        # The chain of rooms: perhaps a swap early on, perhaps the autonomy wing near the end.
        last = check_out or check_in + length
        rooms = [(check_in, slot)]
        if slot.main and rng.random() < ROOM_SWAP:
            moved = check_in + DAY * int((last - check_in).days * rng.uniform(0.15, 0.4))
            if (
                self._can_move(check_in, moved, check_out)
                and self.main
                and self.main[0][0] <= moved
            ):
                rooms.append((moved, self._pop(self.main)))
        if rooms[-1][1].main and rng.random() < AUTONOMY_MOVE and (last - check_in).days >= 60:
            moved = check_in + DAY * int((last - check_in).days * rng.uniform(0.4, 0.7))
            if (
                moved >= AUTONOMY_OPENED
                and self._can_move(rooms[-1][0], moved, check_out)
                and self.autonomy
                and self.autonomy[0][0] <= moved
            ):
                rooms.append((moved, self._pop(self.autonomy)))
        stays, assignments = self.writers[Stay], self.writers[Assignment]
        stay_id = stays.next_id()
        for i, (day, room) in enumerate(rooms):
            until = rooms[i + 1][0] if i + 1 < len(rooms) else check_out
            assignments.add(
                {
                    "centre_id": self.centre,
                    "stay_id": stay_id,
                    "room_id": room.id,
                    "start": day,
                    "end": until,
                }
            )
            self._release(room, until, final=i + 1 == len(rooms))
        reason = ""
        if check_out is not None:
            if with_episode:
                reason = LEFT_WITH_EPISODE.get(end_reason, CheckOutReason.OTHER.value)
            else:
                reason = rng.choice(MOVED_ON)
        planned = check_in + length
        stays.add(
            {
                "id": stay_id,
                "centre_id": self.centre,
                "client_id": client_id,
                "check_in": check_in,
                "check_out": check_out,
                "check_out_reason": reason,
                "planned_departure": planned,
                "created_by_id": self.night if rng.random() < 0.3 else self.day,
                "created_at": self._aware(check_in),
            }
        )
        self.client_free[client_id] = check_out or NEVER
        if check_out is None:
            self.open_stays.append((planned, stay_id, pseudonym))
        elif reason == CheckOutReason.OWN_HOUSING and rng.random() < deposits.LOAN_SHARE:
            deposits.loan(
                rng,
                self.writers,
                centre=self.centre,
                client=client_id,
                moved_out=check_out,
                today=self.today,
                by=self.finance,
                aware=self._aware,
            )
        return True

    def _can_move(
        self, since: datetime.date, moved: datetime.date, check_out: datetime.date | None
    ) -> bool:
        return since < moved <= self.today and (check_out is None or moved < check_out)

    def _free_room(self, day: datetime.date, check_out: datetime.date | None) -> Slot | None:
        """Take the room free the longest on ``day`` (the main wing first), for a stay up to
        ``check_out``; None when every room is taken, or kept free for today's board."""
        recent = day >= self.today - DAY * RESERVE_DAYS
        stays_on = check_out is None or check_out > self.today
        if recent and stays_on and self.free_today <= self.reserve:
            return None
        for slot in self.closing:
            closed = slot.closed_on
            if slot.free_from <= day and check_out is not None and closed and check_out <= closed:
                slot.free_from = NEVER  # given back by _release
                return slot
        # The main wing, unless an autonomy room has stood empty for a week longer.
        heaps = [heap for heap in (self.main, self.autonomy) if heap and heap[0][0] <= day]
        if not heaps:
            return None
        heap = min(heaps, key=lambda heap: heap[0][0] + DAY * (0 if heap is self.main else 7))
        return self._pop(heap)

    def _release(self, slot: Slot, day: datetime.date | None, *, final: bool) -> None:
        """The room is free again from ``day`` (after a turnover, or repairs)."""
        rng = self.rng
        free = NEVER
        if day is not None:
            free = day + DAY * rng.choice(TURNOVER_DAYS)
            if final and rng.random() < REPAIR:
                repaired = free + DAY * rng.randint(5, 30)
                if repaired <= self.today:
                    self._out_of_service(slot, free, repaired, rng.choice(REPAIRS))
                    free = repaired
        slot.free_from = free
        if slot.closed_on is None:
            heap = self.main if slot.main else self.autonomy
            self._push(heap, slot, free)

    def _push(
        self, heap: list[tuple[datetime.date, int, Slot]], slot: Slot, free: datetime.date
    ) -> None:
        heapq.heappush(heap, (free, slot.id, slot))
        if free <= self.today:
            self.free_today += 1

    def _pop(self, heap: list[tuple[datetime.date, int, Slot]]) -> Slot:
        free, _id, slot = heapq.heappop(heap)
        if free <= self.today:
            self.free_today -= 1
        return slot

    def _out_of_service(
        self, slot: Slot, start: datetime.date, end: datetime.date, reason: str
    ) -> None:
        self.writers[OutOfService].add(
            {
                "centre_id": self.centre,
                "room_id": slot.id,
                "start": start,
                "end": end,
                "reason": reason,
            }
        )

    # --- the waiting list -----------------------------------------------------------------

    def _waited(
        self,
        client_id: int,
        since: datetime.date,
        closed: datetime.date | None,
        status: str,
        partner: int | None = None,
    ) -> dict[str, Any]:
        row = {
            "centre_id": self.centre,
            "client_id": client_id,
            "since": since,
            "urgent": self.rng.random() < 0.3,
            "status": status,
            "closed_on": closed,
            "referred_to_id": partner,
            "created_at": self._aware(since),
        }
        if status == WaitingStatus.WAITING:
            self.waiting.append(row)
        else:
            self.writers[WaitingEntry].add(row)
        return row

    def _refused(self, client_id: int, since: datetime.date) -> None:
        rng = self.rng
        if since >= self.today - DAY * STILL_WAITING_DAYS:
            self._waited(client_id, since, None, WaitingStatus.WAITING)
            return
        closed = min(since + DAY * rng.randint(1, 10), self.today)
        if self.partner_centres and rng.random() < 0.55:
            partner = rng.choice(self.partner_centres)
            self._waited(client_id, since, closed, WaitingStatus.REFERRED, partner)
        else:
            self._waited(client_id, since, closed, WaitingStatus.WITHDRAWN)

    # --- today ----------------------------------------------------------------------------

    def _today(self) -> None:
        """Today's board: a room in repair, arrivals, a departure, the waiting list, the log."""
        rng, today = self.rng, self.today
        free = sorted(
            (slot for heap in (self.main, self.autonomy) for f, _o, slot in heap if f <= today),
            key=lambda slot: (not slot.main, slot.id),
        )
        if len(free) >= 3:
            slot = free.pop()
            since = max(slot.free_from, today - DAY * rng.randint(1, 6))
            self._out_of_service(slot, since, today + DAY * rng.randint(4, 14), "Plumbing repair")
        low, high = WAITING_TODAY
        waiting = sorted(self.waiting, key=lambda row: row["since"])
        for row in waiting[: max(0, len(waiting) - high)]:  # the oldest found a place elsewhere
            row["status"], row["closed_on"] = WaitingStatus.WITHDRAWN, today
        waiting = waiting[max(0, len(waiting) - high) :]
        waits = {row["client_id"] for row in waiting}
        for start, client_id in sorted(self.roomless, reverse=True):
            if len(waiting) >= low:
                break
            if client_id not in waits:
                since = max(start, today - DAY * rng.randint(1, STILL_WAITING_DAYS))
                waiting.append(self._waited(client_id, since, None, WaitingStatus.WAITING))
                waits.add(client_id)
        for row in self.waiting:
            self.writers[WaitingEntry].add(row)
        # Arrivals: those expected in the coming days, then people waiting; one room stays free.
        people = sorted(self.arriving)
        people += [(today + DAY * rng.randint(1, 4), row["client_id"]) for row in waiting]
        rooms = free[: min(len(free) - 1, len(people), 3)]
        for i, (slot, (day, client_id)) in enumerate(zip(rooms, people[: len(rooms)], strict=True)):
            self.writers[PlannedArrival].add(
                {
                    "centre_id": self.centre,
                    "client_id": client_id,
                    "room_id": slot.id,
                    "arrives_on": today if i == 0 else day,
                    "note": "" if i else "Arrives in the evening.",
                    "created_at": self._aware(today - DAY * rng.randint(1, 3)),
                }
            )
        if self.open_stays:
            departs = min(self.open_stays)
            self.updates[PLANNED].append((today, departs[1]))
        self._log()

    def _log(self) -> None:
        """A few notes a day in the main house's log over the last week."""
        rng, names = self.rng, sorted({name for *_, name in self.open_stays})
        if len(names) < 2:
            return
        for back in range(6, -1, -1):
            day = self.today - DAY * back
            for hour, author in ((7, self.night), (16, self.day), (23, self.night)):
                at = self._aware(day, hour)
                if at >= self.now or rng.random() < 0.3:
                    continue
                text, important = rng.choice(LOG)
                a, b = rng.sample(names, 2)
                self.writers[LogEntry].add(
                    {
                        "centre_id": self.centre,
                        "house_id": self.house_ids[0],
                        "at": at,
                        "author_id": author,
                        "text": text.format(a=a, b=b),
                        "important": important,
                    }
                )


def stays(
    centre: Centre,
    *,
    users: Mapping[str, int],
    seed: int,
    now: datetime.datetime,
    scale: float,
    child_process: bool = False,
) -> Shelter:
    """Write the rooms, stays, waiting list and deposit loans of the centre's episodes;
    ``child_process``: generate them in a forked process while this one inserts."""
    generated = CentreShelter(centre, users=users, seed=seed, now=now, scale=scale)
    tables = {model: generated.writers[model].table for model in WRITTEN}
    written = dict.fromkeys(WRITTEN, 0)
    batches = generated.batches()
    for batch in bulk.in_child_process(batches) if child_process else batches:
        for model in WRITTEN:
            written[model] += tables[model].write(batch[model._meta.label])
        bulk.update(Episode, ["residential"], batch[RESIDENTIAL])
        bulk.update(Stay, ["planned_departure"], batch[PLANNED])
    return Shelter(
        rooms=written[Room],
        stays=written[Stay],
        assignments=written[Assignment],
        waiting=written[WaitingEntry],
        loans=written[deposits.Loan],
        repayments=written[deposits.Repayment],
    )
