"""The demo's outreach history: thirty years per centre, the seed report's order of size,
the same for the same seed, and left alone when it exists."""

import datetime
from typing import Any

import pytest
from django.db.models import Count, Sum
from django.utils import timezone

from haven.centres.models import Centre
from haven.demo import figures
from haven.demo.outreach import activities
from haven.factories import CentreFactory
from haven.outreach.models import Activity, Kind

pytestmark = pytest.mark.django_db


def _rows(centre: Centre) -> list[tuple[Any, ...]]:
    return list(
        Activity.objects.filter(centre=centre)
        .order_by("date", "kind", "participants", "title")
        .values_list("date", "kind", "participants", "audience", "country_id", "title")
    )


def test_each_year_since_the_founding_has_trainings_delegations_and_awareness() -> None:
    centre = CentreFactory(code="BXL", name="Demo")
    assert activities(centre, seed=7) > 0
    today = timezone.localdate()
    per_year = (
        Activity.objects.filter(centre=centre, kind=Kind.TRAINING)
        .values("date__year")
        .annotate(n=Count("id"))
    )
    counts = {row["date__year"]: row["n"] for row in per_year}
    assert min(counts) == figures.FIRST_YEAR
    assert all(5 <= counts[y] <= 25 for y in range(figures.FIRST_YEAR, today.year))
    trainings = Activity.objects.filter(centre=centre, kind=Kind.TRAINING)
    assert all(8 <= p <= 40 for p in trainings.values_list("participants", flat=True))
    assert trainings.filter(audience="").exists()
    assert {"police", "magistrates", "guardians"} <= set(
        trainings.values_list("audience", flat=True)
    )
    awareness = Activity.objects.filter(centre=centre, kind=Kind.AWARENESS)
    assert all(20 <= p <= 200 for p in awareness.values_list("participants", flat=True))
    delegations = Activity.objects.filter(centre=centre, kind=Kind.DELEGATION)
    assert not delegations.filter(country__isnull=True).exists()
    assert not Activity.objects.filter(centre=centre, date__gt=today).exists()


def test_the_last_five_reported_years_are_in_the_seed_reports_order_of_size() -> None:
    centre = CentreFactory(code="BXL", name="Demo")
    activities(centre)
    five = Activity.objects.filter(
        centre=centre, date__range=(datetime.date(2019, 1, 1), datetime.date(2023, 12, 31))
    )

    def total(kind: str) -> int:
        return int(five.filter(kind=kind).aggregate(n=Sum("participants"))["n"])

    # The report: 2,650 professionals trained, 49 delegations, 6,620 at awareness actions.
    assert 1800 <= total(Kind.TRAINING) <= 3500
    assert 30 <= five.filter(kind=Kind.DELEGATION).count() <= 70
    assert 4000 <= total(Kind.AWARENESS) <= 9000


def test_the_same_seed_gives_the_same_activities_and_a_second_run_changes_nothing() -> None:
    first, second = CentreFactory(code="ANT", name="One"), CentreFactory(code="LIE", name="Two")
    activities(first, seed=3)
    rows = _rows(first)
    Activity.objects.filter(centre=first).delete()
    activities(first, seed=3)
    assert _rows(first) == rows
    assert activities(first, seed=3) == 0
    assert len(_rows(first)) == len(rows)
    activities(second, seed=3)
    assert _rows(second) != rows
