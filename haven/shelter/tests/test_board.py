"""The shelter board: every open room tonight with its status, arrivals and departures, a
fixed number of queries; check-in, move and check-out from it, by who may."""

import datetime
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from haven.accounts.models import User
from haven.accounts.permissions import Role
from haven.audit.models import Action, AuditEntry
from haven.centres.models import Centre
from haven.factories import ClientFactory
from haven.shelter import services
from haven.shelter.models import CheckOutReason, OutOfService, Stay
from haven.shelter.testing import make_room, make_stay

D = datetime.date
NOW = datetime.datetime(2026, 3, 20, 14, 0, tzinfo=datetime.UTC)  # 15:00 in Brussels


@pytest.fixture(autouse=True)
def _frozen() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


def _room_card(html: str, code: str) -> str:
    start = html.index(f'data-testid="room-{code}"')
    return html[start : html.index("</li>", start)]


def test_the_board_shows_each_room_tonight(
    users: dict[Role, User], centre_a: Centre, signed_in: Any
) -> None:
    night = users[Role.NIGHT_STAFF]
    occupied = make_room(centre_a, code="A1")
    make_room(centre_a, code="A2")
    broken = make_room(centre_a, code="A3")
    reserved = make_room(centre_a, code="A4")
    make_room(centre_a, code="OLD", closed_on=D(2025, 1, 1))
    lotus = ClientFactory(centre=centre_a, pseudonym="Lotus")
    stay = services.check_in(
        by=night,
        client=lotus,
        room=occupied,
        day=D(2026, 3, 3),
        planned_departure=D(2026, 8, 1),
    )
    OutOfService.objects.create(centre=centre_a, room=broken, start=D(2026, 3, 1), reason="Leak")
    services.plan_arrival(
        by=night,
        client=ClientFactory(centre=centre_a, pseudonym="Iris"),
        room=reserved,
        arrives_on=D(2026, 3, 24),
    )
    html = signed_in(night).get(reverse("shelter:board")).content.decode()
    a1 = _room_card(html, "A1")
    assert 'data-status="occupied"' in a1 and "Lotus" in a1 and str(lotus.file_code) in a1
    assert "since 03/03/2026" in a1 and "Planned departure: 08/01/2026" in a1
    assert reverse("shelter:move", kwargs={"pk": stay.pk}) in a1
    assert 'data-status="available"' in _room_card(html, "A2")
    assert "Check in" in _room_card(html, "A2")
    assert 'data-status="out"' in _room_card(html, "A3") and "Leak" in _room_card(html, "A3")
    a4 = _room_card(html, "A4")
    assert 'data-status="reserved"' in a4 and "Reserved for Iris" in a4
    assert 'room-OLD"' not in html
    assert str(lotus.legal_name) not in html
    assert 'data-testid="count-free">1<' in html
    assert 'data-testid="count-occupied">1<' in html


def test_the_board_lists_the_arrivals_and_departures_of_the_day(
    users: dict[Role, User], centre_a: Centre, signed_in: Any
) -> None:
    night = users[Role.NIGHT_STAFF]
    services.check_in(
        by=night,
        client=ClientFactory(centre=centre_a, pseudonym="Newcomer"),
        room=make_room(centre_a),
        day=D(2026, 3, 20),
    )
    leaving = services.check_in(
        by=night,
        client=ClientFactory(centre=centre_a, pseudonym="Leaver"),
        room=make_room(centre_a),
        day=D(2026, 1, 5),
    )
    services.check_out(
        by=night, stay=leaving, day=D(2026, 3, 20), reason=CheckOutReason.OWN_HOUSING
    )
    make_stay(
        centre_a,
        check_in=D(2026, 2, 1),
        planned_departure=D(2026, 3, 20),
        client=ClientFactory(centre=centre_a, pseudonym="Soon"),
    )
    html = signed_in(night).get(reverse("shelter:board")).content.decode()
    arrivals = html[html.index('data-testid="arrivals"') : html.index('data-testid="departures"')]
    departures = html[html.index('data-testid="departures"') :]
    departures = departures[: departures.index("</section>")]
    assert "Newcomer" in arrivals and "Leaver" not in arrivals
    assert "Leaver" in departures and "Moved to own housing" in departures
    assert "Soon" in departures


def test_the_board_needs_a_fixed_number_of_queries(
    users: dict[Role, User], centre_a: Centre, signed_in: Any
) -> None:
    http = signed_in(users[Role.NIGHT_STAFF])

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert http.get(reverse("shelter:board")).status_code == 200
        return len(queries)

    make_stay(centre_a)
    few = count()
    for _ in range(8):
        make_stay(centre_a)
        make_room(centre_a)
    assert count() == few


def test_night_staff_check_a_client_in_from_the_board(
    users: dict[Role, User], centre_a: Centre, signed_in: Any
) -> None:
    room = make_room(centre_a, code="A2")
    client = ClientFactory(centre=centre_a, pseudonym="Lotus")
    http = signed_in(users[Role.NIGHT_STAFF])
    page = http.get(reverse("shelter:check_in") + f"?room={room.pk}")
    assert page.status_code == 200
    response = http.post(
        reverse("shelter:check_in"),
        {"client": client.file_code, "room": room.pk, "day": "2026-03-20"},
    )
    assert response.status_code == 302
    stay = Stay.objects.get(client=client)
    assert stay.assignments.get().room == room
    assert AuditEntry.objects.filter(
        action=Action.CREATE, object_type="shelter.stay", actor=users[Role.NIGHT_STAFF]
    ).exists()


