"""SQL building blocks of the report's figures that run natively on SQLite and PostgreSQL.

Django's date functions (``ExtractYear``, ``TruncYear``, date arithmetic) call back into
Python for every row on SQLite: far too slow for a million intakes. A date's year is
``haven.shelter.occupancy.Year`` and day counts ``haven.shelter.occupancy.DaysBetween`` (both
native SQL); datetimes are counted by year with ranges of ``mapping.day_start`` bounds.
"""

import datetime
from typing import Any

from django.db.models import (
    Expression,
    F,
    Func,
    IntegerField,
    QuerySet,
    Value,
)
from django.db.models.functions import Coalesce

from haven.shelter.occupancy import years

ONE_DAY = datetime.timedelta(days=1)


def year_keys(start: datetime.date, end: datetime.date) -> list[str]:
    """The ``by_year`` keys of a period: every year from ``start``'s to ``end``'s."""
    return [key for key, _lo, _hi in years(start, end)]


class DateNumber(Func):
    """A date as the integer YYYYMMDD (natively on both databases): ``a - b < 180000`` says
    that ``a`` is less than 18 years after ``b``, leap days included."""

    output_field = IntegerField()
    arity = 1
    template = "CAST(TO_CHAR(%(expressions)s, 'YYYYMMDD') AS INTEGER)"

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # SQLite keeps dates as 'YYYY-MM-DD' text.
        return self.as_sql(
            compiler,
            connection,
            template="CAST(REPLACE(%(expressions)s, '-', '') AS INTEGER)",
            **extra,
        )


def birth_number(client: str = "client") -> Expression:
    """A client's birth date as YYYYMMDD: ``birth_date``, else 1 July of ``birth_year``, else
    NULL (REPORT.md, ``new_minors``)."""
    return Coalesce(
        DateNumber(F(f"{client}__birth_date")),
        F(f"{client}__birth_year") * Value(10000) + Value(701),
        output_field=IntegerField(),
    )


def median(rows: QuerySet[Any], value: str, count: int) -> float | None:
    """The median of the annotated ``value`` over ``count`` rows: the middle one, or the mean
    of the middle two, fetched with OFFSET from the rows in order (nothing else is loaded)."""
    if not count:
        return None
    middle = (count - 1) // 2
    wanted = 1 if count % 2 else 2
    values = list(rows.order_by(value).values_list(value, flat=True)[middle : middle + wanted])
    return float(round(sum(values) / len(values), 1))
