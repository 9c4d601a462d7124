"""The client overview's timeline: journal entries, appointments and tasks, as the viewer may."""

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from haven.accounts.models import User
from haven.accounts.permissions import Role
from haven.appointments.testing import make_appointment
from haven.clients.models import Client
from haven.guidance.models import Track
from haven.journal.testing import make_entry
from haven.tasks.testing import make_task

pytestmark = pytest.mark.django_db


def overview(http: Any, client: Client) -> str:
    response = http.get(reverse("clients:detail", kwargs={"pk": client.pk}))
    assert response.status_code == 200
    return response.content.decode()


def test_the_timeline_shows_a_psychosocial_entry_to_its_team_and_the_director_only(
    users: dict[Role, User], client_a: Client, signed_in: Any
) -> None:
    entry = make_entry(
        client_a.centre,
        client=client_a,
        track=Track.PSYCHOSOCIAL,
        whole_team=False,
        author=users[Role.PSYCHOSOCIAL],
    )
    client_a.workers.add(users[Role.PSYCHOSOCIAL], users[Role.LEGAL])
    link = reverse("journal:detail", kwargs={"pk": entry.pk})
    assert link in overview(signed_in(users[Role.PSYCHOSOCIAL]), client_a)
    assert link in overview(signed_in(users[Role.DIRECTOR]), client_a)
    assert link not in overview(signed_in(users[Role.LEGAL]), client_a)


def test_the_timeline_shows_appointments_and_tasks_of_the_client(
    users: dict[Role, User], client_a: Client, signed_in: Any
) -> None:
    appointment = make_appointment(
        client_a.centre, client=client_a, interpreter_language="Tigrinya"
    )
    task = make_task(client_a.centre, client=client_a, title="Therapy referral")
    page = overview(signed_in(users[Role.PSYCHOSOCIAL]), client_a)
    assert reverse("appointments:edit", kwargs={"pk": appointment.pk}) in page
    assert "Tigrinya" in page
    assert reverse("tasks:edit", kwargs={"pk": task.pk}) in page
    assert "Therapy referral" in page


def test_night_staff_see_no_appointments_tasks_or_journal_in_the_timeline(
    users: dict[Role, User], client_a: Client, signed_in: Any
) -> None:
    make_appointment(client_a.centre, client=client_a, interpreter_language="Tigrinya")
    make_task(client_a.centre, client=client_a, title="Therapy referral")
    make_entry(client_a.centre, client=client_a)
    page = overview(signed_in(users[Role.NIGHT_STAFF]), client_a)
    assert "Tigrinya" not in page and "Therapy referral" not in page
    assert "/journal/" not in page


def test_the_overview_runs_the_same_number_of_queries_for_few_or_many_items(
    users: dict[Role, User], client_a: Client, signed_in: Any
) -> None:
    centre = client_a.centre
    http = signed_in(users[Role.DIRECTOR])

    def add(n: int) -> None:
        for _i in range(n):
            make_entry(centre, client=client_a)
            make_appointment(centre, client=client_a)
            make_task(centre, client=client_a)

    add(1)
    overview(http, client_a)
    with CaptureQueriesContext(connection) as few:
        overview(http, client_a)
    add(10)
    with CaptureQueriesContext(connection) as many:
        overview(http, client_a)
    assert len(many) == len(few)
