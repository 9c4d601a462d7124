"""Planning appointments, marking them done, my week and the team's week."""

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from haven.accounts.models import User
from haven.accounts.permissions import Role
from haven.appointments.models import Appointment, Kind, Status
from haven.appointments.testing import make_appointment
from haven.audit.models import Action, AuditEntry
from haven.centres.models import Centre
from haven.clients.models import Client
from haven.factories import ClientFactory, UserFactory

pytestmark = pytest.mark.django_db


def local(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def form_data(client: Client | None, worker: User, **values: Any) -> dict[str, Any]:
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    data = {
        "client": client.file_code if client else "",
        "starts_at": f"{tomorrow:%Y-%m-%d}T10:00",
        "duration_minutes": "60",
        "kind": Kind.INDIVIDUAL,
        "place": "office",
        "place_detail": "",
        "track": "psychosocial",
        "worker": str(worker.pk),
        "interpreter_language": "",
        "interpreter_minutes": "0",
        "status": Status.PLANNED,
        "notes": "",
    }
    data.update(values)
    return data


def test_a_worker_plans_a_conversation_with_a_tigrinya_interpreter_and_marks_it_done(
    users: dict[Role, User], client_a: Client, signed_in: Any
) -> None:
    worker = users[Role.PSYCHOSOCIAL]
    http = signed_in(worker)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    when = f"{yesterday:%Y-%m-%d}T10:05"
    week_of_yesterday = "{}-W{:02d}".format(*yesterday.isocalendar()[:2])
    page = http.get(reverse("appointments:create") + f"?client={client_a.pk}")
    assert client_a.file_code in page.content.decode()

    response = http.post(
        reverse("appointments:create"),
        form_data(
            client_a,
            worker,
            starts_at=when,
            interpreter_language="Tigrinya",
        ),
    )
    assert response.status_code == 302
    appointment = Appointment.objects.get()
    assert appointment.client == client_a
    assert appointment.centre == worker.centre
    assert timezone.localtime(appointment.starts_at).time() == datetime.time(10, 5)
    assert AuditEntry.objects.filter(action=Action.CREATE, object_id=str(appointment.pk)).exists()

    week = http.get(reverse("appointments:week"), {"week": week_of_yesterday}).content.decode()
    assert "Interpreter: Tigrinya" in week
    assert f"{client_a.file_code} · {client_a.pseudonym}" in week
    assert client_a.legal_name not in week

    response = http.post(
        reverse("appointments:edit", kwargs={"pk": appointment.pk}),
        form_data(
            client_a,
            worker,
            starts_at=when,
            interpreter_language="Tigrinya",
            interpreter_minutes="50",
            status=Status.DONE,
        ),
    )
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == Status.DONE
    assert appointment.interpreter_minutes == 50
    update = AuditEntry.objects.get(action=Action.UPDATE, object_id=str(appointment.pk))
    assert update.changes["interpreter_minutes"] == {"from": 0, "to": 50}


@pytest.mark.parametrize("duration", ["0", "-30"])
def test_an_appointment_ending_before_it_starts_is_refused_with_the_typed_values_kept(
    duration: str, users: dict[Role, User], client_a: Client, signed_in: Any
) -> None:
    worker = users[Role.PSYCHOSOCIAL]
    response = signed_in(worker).post(
        reverse("appointments:create"),
        form_data(client_a, worker, duration_minutes=duration, place_detail="Station Noord"),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "An appointment must end after it starts." in page
    assert 'value="Station Noord"' in page
    assert f'value="{client_a.file_code}"' in page
    assert not Appointment.objects.exists()


def test_a_done_appointment_in_the_future_is_refused(
    users: dict[Role, User], client_a: Client, signed_in: Any
) -> None:
    worker = users[Role.PSYCHOSOCIAL]
    response = signed_in(worker).post(
        reverse("appointments:create"), form_data(client_a, worker, status=Status.DONE)
    )
    assert response.status_code == 200
    assert "An appointment in the future cannot be done yet." in response.content.decode()
    assert not Appointment.objects.exists()


def test_a_client_or_worker_of_another_centre_cannot_be_chosen(
    users: dict[Role, User], client_b: Client, outsider: User, signed_in: Any
) -> None:
    worker = users[Role.PSYCHOSOCIAL]
    response = signed_in(worker).post(reverse("appointments:create"), form_data(client_b, outsider))
    assert response.status_code == 200
    page = response.content.decode()
    assert "No client of your centre has this file code or name." in page
    assert not Appointment.objects.exists()


def test_only_a_group_activity_can_be_planned_without_a_client(
    users: dict[Role, User], signed_in: Any
) -> None:
    worker = users[Role.PSYCHOSOCIAL]
    http = signed_in(worker)
    refused = http.post(reverse("appointments:create"), form_data(None, worker))
    assert "Only a group activity can be without a client." in refused.content.decode()
    accepted = http.post(reverse("appointments:create"), form_data(None, worker, kind=Kind.GROUP))
    assert accepted.status_code == 302
    assert Appointment.objects.get().client is None


def test_my_week_shows_my_appointments_and_the_team_week_everyones_with_their_name(
    users: dict[Role, User], centre_a: Centre, centre_b: Centre, signed_in: Any
) -> None:
    me = users[Role.PSYCHOSOCIAL]
    colleague = UserFactory(
        centre=centre_a, role=Role.LEGAL, first_name="Sanne", last_name="Colleague"
    )
    monday = datetime.date(2026, 3, 2)
    mine = make_appointment(centre_a, worker=me, starts_at=local(monday, 9), notes="mine-note")
    make_appointment(centre_a, worker=colleague, starts_at=local(monday, 11), notes="theirs-note")
    make_appointment(
        centre_a,
        worker=me,
        starts_at=local(monday - datetime.timedelta(days=1), 23),
        notes="last-week",
    )
    make_appointment(centre_b, starts_at=local(monday, 10), notes="other-centre")
    http = signed_in(me)

    my_week = http.get(reverse("appointments:week"), {"week": "2026-W10"}).content.decode()
    assert "mine-note" in my_week
    assert "theirs-note" not in my_week
    assert "last-week" not in my_week
    assert "other-centre" not in my_week
    assert reverse("appointments:edit", kwargs={"pk": mine.pk}) in my_week
    assert "week=2026-W09" in my_week and "week=2026-W11" in my_week

    team = http.get(reverse("appointments:week"), {"week": "2026-W10", "team": "1"})
    page = team.content.decode()
    assert "mine-note" in page and "theirs-note" in page
    assert "Sanne Colleague" in page
    assert "other-centre" not in page
    assert (
        "last-week" in http.get(reverse("appointments:week"), {"week": "2026-W09"}).content.decode()
    )


def test_the_week_view_runs_the_same_number_of_queries_for_few_or_many_appointments(
    users: dict[Role, User], centre_a: Centre, signed_in: Any
) -> None:
    me = users[Role.PSYCHOSOCIAL]
    monday = datetime.date(2026, 3, 2)
    http = signed_in(me)

    def queries() -> int:
        for team in ("", "1"):
            http.get(reverse("appointments:week"), {"week": "2026-W10", "team": team})
        with CaptureQueriesContext(connection) as captured:
            response = http.get(reverse("appointments:week"), {"week": "2026-W10", "team": "1"})
            assert response.status_code == 200
        return len(captured)

    make_appointment(centre_a, worker=me, starts_at=local(monday, 9))
    few = queries()
    for n in range(12):
        make_appointment(
            centre_a,
            worker=UserFactory(centre=centre_a),
            client=ClientFactory(centre=centre_a),
            starts_at=local(monday + datetime.timedelta(days=n % 7), 8 + n % 9),
        )
    assert queries() == few
