"""Rooms admin: houses, wings, rooms with their opening and closing dates, periods out of
service; for those who manage the shelter."""

import datetime
from typing import Any

from django.urls import reverse

from haven.accounts.models import User
from haven.accounts.permissions import Role
from haven.audit.models import Action, AuditEntry
from haven.centres.models import Centre
from haven.shelter.models import House, OutOfService, Room, Wing
from haven.shelter.testing import make_room, make_stay

D = datetime.date


def test_the_director_sets_up_a_house_a_wing_and_a_room(
    users: dict[Role, User], centre_a: Centre, signed_in: Any
) -> None:
    http = signed_in(users[Role.DIRECTOR])
    assert http.post(reverse("shelter:house_create"), {"name": "Main house"}).status_code == 302
    house = House.objects.get(centre=centre_a)
    response = http.post(
        reverse("shelter:wing_create"), {"house": house.pk, "name": "Autonomy wing"}
    )
    assert response.status_code == 302
    wing = Wing.objects.get(centre=centre_a)
    response = http.post(
        reverse("shelter:room_create"), {"wing": wing.pk, "code": "W1", "opened_on": "2022-09-01"}
    )
    assert response.status_code == 302
    room = Room.objects.get(centre=centre_a)
    assert (room.code, room.opened_on, room.wing) == ("W1", D(2022, 9, 1), wing)
    assert AuditEntry.objects.filter(action=Action.CREATE, object_label="room W1").exists()
    listing = http.get(reverse("shelter:rooms")).content.decode()
    assert "Autonomy wing" in listing and "W1" in listing


def test_a_room_code_is_unique_in_the_centre_and_a_room_closes_after_it_opens(
    users: dict[Role, User], centre_a: Centre, signed_in: Any
) -> None:
    existing = make_room(centre_a, code="A1")
    http = signed_in(users[Role.ADMIN_FINANCE])
    response = http.post(
        reverse("shelter:room_create"),
        {"wing": existing.wing.pk, "code": "a1", "opened_on": "2022-09-01"},
    )
    assert response.status_code == 200
    assert "Another room has this code." in response.content.decode()
    response = http.post(
        reverse("shelter:room_edit", kwargs={"pk": existing.pk}),
        {
            "wing": existing.wing.pk,
            "code": "A1",
            "opened_on": "2018-01-01",
            "closed_on": "2017-06-01",
        },
    )
    assert response.status_code == 200
    assert "A room closes after it opens." in response.content.decode()
    assert Room.objects.count() == 1
    existing.refresh_from_db()
    assert existing.closed_on is None


def test_a_room_closes_when_its_last_stay_has_ended(
    users: dict[Role, User], centre_a: Centre, signed_in: Any
) -> None:
    stay = make_stay(centre_a, check_in=D(2024, 1, 1), check_out=D(2024, 3, 1))
    room = stay.assignments.get().room
    http = signed_in(users[Role.DIRECTOR])
    data = {"wing": room.wing.pk, "code": room.code, "opened_on": "2018-01-01"}
    response = http.post(
        reverse("shelter:room_edit", kwargs={"pk": room.pk}), {**data, "closed_on": "2024-02-01"}
    )
    assert response.status_code == 200
    assert "move or check them out before closing" in response.content.decode()
    response = http.post(
        reverse("shelter:room_edit", kwargs={"pk": room.pk}), {**data, "closed_on": "2024-03-01"}
    )
    assert response.status_code == 302
    room.refresh_from_db()
    assert room.closed_on == D(2024, 3, 1)


def test_a_room_is_put_out_of_service(
    users: dict[Role, User], centre_a: Centre, signed_in: Any
) -> None:
    room = make_room(centre_a)
    http = signed_in(users[Role.DIRECTOR])
    url = reverse("shelter:out_of_service_create", kwargs={"pk": room.pk})
    response = http.post(url, {"start": "2026-03-10", "end": "2026-03-05", "reason": "Leak"})
    assert response.status_code == 200 and not OutOfService.objects.exists()
    response = http.post(url, {"start": "2026-03-10", "end": "", "reason": "Leak"})
    assert response.status_code == 302
    period = OutOfService.objects.get(room=room)
    assert (period.start, period.end, period.reason) == (D(2026, 3, 10), None, "Leak")
    response = http.post(
        reverse("shelter:out_of_service_edit", kwargs={"pk": period.pk}),
        {"start": "2026-03-10", "end": "2026-03-20", "reason": "Leak"},
    )
    assert response.status_code == 302
    period.refresh_from_db()
    assert period.end == D(2026, 3, 20)


def test_night_staff_cannot_manage_rooms(
    users: dict[Role, User], centre_a: Centre, signed_in: Any
) -> None:
    http = signed_in(users[Role.NIGHT_STAFF])
    assert http.get(reverse("shelter:rooms")).status_code == 403
    response = http.post(reverse("shelter:house_create"), {"name": "Annex"})
    assert response.status_code == 403
    assert not House.objects.exists()


def test_a_room_of_another_centre_is_not_found(
    users: dict[Role, User], centre_b: Centre, signed_in: Any
) -> None:
    room = make_room(centre_b)
    response = signed_in(users[Role.DIRECTOR]).post(
        reverse("shelter:room_edit", kwargs={"pk": room.pk}),
        {"wing": room.wing.pk, "code": "X", "opened_on": "2018-01-01"},
    )
    assert response.status_code == 404
    room.refresh_from_db()
    assert room.code == "R01"
