"""Outreach: record, change and remove trainings, delegations and awareness sessions (audited),
the yearly totals, the filters, who may, and isolation between centres."""

import datetime
from typing import Any

import pytest
from django.urls import reverse

from haven.accounts.models import User
from haven.accounts.permissions import Role
from haven.audit.models import Action, AuditEntry
from haven.centres.models import Centre
from haven.outreach import services
from haven.outreach.models import Activity, Kind
from haven.outreach.testing import make_activity

pytestmark = pytest.mark.django_db

TRAINING = {
    "date": "2024-05-02",
    "kind": Kind.TRAINING,
    "title": "Recognising labour exploitation",
    "participants": "23",
    "audience": "social inspection",
    "country": "",
    "notes": "",
}


def test_the_training_officer_records_a_training_audited(
    users: dict[Role, User], signed_in: Any
) -> None:
    officer = users[Role.TRAINING]
    http = signed_in(officer)
    assert http.get(reverse("outreach:create")).status_code == 200
    response = http.post(reverse("outreach:create"), TRAINING)
    activity = Activity.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("outreach:list")
    assert (activity.centre, activity.date, activity.participants, activity.audience) == (
        officer.centre,
        datetime.date(2024, 5, 2),
        23,
        "social inspection",
    )
    assert activity.created_by == officer
    entry = AuditEntry.objects.get(action=Action.CREATE, object_type="outreach.activity")
    assert entry.actor == officer
    assert entry.changes["participants"]["to"] == 23