def test_a_refused_check_in_shows_the_conflict_and_keeps_what_was_typed(
    users: dict[Role, User], centre_a: Centre, signed_in: Any
) -> None:
    taken = make_stay(centre_a, check_in=D(2026, 3, 1))
    room = taken.assignments.get().room
    http = signed_in(users[Role.NIGHT_STAFF])
    response = http.post(
        reverse("shelter:check_in"),
        {"client": "Lotus-not-typed-well", "room": room.pk, "day": "2026-03-20"},
    )
    assert response.status_code == 200
    assert "No client of your centre" in response.content.decode()
    client = ClientFactory(centre=centre_a, pseudonym="Lotus")
    response = http.post(
        reverse("shelter:check_in"),
        {"client": "Lotus", "room": room.pk, "day": "2026-03-20", "notes": "Came by taxi"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert f"is taken by {taken.client.file_code}" in html
    assert 'value="Lotus"' in html and 'value="Came by taxi"' in html
    assert not Stay.objects.filter(client=client).exists()


def test_move_and_check_out_through_the_views(
    users: dict[Role, User], centre_a: Centre, signed_in: Any
) -> None:
    stay = make_stay(centre_a, check_in=D(2026, 3, 1))
    other = make_room(centre_a, code="B1")
    http = signed_in(users[Role.PSYCHOSOCIAL])
    response = http.post(
        reverse("shelter:move", kwargs={"pk": stay.pk}), {"room": other.pk, "day": "2026-03-10"}
    )
    assert response.status_code == 302
    assert stay.assignments.count() == 2
    response = http.post(
        reverse("shelter:check_out", kwargs={"pk": stay.pk}),
        {"day": "2026-02-01", "reason": CheckOutReason.OWN_HOUSING},
    )
    assert response.status_code == 200
    assert "The check-out is after the check-in" in response.content.decode()
    response = http.post(
        reverse("shelter:check_out", kwargs={"pk": stay.pk}),
        {"day": "2026-03-20", "reason": CheckOutReason.OWN_HOUSING},
    )
    assert response.status_code == 302
    stay.refresh_from_db()
    assert stay.check_out == D(2026, 3, 20)
    assert stay.check_out_reason == CheckOutReason.OWN_HOUSING


def test_the_legal_worker_reads_the_board_but_cannot_check_anyone_in(
    users: dict[Role, User], centre_a: Centre, signed_in: Any
) -> None:
    room = make_room(centre_a)
    stay = make_stay(centre_a)
    client = ClientFactory(centre=centre_a)
    http = signed_in(users[Role.LEGAL])
    html = http.get(reverse("shelter:board")).content.decode()
    assert stay.client.pseudonym in html
    assert reverse("shelter:check_in") not in html
    assert reverse("shelter:move", kwargs={"pk": stay.pk}) not in html
    response = http.post(
        reverse("shelter:check_in"),
        {"client": client.file_code, "room": room.pk, "day": "2026-03-20"},
    )
    assert response.status_code == 403
    response = http.post(
        reverse("shelter:check_out", kwargs={"pk": stay.pk}),
        {"day": "2026-03-20", "reason": CheckOutReason.OTHER},
    )
    assert response.status_code == 403
    assert not Stay.objects.filter(client=client).exists()
    stay.refresh_from_db()
    assert stay.check_out is None


def test_a_stay_of_another_centre_is_not_found(
    users: dict[Role, User], centre_b: Centre, signed_in: Any
) -> None:
    stay = make_stay(centre_b)
    http = signed_in(users[Role.NIGHT_STAFF])
    assert http.get(reverse("shelter:stay", kwargs={"pk": stay.pk})).status_code == 404
    response = http.post(
        reverse("shelter:check_out", kwargs={"pk": stay.pk}),
        {"day": "2026-03-20", "reason": CheckOutReason.OTHER},
    )
    assert response.status_code == 404
    stay.refresh_from_db()
    assert stay.check_out is None
    assert AuditEntry.objects.filter(action=Action.DENIED, object_id=str(stay.pk)).exists()


def test_a_client_of_another_centre_cannot_be_checked_in(
    users: dict[Role, User], centre_a: Centre, centre_b: Centre, signed_in: Any
) -> None:
    outside = ClientFactory(centre=centre_b, pseudonym="Elsewhere")
    room = make_room(centre_a)
    response = signed_in(users[Role.NIGHT_STAFF]).post(
        reverse("shelter:check_in"),
        {"client": outside.file_code, "room": room.pk, "day": "2026-03-20"},
    )
    assert response.status_code == 200
    assert not Stay.objects.exists()


def test_the_stay_page_lists_the_rooms_and_is_audited_as_a_reading(
    users: dict[Role, User], centre_a: Centre, signed_in: Any
) -> None:
    stay = make_stay(centre_a, check_in=D(2026, 3, 1))
    services.move(
        by=users[Role.NIGHT_STAFF],
        stay=stay,
        room=make_room(centre_a, code="B1"),
        day=D(2026, 3, 8),
    )
    html = signed_in(users[Role.LEGAL]).get(reverse("shelter:stay", kwargs={"pk": stay.pk}))
    rooms = html.content.decode().split('data-testid="stay-rooms"')[1].split("</ol>")[0]
    assert "Room R01" in rooms and "Room B1" in rooms
    assert AuditEntry.objects.filter(
        action=Action.VIEW, object_id=str(stay.client.pk), actor=users[Role.LEGAL]
    ).exists()
