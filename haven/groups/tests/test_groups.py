"""Group activities: planning one, what volunteers see, attendance rules, queries, timeline."""

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from haven.accounts.models import User
from haven.accounts.permissions import Role
from haven.audit.models import Action, AuditEntry
from haven.clients.models import Client
from haven.factories import ClientFactory, UserFactory
from haven.groups import services
from haven.groups.models import GroupActivity
from haven.groups.testing import make_activity

pytestmark = pytest.mark.django_db


def next_week() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=7)


def test_a_worker_plans_a_group_activity_with_two_clients_and_a_volunteer_audited(
    users: dict[Role, User], client_a: Client, signed_in: Any
) -> None:
    worker = users[Role.PSYCHOSOCIAL]
    other: Any = ClientFactory(centre=worker.centre)
    volunteer = users[Role.VOLUNTEER]
    http = signed_in(worker)
    assert http.get(reverse("groups:create")).status_code == 200
    response = http.post(
        reverse("groups:create"),
        {
            "theme": "Cooking together",
            "date": f"{next_week():%Y-%m-%d}",
            "starts_at": "14:00",
            "description": "",
            "organiser": str(worker.pk),
            "clients": f"{client_a.file_code}\n{other.pseudonym}\n",
            "volunteers": [str(volunteer.pk)],
        },
    )
    assert response.status_code == 302, response.content.decode()
    activity = GroupActivity.objects.get()
    assert set(activity.clients.all()) == {client_a, other}
    assert list(activity.volunteers.all()) == [volunteer]
    assert activity.created_by == worker
    entry = AuditEntry.objects.get(action=Action.CREATE, object_type="groups.groupactivity")
    assert entry.changes["clients"]["to"] == sorted([client_a.file_code, other.file_code])
    assert entry.changes["volunteers"]["to"] == [volunteer.username]
    assert client_a.pseudonym not in str(entry.changes)


def test_changing_the_attendance_is_audited_as_file_codes(
    users: dict[Role, User], client_a: Client
) -> None:
    worker = users[Role.LEGAL]
    activity = make_activity(worker.centre, clients=[], volunteers=[])
    data = {
        "date": activity.date,
        "starts_at": None,
        "theme": activity.theme,
        "description": "",
        "organiser": activity.organiser,
        "clients": [client_a],
        "volunteers": [],
    }
    services.update_activity(by=worker, activity=activity, data=data)
    entry = AuditEntry.objects.get(action=Action.UPDATE, object_type="groups.groupactivity")
    assert entry.changes == {"clients": {"from": [], "to": [client_a.file_code]}}


def test_a_volunteer_sees_the_activity_and_the_count_but_no_client_code_or_pseudonym(
    users: dict[Role, User], client_a: Client, signed_in: Any
) -> None:
    other = ClientFactory(centre=client_a.centre)
    activity = make_activity(client_a.centre, clients=[client_a, other], theme="Museum visit")
    http = signed_in(users[Role.VOLUNTEER])
    for url in (reverse("groups:list"), reverse("groups:detail", kwargs={"pk": activity.pk})):
        page = http.get(url).content.decode()
        assert "Museum visit" in page
        for client in (client_a, other):
            assert client.file_code not in page and client.pseudonym not in page
    listed = http.get(reverse("groups:list")).content.decode()
    assert "2 clients attending" in listed
    detail = http.get(reverse("groups:detail", kwargs={"pk": activity.pk})).content.decode()
    assert 'data-testid="attendance"' not in detail
    worker_page = signed_in(users[Role.PSYCHOSOCIAL]).get(
        reverse("groups:detail", kwargs={"pk": activity.pk})
    )
    assert client_a.file_code in worker_page.content.decode()


def test_a_volunteer_cannot_plan_or_change_an_activity(
    users: dict[Role, User], signed_in: Any
) -> None:
    activity = make_activity(users[Role.VOLUNTEER].centre)
    http = signed_in(users[Role.VOLUNTEER])
    assert http.get(reverse("groups:create")).status_code == 403
    assert http.get(reverse("groups:edit", kwargs={"pk": activity.pk})).status_code == 403


def test_only_the_centres_clients_and_volunteers_can_attend(
    users: dict[Role, User], client_b: Client, signed_in: Any
) -> None:
    worker = users[Role.PSYCHOSOCIAL]
    response = signed_in(worker).post(
        reverse("groups:create"),
        {
            "theme": "Cooking together",
            "date": f"{next_week():%Y-%m-%d}",
            "organiser": str(worker.pk),
            "clients": client_b.file_code,
        },
    )
    assert response.status_code == 200
    assert not GroupActivity.objects.exists()
    data = {
        "date": next_week(),
        "theme": "Cooking together",
        "organiser": worker,
        "clients": [client_b],
        "volunteers": [UserFactory(centre=client_b.centre, role=Role.VOLUNTEER), worker],
    }
    with pytest.raises(ValidationError) as raised:
        services.create_activity(by=worker, centre=worker.centre, data=data)
    assert set(raised.value.message_dict) == {"clients", "volunteers"}


def test_the_list_runs_the_same_number_of_queries_for_few_or_many_activities(
    users: dict[Role, User], signed_in: Any
) -> None:
    centre = users[Role.VOLUNTEER].centre
    http = signed_in(users[Role.VOLUNTEER])
    make_activity(centre)
    http.get(reverse("groups:list"))
    with CaptureQueriesContext(connection) as few:
        http.get(reverse("groups:list"))
    for _i in range(8):
        make_activity(centre)
    with CaptureQueriesContext(connection) as many:
        page = http.get(reverse("groups:list")).content.decode()
    assert page.count('data-testid="activity"') == 9
    assert len(many) == len(few)


def test_past_activities_are_listed_apart_from_upcoming_ones(
    users: dict[Role, User], signed_in: Any
) -> None:
    centre = users[Role.DIRECTOR].centre
    make_activity(centre, theme="Last month", date=timezone.localdate() - datetime.timedelta(30))
    make_activity(centre, theme="Next week")
    http = signed_in(users[Role.DIRECTOR])
    upcoming = http.get(reverse("groups:list")).content.decode()
    past = http.get(reverse("groups:list") + "?show=past").content.decode()
    assert "Next week" in upcoming and "Last month" not in upcoming
    assert "Last month" in past and "Next week" not in past


def test_the_overview_timeline_shows_the_activity_to_workers_only(
    users: dict[Role, User], client_a: Client, signed_in: Any
) -> None:
    activity = make_activity(client_a.centre, clients=[client_a], theme="Museum visit")
    link = reverse("groups:detail", kwargs={"pk": activity.pk})
    url = reverse("clients:detail", kwargs={"pk": client_a.pk})
    page = signed_in(users[Role.PSYCHOSOCIAL]).get(url).content.decode()
    assert "Group activity: Museum visit" in page and link in page
    admin_page = signed_in(users[Role.ADMIN_FINANCE]).get(url).content.decode()
    assert "Museum visit" not in admin_page


def test_the_overview_runs_the_same_number_of_queries_for_few_or_many_activities(
    users: dict[Role, User], client_a: Client, signed_in: Any
) -> None:
    http = signed_in(users[Role.DIRECTOR])
    url = reverse("clients:detail", kwargs={"pk": client_a.pk})
    make_activity(client_a.centre, clients=[client_a])
    http.get(url)
    with CaptureQueriesContext(connection) as few:
        http.get(url)
    for _i in range(5):
        make_activity(client_a.centre, clients=[client_a])
    with CaptureQueriesContext(connection) as many:
        http.get(url)
    assert len(many) == len(few)
