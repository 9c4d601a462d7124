from typing import Any

from haven.audit.models import AuditEntry
from haven.core.paging import CappedPaginator, page_of


def test_a_list_past_the_cap_says_more_and_pages_through_the_first_rows(db: Any) -> None:
    AuditEntry.objects.bulk_create(AuditEntry(action="view", note=str(i)) for i in range(12))
    paginator = CappedPaginator(AuditEntry.objects.order_by("id"), 5)
    paginator.cap = 10
    assert paginator.is_capped and paginator.count == 10 and paginator.num_pages == 2
    assert [e.note for e in paginator.get_page(2)] == ["5", "6", "7", "8", "9"]


def test_a_list_within_the_cap_counts_exactly(db: Any) -> None:
    AuditEntry.objects.bulk_create(AuditEntry(action="view") for _ in range(7))
    page = page_of(AuditEntry.objects.all(), "nonsense", per_page=5)
    assert page.number == 1
    assert page.paginator.count == 7 and not page.paginator.is_capped  # type: ignore[attr-defined]
