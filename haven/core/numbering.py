"""Sequential codes per centre and year (``BXL-2026-0042``, ``BXL-I-2026-0042``)."""

import re

from django.db.models import IntegerField, Max, QuerySet
from django.db.models.functions import Cast, Substr


def next_code(rows: QuerySet, field: str, prefix: str) -> str:
    """The code after the highest one starting with ``prefix`` among ``rows``.

    Numbers are compared as numbers, not as text, so a busy year may pass 9999 without
    taking a code that exists.
    """
    last = rows.filter(**{f"{field}__startswith": prefix}).aggregate(
        n=Max(Cast(Substr(field, len(prefix) + 1), IntegerField()))
    )["n"]
    return f"{prefix}{(last or 0) + 1:04d}"


CODE = re.compile(r"^[A-Za-z]{2,8}(-I)?-\d{4}-\d{4,}$")


def is_code(text: str) -> bool:
    """Whether a search text is a whole file or intake code: then it is looked up exactly,
    through the unique index, instead of scanning every row for a part of it."""
    return bool(CODE.match(text.strip()))