def test_create_keeps_what_was_typed_on_a_form_error(
    users: dict[Role, User], signed_in: Any
) -> None:
    response = signed_in(users[Role.DIRECTOR]).post(
        reverse("outreach:create"), {**TRAINING, "date": ""}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert Activity.objects.count() == 0
    assert "Please correct the fields marked below" in page
    assert "Recognising labour exploitation" in page
    assert 'value="23"' in page


def test_negative_participants_are_refused(users: dict[Role, User], signed_in: Any) -> None:
    response = signed_in(users[Role.TRAINING]).post(
        reverse("outreach:create"), {**TRAINING, "participants": "-5"}
    )
    assert response.status_code == 200
    assert 'value="-5"' in response.content.decode()
    assert Activity.objects.count() == 0


def test_the_service_refuses_negative_participants_too(users: dict[Role, User]) -> None:
    director = users[Role.DIRECTOR]
    data = {"date": datetime.date(2024, 1, 9), "kind": Kind.AWARENESS, "participants": -1}
    with pytest.raises(Exception, match="cannot be negative"):
        services.create_activity(by=director, centre=director.centre, data=data)
    assert Activity.objects.count() == 0


def test_a_delegation_names_its_country(users: dict[Role, User], signed_in: Any) -> None:
    response = signed_in(users[Role.DIRECTOR]).post(
        reverse("outreach:create"),
        {
            **TRAINING,
            "kind": Kind.DELEGATION,
            "title": "Study visit",
            "participants": "6",
            "audience": "",
            "country": "NG",
        },
    )
    assert response.status_code == 302
    activity = Activity.objects.get()
    assert (activity.kind, activity.country_id) == (Kind.DELEGATION, "NG")


def test_editing_an_activity_records_what_changed(users: dict[Role, User], signed_in: Any) -> None:
    officer = users[Role.TRAINING]
    activity = make_activity(officer.centre, participants=12)
    http = signed_in(officer)
    form = http.get(reverse("outreach:edit", kwargs={"pk": activity.pk})).content.decode()
    assert "Indicators of trafficking" in form
    response = http.post(
        reverse("outreach:edit", kwargs={"pk": activity.pk}),
        {**TRAINING, "date": "2024-03-14", "participants": "15", "audience": "police"},
    )
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.participants == 15
    entry = AuditEntry.objects.get(action=Action.UPDATE, object_type="outreach.activity")
    assert entry.changes["participants"] == {"from": 12, "to": 15}


def test_a_refused_edit_keeps_the_activity_as_it_was(
    users: dict[Role, User], signed_in: Any
) -> None:
    activity = make_activity(users[Role.TRAINING].centre, participants=12)
    response = signed_in(users[Role.TRAINING]).post(
        reverse("outreach:edit", kwargs={"pk": activity.pk}), {**TRAINING, "participants": "-1"}
    )
    assert response.status_code == 200
    activity.refresh_from_db()
    assert activity.participants == 12


def test_removing_asks_first_then_deletes_on_the_confirming_post_audited(
    users: dict[Role, User], signed_in: Any
) -> None:
    activity = make_activity(users[Role.DIRECTOR].centre)
    http = signed_in(users[Role.DIRECTOR])
    url = reverse("outreach:delete", kwargs={"pk": activity.pk})
    page = http.get(url)
    assert page.status_code == 200
    assert Activity.objects.filter(pk=activity.pk).exists()
    response = http.post(url)
    assert response.status_code == 302
    assert not Activity.objects.filter(pk=activity.pk).exists()
    entry = AuditEntry.objects.get(action=Action.DELETE, object_type="outreach.activity")
    assert entry.changes["participants"] == {"from": 12, "to": None}


def test_another_centres_activity_answers_not_found(
    users: dict[Role, User], centre_b: Centre, signed_in: Any
) -> None:
    theirs = make_activity(centre_b)
    http = signed_in(users[Role.DIRECTOR])
    for name in ("outreach:edit", "outreach:delete"):
        assert http.get(reverse(name, kwargs={"pk": theirs.pk})).status_code == 404
        assert http.post(reverse(name, kwargs={"pk": theirs.pk}), TRAINING).status_code == 404
    theirs.refresh_from_db()
    assert theirs.participants == 12
    assert "Indicators of trafficking" not in http.get(reverse("outreach:list")).content.decode()


def test_administration_reads_the_list_but_may_not_change_it(
    users: dict[Role, User], signed_in: Any
) -> None:
    activity = make_activity(users[Role.ADMIN_FINANCE].centre)
    http = signed_in(users[Role.ADMIN_FINANCE])
    page = http.get(reverse("outreach:list"))
    assert page.status_code == 200
    assert reverse("outreach:edit", kwargs={"pk": activity.pk}) not in page.content.decode()
    assert http.post(reverse("outreach:create"), TRAINING).status_code == 403
    assert http.post(reverse("outreach:delete", kwargs={"pk": activity.pk})).status_code == 403
    assert signed_in(users[Role.PSYCHOSOCIAL]).get(reverse("outreach:list")).status_code == 403


def test_totals_per_year_count_trainings_professionals_delegations_and_awareness(
    centre_a: Centre, centre_b: Centre
) -> None:
    make_activity(centre_a, date=datetime.date(2023, 2, 1), participants=10)
    make_activity(centre_a, date=datetime.date(2023, 11, 30), participants=15)
    make_activity(centre_a, date=datetime.date(2023, 6, 1), kind=Kind.DELEGATION, participants=7)
    make_activity(centre_a, date=datetime.date(2023, 7, 30), kind=Kind.AWARENESS, participants=80)
    make_activity(centre_a, date=datetime.date(2024, 1, 2), kind=Kind.AWARENESS, participants=40)
    make_activity(centre_b, date=datetime.date(2023, 3, 3), participants=99)
    assert services.totals_by_year(centre_a) == [
        {
            "year": 2024,
            "trainings": 0,
            "professionals_trained": 0,
            "delegations": 0,
            "awareness_participants": 40,
        },
        {
            "year": 2023,
            "trainings": 2,
            "professionals_trained": 25,
            "delegations": 1,
            "awareness_participants": 80,
        },
    ]
    assert [row["year"] for row in services.totals_by_year(centre_a, year=2023)] == [2023]


def test_the_list_filters_by_year_and_kind_and_shows_the_totals(
    users: dict[Role, User], signed_in: Any
) -> None:
    centre = users[Role.TRAINING].centre
    make_activity(centre, date=datetime.date(2022, 5, 5), title="Old training")
    make_activity(centre, date=datetime.date(2023, 5, 5), title="Recent training")
    make_activity(
        centre,
        date=datetime.date(2023, 10, 18),
        kind=Kind.AWARENESS,
        title="European day",
        participants=150,
        audience="",
    )
    http = signed_in(users[Role.TRAINING])
    page = http.get(reverse("outreach:list"), {"year": "2023"}).content.decode()
    assert "Recent training" in page and "European day" in page
    assert "Old training" not in page
    assert 'data-testid="year-2023"' in page and 'data-testid="year-2022"' not in page
    page = http.get(reverse("outreach:list"), {"year": "2023", "kind": "awareness"}).content
    assert b"European day" in page and b"Recent training" not in page
    # An unknown filter value is left out, not an error.
    page = http.get(reverse("outreach:list"), {"year": "1871"}).content.decode()
    assert "Old training" in page and "Recent training" in page


def test_audiences_already_written_are_offered_while_typing(
    users: dict[Role, User], signed_in: Any
) -> None:
    make_activity(users[Role.TRAINING].centre, audience="youth workers")
    page = signed_in(users[Role.TRAINING]).get(reverse("outreach:create")).content.decode()
    assert '<option value="youth workers">' in page
    assert '<option value="magistrates">' in page
