"""The hours the annual report counts from appointments."""

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from haven.accounts.models import User
from haven.accounts.permissions import Role
from haven.appointments import services
from haven.appointments.models import Kind, Status
from haven.appointments.testing import make_appointment
from haven.centres.models import Centre

pytestmark = pytest.mark.django_db

MARCH = datetime.date(2026, 3, 10)


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def test_hours_add_up_from_done_appointments_only(centre_a: Centre, centre_b: Centre) -> None:
    # Counted: two done individual conversations (90 + 45 minutes), 50 interpreter minutes on
    # one of them and 30 on a done court accompaniment, and one done group activity.
    make_appointment(
        centre_a,
        starts_at=at(MARCH),
        duration_minutes=90,
        status=Status.DONE,
        interpreter_language="Tigrinya",
        interpreter_minutes=50,
    )
    make_appointment(centre_a, starts_at=at(MARCH, 14), duration_minutes=45, status=Status.DONE)
    make_appointment(
        centre_a,
        starts_at=at(MARCH),
        kind=Kind.ACCOMPANY_COURT,
        duration_minutes=180,
        status=Status.DONE,
        interpreter_language="Albanian",
        interpreter_minutes=30,
    )
    make_appointment(
        centre_a, starts_at=at(MARCH), kind=Kind.GROUP, duration_minutes=120, status=Status.DONE
    )
    # Not counted: cancelled, missed, planned, outside the period, another centre.
    for status in (Status.CANCELLED, Status.MISSED, Status.PLANNED):
        make_appointment(
            centre_a,
            starts_at=at(MARCH),
            duration_minutes=60,
            status=status,
            interpreter_minutes=60,
        )
        make_appointment(centre_a, starts_at=at(MARCH), kind=Kind.GROUP, status=status)
    make_appointment(centre_a, starts_at=at(datetime.date(2026, 4, 1), 0), status=Status.DONE)
    make_appointment(centre_b, starts_at=at(MARCH), status=Status.DONE, interpreter_minutes=60)

    with CaptureQueriesContext(connection) as captured:
        totals = services.hours(centre_a, datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))
    assert len(captured) == 1
    assert totals.individual_hours == Decimal(135) / 60
    assert totals.interpreter_hours == Decimal(80) / 60
    assert totals.group_sessions == 1


def test_the_last_day_of_the_period_counts_in_brussels_time(centre_a: Centre) -> None:
    # 23:30 on 31 March in Brussels is already 1 April in no timezone but 21:30 UTC.
    make_appointment(
        centre_a,
        starts_at=at(datetime.date(2026, 3, 31), 23),
        duration_minutes=30,
        status=Status.DONE,
    )
    totals = services.hours(centre_a, datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))
    assert totals.individual_hours == Decimal("0.5")
    april = services.hours(centre_a, datetime.date(2026, 4, 1), datetime.date(2026, 4, 30))
    assert april.individual_hours == 0


def test_the_hours_page_shows_the_figures_of_the_chosen_period(
    users: dict[Role, User], centre_a: Centre, signed_in: Any
) -> None:
    make_appointment(
        centre_a,
        starts_at=at(MARCH),
        duration_minutes=90,
        status=Status.DONE,
        interpreter_minutes=45,
    )
    response = signed_in(users[Role.DIRECTOR]).get(
        reverse("appointments:hours"), {"start": "2026-03-01", "end": "2026-03-31"}
    )
    page = response.content.decode()
    assert "1.50" in page and "0.75" in page
    refused = signed_in(users[Role.DIRECTOR]).get(
        reverse("appointments:hours"), {"start": "2026-03-31", "end": "2026-03-01"}
    )
    assert "The period must end on or after its first day." in refused.content.decode()
