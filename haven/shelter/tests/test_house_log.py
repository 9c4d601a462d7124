"""The house log: handover notes between shifts, newest first; important notes of the last
24 hours on the board."""

import datetime
from typing import Any

import time_machine
from django.urls import reverse

from haven.accounts.models import User
from haven.accounts.permissions import Role
from haven.audit.models import Action, AuditEntry
from haven.centres.models import Centre
from haven.shelter import services
from haven.shelter.models import House, LogEntry
from haven.shelter.testing import make_room

EVENING = datetime.datetime(2026, 3, 4, 21, 0, tzinfo=datetime.UTC)


def test_night_staff_write_a_note_and_the_log_shows_the_newest_first(
    users: dict[Role, User], centre_a: Centre, signed_in: Any
) -> None:
    make_room(centre_a)
    house = House.objects.get(centre=centre_a)
    http = signed_in(users[Role.NIGHT_STAFF])
    services.write_log(by=users[Role.PSYCHOSOCIAL], house=house, text="Older note")
    response = http.post(
        reverse("shelter:log"), {"house": house.pk, "text": "Fire alarm tested", "important": "on"}
    )
    assert response.status_code == 302
    entry = LogEntry.objects.get(text="Fire alarm tested")
    assert entry.important and entry.author == users[Role.NIGHT_STAFF]
    html = http.get(reverse("shelter:log")).content.decode()
    assert html.index("Fire alarm tested") < html.index("Older note")
    audit = AuditEntry.objects.get(
        action=Action.CREATE, object_type="shelter.logentry", object_id=str(entry.pk)
    )
    assert audit.actor == users[Role.NIGHT_STAFF] and "Fire alarm" not in str(audit.changes)


def test_an_empty_note_is_refused(
    users: dict[Role, User], centre_a: Centre, signed_in: Any
) -> None:
    make_room(centre_a)
    house = House.objects.get(centre=centre_a)
    response = signed_in(users[Role.NIGHT_STAFF]).post(
        reverse("shelter:log"), {"house": house.pk, "text": "  "}
    )
    assert response.status_code == 200
    assert not LogEntry.objects.exists()


def test_important_notes_of_the_last_day_show_on_the_board_for_the_log_keepers(
    users: dict[Role, User], centre_a: Centre, signed_in: Any
) -> None:
    make_room(centre_a)
    house = House.objects.get(centre=centre_a)
    writer = users[Role.NIGHT_STAFF]
    with time_machine.travel(EVENING - datetime.timedelta(hours=30), tick=False):
        services.write_log(by=writer, house=house, text="Yesterday's news", important=True)
    with time_machine.travel(EVENING, tick=False):
        services.write_log(by=writer, house=house, text="Call the plumber", important=True)
        services.write_log(by=writer, house=house, text="Quiet evening")
    with time_machine.travel(EVENING + datetime.timedelta(hours=5), tick=False):
        html = signed_in(writer).get(reverse("shelter:board")).content.decode()
        assert "Call the plumber" in html
        assert "Yesterday's news" not in html and "Quiet evening" not in html
        legal = signed_in(users[Role.LEGAL]).get(reverse("shelter:board")).content.decode()
        assert "Call the plumber" not in legal


def test_the_legal_worker_has_no_house_log(
    users: dict[Role, User], centre_a: Centre, signed_in: Any
) -> None:
    assert signed_in(users[Role.LEGAL]).get(reverse("shelter:log")).status_code == 403
