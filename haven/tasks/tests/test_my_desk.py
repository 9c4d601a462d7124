"""The case worker's home page, "my desk": tasks due, appointments, my clients, recent changes."""

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from haven.accounts.models import User
from haven.accounts.permissions import Role
from haven.appointments.testing import make_appointment
from haven.clients import services as clients
from haven.factories import ClientFactory
from haven.tasks.testing import make_task

pytestmark = pytest.mark.django_db


def today() -> datetime.date:
    return timezone.localdate()


def later_today() -> datetime.datetime:
    """A moment later today (or right now, just before midnight)."""
    now = timezone.localtime()
    end = now.replace(hour=23, minute=59, second=0, microsecond=0)
    return min(now + datetime.timedelta(minutes=30), end)


def home(http: Any) -> str:
    response = http.get(reverse("core:home"))
    assert response.status_code == 200
    return response.content.decode()


def test_my_desk_shows_my_due_tasks_but_not_a_colleagues_nor_those_due_later(
    users: dict[Role, User], signed_in: Any
) -> None:
    worker = users[Role.PSYCHOSOCIAL]
    centre = worker.centre
    task = make_task(centre, assignee=worker, title="School enrolment form", due_on=today())
    make_task(
        centre, assignee=worker, title="Overdue referral", due_on=today() - datetime.timedelta(2)
    )
    make_task(
        centre, assignee=worker, title="Due next month", due_on=today() + datetime.timedelta(30)
    )
    make_task(centre, assignee=users[Role.LEGAL], title="Brief the lawyer", due_on=today())
    page = home(signed_in(worker))
    assert "School enrolment form" in page and "Overdue referral" in page
    assert page.index("Overdue referral") < page.index("School enrolment form")
    assert "Due next month" not in page
    assert "Brief the lawyer" not in page
    assert reverse("tasks:complete", kwargs={"pk": task.pk}) in page


def test_the_done_button_on_my_desk_completes_the_task_and_returns_home(
    users: dict[Role, User], signed_in: Any
) -> None:
    worker = users[Role.PSYCHOSOCIAL]
    task = make_task(worker.centre, assignee=worker, title="Therapy referral", due_on=today())
    http = signed_in(worker)
    response = http.post(
        reverse("tasks:complete", kwargs={"pk": task.pk}), {"next": reverse("core:home")}
    )
    assert response.status_code == 302 and response["Location"] == reverse("core:home")
    assert 'data-testid="desk-task"' not in home(http)


def test_my_desk_shows_todays_appointments_with_the_interpreter_language(
    users: dict[Role, User], signed_in: Any
) -> None:
    worker = users[Role.PSYCHOSOCIAL]
    client = ClientFactory(centre=worker.centre, pseudonym="Selam")
    make_appointment(
        worker.centre,
        worker=worker,
        client=client,
        starts_at=later_today(),
        interpreter_language="Tigrinya",
    )
    make_appointment(
        worker.centre,
        worker=users[Role.LEGAL],
        starts_at=later_today(),
        interpreter_language="Albanian",
    )
    page = home(signed_in(worker))
    assert 'data-testid="desk-appointment"' in page
    assert "Tigrinya" in page and "Selam" in page
    assert "Albanian" not in page


def test_my_desk_lists_my_clients_and_the_recent_changes_on_them(
    users: dict[Role, User], signed_in: Any
) -> None:
    worker = users[Role.PSYCHOSOCIAL]
    mine = ClientFactory(centre=worker.centre, pseudonym="Amina")
    mine.workers.add(worker)
    ClientFactory(centre=worker.centre, pseudonym="Zoltan")
    clients.update_client(by=users[Role.DIRECTOR], client=mine, data={"pseudonym": "Amira"})
    page = home(signed_in(worker))
    desk_clients = page.split('data-testid="desk-clients"')[1].split("</section>")[0]
    assert "Amira" in desk_clients and "Zoltan" not in desk_clients
    changes = page.split('data-testid="desk-changes"')[1].split("</section>")[0]
    assert str(mine.file_code) in changes
    assert "a-director" in changes


def test_roles_without_tasks_have_no_desk(users: dict[Role, User], signed_in: Any) -> None:
    page = home(signed_in(users[Role.NIGHT_STAFF]))
    assert 'data-testid="desk-tasks"' not in page
    assert 'data-testid="home-intakes"' in page


def test_the_home_page_runs_the_same_number_of_queries_for_few_or_many_records(
    users: dict[Role, User], signed_in: Any
) -> None:
    worker = users[Role.PSYCHOSOCIAL]
    centre = worker.centre

    def add(n: int) -> None:
        for i in range(n):
            client = ClientFactory(centre=centre)
            client.workers.add(worker)
            make_task(centre, assignee=worker, client=client, due_on=today())
            make_appointment(
                centre,
                worker=worker,
                client=client,
                starts_at=later_today(),
                interpreter_language="Albanian",
            )
            clients.update_client(by=worker, client=client, data={"pseudonym": f"P{n}-{i}"})

    add(1)
    http = signed_in(worker)
    home(http)
    with CaptureQueriesContext(connection) as few:
        home(http)
    add(15)
    with CaptureQueriesContext(connection) as many:
        page = home(http)
    assert page.count('data-testid="desk-task"') == 16
    assert len(many) == len(few)
