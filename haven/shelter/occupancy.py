"""Occupancy figures of the shelter, exactly as ../shared/REPORT.md (section "shelter") defines
them, computed with aggregate SQL: a handful of queries whatever the length of the period.

A room assignment holds the nights ``start <= d < end`` (an open one: every night up to and
including the period's last day); a room counts the nights ``opened_on <= d < closed_on``.
Both are half-open intervals of days; one grouped query per kind sums them by year (see
``_days_by_year``), and the period's total is the sum of its years (they partition it).
"""

import datetime
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from django.db.models import (
    Count,
    DateField,
    Exists,
    Expression,
    F,
    Func,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Greatest, Least

from haven.centres.models import Centre
from haven.shelter.models import Assignment, Room, Stay

ONE_DAY = datetime.timedelta(days=1)


class DaysBetween(Func):
    """``later - earlier`` in whole days, for two date expressions, in SQL on SQLite and
    PostgreSQL alike (Django's own date subtraction calls a Python function per row on
    SQLite, far too slow for decades of stays)."""

    output_field = IntegerField()
    arity = 2
    template = "(%(expressions)s)"
    arg_joiner = " - "

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template="CAST(julianday(%(expressions)s) AS INTEGER)",
            arg_joiner=") - julianday(",
            **extra,
        )


def _date(day: datetime.date) -> Value:
    return Value(day, output_field=DateField())


def _days_within(start: str, end: str, lo: datetime.date, hi: datetime.date) -> Expression:
    """Days of the half-open interval [start, end) (``end`` empty: open) within [lo, hi)."""
    return DaysBetween(
        Least(Coalesce(F(end), _date(hi)), _date(hi)),
        Greatest(F(start), _date(lo)),
    )


def _touches(start: str, end: str, lo: datetime.date, hi: datetime.date) -> Q:
    """The interval [start, end) shares at least one day with [lo, hi)."""
    return Q(**{f"{start}__lt": hi}) & (Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gt": lo}))


def years(
    start: datetime.date, end: datetime.date
) -> list[tuple[str, datetime.date, datetime.date]]:
    """Each year of the period as (key, first day, day after the last), cut to the period."""
    return [
        (
            str(year),
            max(start, datetime.date(year, 1, 1)),
            min(end + ONE_DAY, datetime.date(year + 1, 1, 1)),
        )
        for year in range(start.year, end.year + 1)
    ]


class Year(Func):
    """The year of a date as an integer, natively (Django's ``ExtractYear`` calls a Python
    function per row on SQLite)."""

    output_field = IntegerField()
    arity = 1
    template = "CAST(EXTRACT(YEAR FROM %(expressions)s) AS INTEGER)"

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler, connection, template="CAST(strftime('%%%%Y', %(expressions)s) AS INTEGER)"
        )


def _days_by_year(
    rows: QuerySet[Any], start_field: str, end_field: str, start: datetime.date, end: datetime.date
) -> dict[str, int]:
    """The days of the rows' intervals [start_field, end_field) within the period, by year, in
    one grouped query.

    Each interval is first cut to the period, ``[s, e)``; the rows are then grouped by the
    year of ``s`` and the year of ``e`` (``e`` excluded: an interval ending on 1 January has
    no day in that year, which the sums below give as 0). For a group (A, B) and a year Y:
    A = B = Y holds ``sum(e - s)`` days; A = Y < B holds ``count × Y's end − sum(s)``;
    A < Y = B ``sum(e) − count × Y's start``; A < Y < B ``count × days of Y``. Days are
    counted from the period's start, so the sums stay small integers on every database.
    """
    after = end + ONE_DAY
    cut_start = Greatest(F(start_field), _date(start))
    cut_end = Least(Coalesce(F(end_field), _date(after)), _date(after))
    groups = (
        rows.filter(_touches(start_field, end_field, start, after))
        .annotate(first_year=Year(cut_start), last_year=Year(cut_end))
        .order_by()
        .values("first_year", "last_year")
        .annotate(
            count=Count("pk"),
            starts=Sum(DaysBetween(cut_start, _date(start))),
            ends=Sum(DaysBetween(cut_end, _date(start))),
        )
    )
    by_year = {key: 0 for key, _lo, _hi in years(start, end)}
    bounds = {int(key): ((lo - start).days, (hi - start).days) for key, lo, hi in years(start, end)}
    for group in groups:  # at most one per pair of years, whatever the number of rows
        first, last = group["first_year"], group["last_year"]
        count, starts, ends = group["count"], int(group["starts"]), int(group["ends"])
        for year in range(first, last + 1):
            if year not in bounds:
                continue  # the year after the period, where an interval ends on 1 January
            lo, hi = bounds[year]
            if first == year == last:
                days = ends - starts
            elif first == year:
                days = count * hi - starts
            elif last == year:
                days = ends - count * lo
            else:
                days = count * (hi - lo)
            by_year[str(year)] += days
    return by_year


