"""Check-in, moves and check-out: the overlap rules (a room holds one client a night, a client
sleeps in one room a night), rooms' opening dates, out of service, planned arrivals, audit."""

import datetime
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError

from haven.accounts.models import User
from haven.accounts.permissions import Role
from haven.audit.models import AuditEntry
from haven.centres.models import Centre
from haven.factories import ClientFactory
from haven.guidance.overview import timeline
from haven.shelter import services
from haven.shelter.models import Assignment, CheckOutReason, OutOfService, Stay
from haven.shelter.testing import make_room, make_wing

D = datetime.date
NOW = datetime.datetime(2026, 3, 20, 14, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _frozen() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def night(users: dict[Role, User]) -> User:
    return users[Role.NIGHT_STAFF]


def test_a_check_in_opens_a_stay_in_the_room_and_is_audited(night: User, centre_a: Centre) -> None:
    room = make_room(centre_a, code="A3")
    client = ClientFactory(centre=centre_a)
    stay = services.check_in(by=night, client=client, room=room, day=D(2026, 3, 3))
    assert stay.check_in == D(2026, 3, 3) and stay.check_out is None
    assert list(stay.assignments.values_list("room__code", "start", "end")) == [
        ("A3", D(2026, 3, 3), None)
    ]
    assert services.current_assignment(client).room == room  # type: ignore[union-attr]
    entries = AuditEntry.objects.filter(object_type="shelter.stay", object_id=str(stay.pk))
    assert entries.get().object_label == f"{client.file_code} stay 2026-03-03"


def test_a_room_holds_one_client_a_night_and_the_refusal_names_the_stay(
    night: User, centre_a: Centre
) -> None:
    room = make_room(centre_a, code="A3")
    first = ClientFactory(centre=centre_a, pseudonym="Lotus")
    services.check_in(by=night, client=first, room=room, day=D(2026, 3, 3))
    with pytest.raises(ValidationError) as refused:
        services.check_in(
            by=night, client=ClientFactory(centre=centre_a), room=room, day=D(2026, 3, 10)
        )
    assert f"Room A3 is taken by {first.file_code} (Lotus) from March 3, 2026" in str(refused.value)
    assert Stay.objects.count() == 1


def test_a_client_sleeps_in_one_room_a_night(night: User, centre_a: Centre) -> None:
    client = ClientFactory(centre=centre_a, pseudonym="Lotus")
    services.check_in(by=night, client=client, room=make_room(centre_a), day=D(2026, 3, 3))
    with pytest.raises(ValidationError, match="already sleeps in room R01"):
        services.check_in(by=night, client=client, room=make_room(centre_a), day=D(2026, 3, 5))
    assert Stay.objects.count() == 1 and Assignment.objects.count() == 1


def test_a_new_stay_in_a_room_that_is_taken_later_is_refused(night: User, centre_a: Centre) -> None:
    room = make_room(centre_a)
    stay = services.check_in(
        by=night, client=ClientFactory(centre=centre_a), room=room, day=D(2026, 3, 10)
    )
    services.check_out(by=night, stay=stay, day=D(2026, 3, 15), reason=CheckOutReason.OTHER)
    # Checking someone in on 1 March for an open stay would run into the stay of 10 March.
    with pytest.raises(ValidationError, match="taken by"):
        services.check_in(
            by=night, client=ClientFactory(centre=centre_a), room=room, day=D(2026, 3, 1)
        )


def test_back_to_back_stays_share_the_check_out_and_check_in_day(
    night: User, centre_a: Centre
) -> None:
    room = make_room(centre_a)
    first = services.check_in(
        by=night, client=ClientFactory(centre=centre_a), room=room, day=D(2026, 3, 1)
    )
    services.check_out(by=night, stay=first, day=D(2026, 3, 10), reason=CheckOutReason.OWN_HOUSING)
    second = services.check_in(
        by=night, client=ClientFactory(centre=centre_a), room=room, day=D(2026, 3, 10)
    )
    assert second.assignments.get().start == D(2026, 3, 10)
    # And the same client may come back the day she left, in another stay.
    again = services.check_in(
        by=night, client=first.client, room=make_room(centre_a), day=D(2026, 3, 10)
    )
    assert again.pk != first.pk


def test_a_move_keeps_one_stay_with_a_chain_of_rooms(night: User, centre_a: Centre) -> None:
    a3 = make_room(centre_a, code="A3")
    wing = make_wing(centre_a)
    b1 = make_room(centre_a, code="B1", wing=wing)
    stay = services.check_in(
        by=night, client=ClientFactory(centre=centre_a), room=a3, day=D(2026, 3, 3)
    )
    services.move(by=night, stay=stay, room=b1, day=D(2026, 3, 10))
    assert Stay.objects.count() == 1
    assert list(stay.assignments.values_list("room__code", "start", "end")) == [
        ("A3", D(2026, 3, 3), D(2026, 3, 10)),
        ("B1", D(2026, 3, 10), None),
    ]
    # A3 is free from the night of the move.
    services.check_in(by=night, client=ClientFactory(centre=centre_a), room=a3, day=D(2026, 3, 10))
    services.check_out(by=night, stay=stay, day=D(2026, 3, 19), reason=CheckOutReason.OWN_HOUSING)
    stay.refresh_from_db()
    assert stay.check_out == D(2026, 3, 19)
    assert stay.assignments.get(room=b1).end == D(2026, 3, 19)


def test_a_move_to_a_taken_room_is_refused_and_nothing_changes(
    night: User, centre_a: Centre
) -> None:
    a3, a4 = make_room(centre_a, code="A3"), make_room(centre_a, code="A4")
    stay = services.check_in(
        by=night, client=ClientFactory(centre=centre_a), room=a3, day=D(2026, 3, 3)
    )
    other = ClientFactory(centre=centre_a, pseudonym="Iris")
    services.check_in(by=night, client=other, room=a4, day=D(2026, 3, 5))
    with pytest.raises(ValidationError, match=f"taken by {other.file_code} \\(Iris\\)"):
        services.move(by=night, stay=stay, room=a4, day=D(2026, 3, 10))
    assert list(stay.assignments.values_list("room__code", "end")) == [("A3", None)]


def test_a_move_on_the_first_night_corrects_the_room(night: User, centre_a: Centre) -> None:
    a3, a4 = make_room(centre_a, code="A3"), make_room(centre_a, code="A4")
    stay = services.check_in(
        by=night, client=ClientFactory(centre=centre_a), room=a3, day=D(2026, 3, 3)
    )
    services.move(by=night, stay=stay, room=a4, day=D(2026, 3, 3))
    assert list(stay.assignments.values_list("room__code", "start", "end")) == [
        ("A4", D(2026, 3, 3), None)
    ]


def test_a_check_out_before_or_on_the_check_in_day_is_refused(
    night: User, centre_a: Centre
) -> None:
    stay = services.check_in(
        by=night, client=ClientFactory(centre=centre_a), room=make_room(centre_a), day=D(2026, 3, 3)
    )
    for day in (D(2026, 3, 1), D(2026, 3, 3)):
        with pytest.raises(ValidationError, match="after the check-in"):
            services.check_out(by=night, stay=stay, day=day, reason=CheckOutReason.OTHER)
    stay.refresh_from_db()
    assert stay.check_out is None and stay.assignments.get().end is None


def test_a_check_out_before_the_last_move_is_refused(night: User, centre_a: Centre) -> None:
    stay = services.check_in(
        by=night, client=ClientFactory(centre=centre_a), room=make_room(centre_a), day=D(2026, 3, 3)
    )
    services.move(by=night, stay=stay, room=make_room(centre_a), day=D(2026, 3, 10))
    with pytest.raises(ValidationError, match="moved to room R02"):
        services.check_out(by=night, stay=stay, day=D(2026, 3, 8), reason=CheckOutReason.OTHER)
    assert Assignment.objects.filter(end=D(2026, 3, 8)).count() == 0


def test_a_stay_lies_within_the_room_opening_dates(night: User, centre_a: Centre) -> None:
    new = make_room(centre_a, opened_on=D(2022, 9, 1))
    with pytest.raises(ValidationError, match="opens on"):
        services.check_in(
            by=night, client=ClientFactory(centre=centre_a), room=new, day=D(2022, 8, 31)
        )
    closing = make_room(centre_a, closed_on=D(2026, 6, 1))
    with pytest.raises(ValidationError, match="closes on"):
        services.check_in(
            by=night, client=ClientFactory(centre=centre_a), room=closing, day=D(2026, 3, 1)
        )
    assert Stay.objects.count() == 0


def test_a_room_cannot_close_while_someone_stays_in_it(night: User, centre_a: Centre) -> None:
    room = make_room(centre_a, code="A3")
    client = ClientFactory(centre=centre_a, pseudonym="Lotus")
    services.check_in(by=night, client=client, room=room, day=D(2026, 3, 3))
    data = {
        "wing": room.wing,
        "code": "A3",
        "opened_on": room.opened_on,
        "closed_on": D(2026, 4, 1),
    }
    with pytest.raises(ValidationError, match=f"taken by {client.file_code}"):
        services.save_room(by=night, centre=centre_a, data=data, room=room)
    room.refresh_from_db()
    assert room.closed_on is None


def test_a_room_out_of_service_cannot_be_given(night: User, centre_a: Centre) -> None:
    room = make_room(centre_a)
    services.save_out_of_service(
        by=night, room=room, data={"start": D(2026, 3, 1), "end": D(2026, 3, 15), "reason": "Leak"}
    )
    with pytest.raises(ValidationError, match="out of service from March 1, 2026: Leak"):
        services.check_in(
            by=night, client=ClientFactory(centre=centre_a), room=room, day=D(2026, 3, 10)
        )
    # From the day it is usable again, it can be given.
    services.check_in(
        by=night, client=ClientFactory(centre=centre_a), room=room, day=D(2026, 3, 15)
    )


def test_an_occupied_room_cannot_be_put_out_of_service(night: User, centre_a: Centre) -> None:
    room = make_room(centre_a)
    services.check_in(by=night, client=ClientFactory(centre=centre_a), room=room, day=D(2026, 3, 3))
    with pytest.raises(ValidationError, match="taken by"):
        services.save_out_of_service(
            by=night, room=room, data={"start": D(2026, 3, 18), "end": None, "reason": "Paint"}
        )
    assert OutOfService.objects.count() == 0


def test_a_planned_arrival_reserves_the_room_and_its_check_in_fulfils_it(
    night: User, centre_a: Centre
) -> None:
    room = make_room(centre_a, code="A3")
    coming = ClientFactory(centre=centre_a, pseudonym="Lotus")
    arrival = services.plan_arrival(by=night, client=coming, room=room, arrives_on=D(2026, 3, 22))
    assert list(services.pending_arrivals(centre_a)) == [arrival]
    with pytest.raises(ValidationError, match=r"reserved for .* \(Lotus\) arriving on March 22"):
        services.check_in(
            by=night, client=ClientFactory(centre=centre_a), room=room, day=D(2026, 3, 20)
        )
    with time_machine.travel(datetime.datetime(2026, 3, 22, 20, 0, tzinfo=datetime.UTC)):
        services.check_in(by=night, client=coming, room=room, day=D(2026, 3, 22))
        assert list(services.pending_arrivals(centre_a)) == []


def test_a_cancelled_arrival_frees_the_room(night: User, centre_a: Centre) -> None:
    room = make_room(centre_a)
    arrival = services.plan_arrival(
        by=night, client=ClientFactory(centre=centre_a), room=room, arrives_on=D(2026, 3, 22)
    )
    services.cancel_arrival(by=night, arrival=arrival)
    services.check_in(
        by=night, client=ClientFactory(centre=centre_a), room=room, day=D(2026, 3, 20)
    )


def test_a_client_or_room_of_another_centre_is_refused(
    night: User, centre_a: Centre, centre_b: Centre
) -> None:
    with pytest.raises(ValidationError):
        services.check_in(
            by=night,
            client=ClientFactory(centre=centre_b),
            room=make_room(centre_a),
            day=D(2026, 3, 3),
        )


def test_the_timeline_shows_check_in_move_and_check_out(
    night: User, centre_a: Centre, users: dict[Role, User]
) -> None:
    client = ClientFactory(centre=centre_a)
    stay = services.check_in(
        by=night, client=client, room=make_room(centre_a, code="A3"), day=D(2026, 3, 3)
    )
    services.move(by=night, stay=stay, room=make_room(centre_a, code="B1"), day=D(2026, 3, 10))
    services.check_out(by=night, stay=stay, day=D(2026, 3, 19), reason=CheckOutReason.OWN_HOUSING)
    labels = [
        item.label for item in timeline(users[Role.PSYCHOSOCIAL], client) if item.kind == "Shelter"
    ]
    assert labels == [
        "Left the shelter: Moved to own housing",
        "Moved to room B1",
        "Checked in to the shelter, room A3",
    ]
    assert not [item for item in timeline(users[Role.TRAINING], client) if item.kind == "Shelter"]


def test_tonight_is_the_evening_before_until_six_in_the_morning() -> None:
    from zoneinfo import ZoneInfo

    brussels = ZoneInfo("Europe/Brussels")
    assert services.tonight(datetime.datetime(2026, 3, 5, 2, 0, tzinfo=brussels)) == D(2026, 3, 4)
    assert services.tonight(datetime.datetime(2026, 3, 5, 7, 0, tzinfo=brussels)) == D(2026, 3, 5)


def test_a_check_in_makes_the_running_guidance_episode_residential(
    night: User, centre_a: Centre
) -> None:
    from haven.guidance.models import Episode

    client = ClientFactory(centre=centre_a)
    episode = Episode.objects.create(
        centre=centre_a, client=client, start_date=D(2026, 2, 1), created_by=night
    )
    earlier = Episode.objects.create(
        centre=centre_a,
        client=client,
        start_date=D(2025, 1, 1),
        end_date=D(2025, 6, 1),
        end_reason="autonomy",
        created_by=night,
    )
    services.check_in(by=night, client=client, room=make_room(centre_a), day=D(2026, 3, 3))
    episode.refresh_from_db()
    earlier.refresh_from_db()
    assert episode.residential and not earlier.residential
    assert AuditEntry.objects.filter(
        object_type="guidance.episode", object_id=str(episode.pk), changes__has_key="residential"
    ).exists()
