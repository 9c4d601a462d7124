"""Pagination for lists that can hold a million rows: count at most a cap.

Counting every match of a search over a decade of intakes costs more than showing them. Past
the cap the list says "more than N" and pages through the first N (newest first): narrowing the
filters or the search reaches older ones.
"""

from functools import cached_property
from typing import Any

from django.core.paginator import Page, Paginator

COUNT_CAP = 1000


class CappedPaginator(Paginator):
    cap = COUNT_CAP

    @cached_property
    def seen(self) -> int:
        """How many rows there are, counted up to one past the cap."""
        rows: Any = self.object_list
        # Without its ORDER BY the count may use the index of the filter (the open intakes)
        # instead of walking the index of the sort order through every row.
        return int(rows.order_by()[: self.cap + 1].count())

    @cached_property
    def count(self) -> int:
        return min(self.seen, self.cap)

    @property
    def is_capped(self) -> bool:
        return self.seen > self.cap


def page_of(rows: Any, number: Any, per_page: int = 50) -> Page:
    """The requested page (the last one for a number past the end, the first for nonsense)."""
    return CappedPaginator(rows, per_page).get_page(number)