def exact_round(numerator: int, denominator: int, digits: int) -> float:
    """``numerator / denominator`` rounded half to even on the exact value (REPORT.md: a float
    division first could turn an exact half into a little more or less)."""
    return float(round(Fraction(numerator, denominator), digits))


def _rate(nights: int, room_nights: int) -> float | None:
    return exact_round(nights, room_nights, 4) if room_nights else None


def _average(days: int | None, count: int) -> float | None:
    return exact_round(days, count, 1) if count and days is not None else None


def _mine(model: Any, centre: Centre | None) -> QuerySet[Any]:
    """The rows of one centre, or of every centre (``None``: the national picture)."""
    rows: QuerySet[Any] = model.objects.all()
    return rows if centre is None else rows.filter(centre=centre)


def figures(centre: Centre | None, start: datetime.date, end: datetime.date) -> dict[str, Any]:
    """The shelter section of the report for the period ``[start, end]`` (both included):
    the keys and values of REPORT.md, in four queries whatever the length of the period.
    ``centre`` None adds up every centre (a client belongs to one centre, so residents add up
    too)."""
    if end < start:
        raise ValueError("The period ends before it starts.")
    assignments = _mine(Assignment, centre)
    nights_by_year = _days_by_year(assignments, "start", "end", start, end)
    room_nights_by_year = _days_by_year(_mine(Room, centre), "opened_on", "closed_on", start, end)
    residents = assignments.filter(_touches("start", "end", start, end + ONE_DAY)).aggregate(
        residents=Count("stay__client", distinct=True)
    )["residents"]
    ended = ended_stays(centre, start, end)
    nights = sum(nights_by_year.values())
    room_nights = sum(room_nights_by_year.values())
    return {
        "nights": nights,
        "nights_by_year": nights_by_year,
        "room_nights": room_nights,
        "occupancy_rate": _rate(nights, room_nights),
        "occupancy_by_year": {
            key: _rate(nights_by_year[key], room_nights_by_year[key]) for key in nights_by_year
        },
        "stays_ended": ended.count,
        "average_stay_days": ended.average_days,
        "residents": residents,
    }


@dataclass(frozen=True)
class EndedStays:
    """Stays whose check-out falls in a period: how many, and their mean length in days."""

    count: int
    total_days: int

    @property
    def average_days(self) -> float | None:
        return _average(self.total_days, self.count)


def ended_stays(centre: Centre | None, start: datetime.date, end: datetime.date) -> EndedStays:
    """The stays (chains of room assignments, kept as Stay rows) that end in ``[start,
    end]``; their length is last check-out − first check-in."""
    row = (
        _mine(Stay, centre)
        .filter(check_out__gte=start, check_out__lte=end)
        .aggregate(
            count=Count("id"), days=Sum(DaysBetween(F("check_out"), F("check_in")), default=0)
        )
    )
    return EndedStays(count=row["count"], total_days=int(row["days"] or 0))


def ended_chains(centre: Centre, start: datetime.date, end: datetime.date) -> EndedStays:
    """The same as ``ended_stays`` from the Assignment rows alone, following REPORT.md's
    definition literally: a stay is a maximal chain of one client's assignments where each
    starts on the day the previous one ends. For a check of imported history, whose stays are
    built from ``stays.csv``; ``figures`` uses the Stay rows, which are these chains.

    A chain ends with an assignment no assignment of the same client continues; it starts at
    the latest chain start of that client before it (a client's chains do not overlap).
    """
    mine = Assignment.objects.filter(centre=centre)
    continued = mine.filter(stay__client=OuterRef("stay__client"), start=OuterRef("end"))
    preceded = mine.filter(stay__client=OuterRef("stay__client"), end=OuterRef("start"))
    chain_start = (
        mine.filter(stay__client=OuterRef("stay__client"), start__lt=OuterRef("end"))
        .annotate(first=~Exists(preceded))
        .filter(first=True)
        .order_by()
        .values("stay__client")
        .annotate(latest=Max("start"))
        .values("latest")
    )
    row = (
        mine.filter(end__gte=start, end__lte=end)
        .annotate(last=~Exists(continued))
        .filter(last=True)
        .annotate(began=Subquery(chain_start[:1], output_field=DateField()))
        .aggregate(count=Count("id"), days=Sum(DaysBetween(F("end"), F("began")), default=0))
    )
    return EndedStays(count=row["count"], total_days=int(row["days"] or 0))


@dataclass(frozen=True)
class Tonight:
    """Who is in the shelter on a day: residents and their mean length of stay so far."""

    residents: int
    average_days: float | None


def current(centre: Centre, today: datetime.date) -> Tonight:
    """The stays open on ``today`` (checked in on or before, not checked out): how many, and
    their mean length so far in days (today − check-in), in one query."""
    row = (
        Stay.objects.filter(centre=centre, check_in__lte=today)
        .filter(Q(check_out__isnull=True) | Q(check_out__gt=today))
        .aggregate(count=Count("id"), days=Sum(DaysBetween(_date(today), F("check_in")), default=0))
    )
    return Tonight(residents=row["count"], average_days=_average(row["days"], row["count"]))
