import datetime
from typing import Any

import pytest
from django.urls import reverse

from haven.accounts.models import User
from haven.accounts.permissions import Role
from haven.audit.models import Action, AuditEntry
from haven.centres.models import Centre


def centre_form(centre: Centre, **changes: Any) -> dict[str, Any]:
    data = {
        "name": centre.name,
        "languages": ["nl", "fr"],
        "office_days": ["0", "1", "2", "3", "4"],
        "office_opens": "08:30",
        "office_closes": "17:00",
        "reminder_days": "30, 14, 7",
        "phone": "",
        "address": "",
        "is_case_holding": "on",
    }
    return {**data, **changes}


def test_the_director_changes_office_hours_and_the_change_is_audited(
    signed_in: Any, users: dict[Role, User], centre_a: Centre
) -> None:
    http = signed_in(users[Role.DIRECTOR])
    response = http.post(reverse("centres:edit", kwargs={"pk": centre_a.pk}), centre_form(centre_a))
    assert response.status_code == 302
    centre_a.refresh_from_db()
    assert centre_a.office_opens == datetime.time(8, 30)
    entry = AuditEntry.objects.get(action=Action.UPDATE, object_type="centres.centre")
    assert entry.changes["office_opens"] == {"from": "09:00:00", "to": "08:30:00"}


def test_office_hours_that_close_before_they_open_are_refused(
    signed_in: Any, users: dict[Role, User], centre_a: Centre
) -> None:
    http = signed_in(users[Role.DIRECTOR])
    response = http.post(
        reverse("centres:edit", kwargs={"pk": centre_a.pk}),
        centre_form(centre_a, office_closes="07:00", name="Typed name"),
    )
    assert response.status_code == 200
    assert b"The office must close after it opens." in response.content
    assert b'value="Typed name"' in response.content


def test_the_director_sets_when_workers_are_reminded_of_expiring_documents(
    signed_in: Any, users: dict[Role, User], centre_a: Centre
) -> None:
    http = signed_in(users[Role.DIRECTOR])
    url = reverse("centres:edit", kwargs={"pk": centre_a.pk})
    response = http.post(url, centre_form(centre_a, reminder_days="7; 45,21"))
    assert response.status_code == 302
    centre_a.refresh_from_db()
    assert centre_a.reminder_days == [45, 21, 7]


@pytest.mark.parametrize("typed", ["30, soon", "0, 14", "14, 14", ""])
def test_reminder_days_that_are_not_distinct_whole_days_are_refused(
    typed: str, signed_in: Any, users: dict[Role, User], centre_a: Centre
) -> None:
    http = signed_in(users[Role.DIRECTOR])
    url = reverse("centres:edit", kwargs={"pk": centre_a.pk})
    response = http.post(url, centre_form(centre_a, reminder_days=typed))
    assert response.status_code == 200
    centre_a.refresh_from_db()
    assert centre_a.reminder_days == [30, 14, 7]


def test_office_hours_follow_local_time_and_office_days(centre_a: Centre) -> None:
    from zoneinfo import ZoneInfo

    brussels = ZoneInfo("Europe/Brussels")
    tuesday_morning = datetime.datetime(2026, 3, 3, 10, 0, tzinfo=brussels)
    night = datetime.datetime(2026, 3, 4, 3, 0, tzinfo=brussels)
    sunday = datetime.datetime(2026, 3, 8, 11, 0, tzinfo=brussels)
    assert centre_a.is_office_hours(tuesday_morning)
    assert not centre_a.is_office_hours(night)
    assert not centre_a.is_office_hours(sunday)
