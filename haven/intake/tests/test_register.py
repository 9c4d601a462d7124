import datetime
import uuid
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from haven.accounts.models import User
from haven.accounts.permissions import Role
from haven.audit.models import Action, AuditEntry
from haven.centres.models import Centre
from haven.clients.models import Client
from haven.factories import ClientFactory, IntakeFactory, UserFactory
from haven.intake import services
from haven.intake.forms import QuickIntakeForm
from haven.intake.models import Intake

BRUSSELS = ZoneInfo("Europe/Brussels")


def at(day: int, hour: int, minute: int = 0, month: int = 3, year: int = 2026) -> datetime.datetime:
    """A moment in Brussels; March 2026: the 3rd is a Tuesday, the 8th a Sunday."""
    return datetime.datetime(year, month, day, hour, minute, tzinfo=BRUSSELS)


def quick_form(**changes: str) -> dict[str, str]:
    return {
        "received_at": "2026-03-03T03:05",
        "channel": "phone",
        "referrer": "judicial",
        "referrer_organisation": "Police zone Zuid",
        "languages": "Romanian",
        "shelter_tonight": "yes",
        "urgency": "immediate",
        "summary": "Found during a check in a massage parlour.",
        "submission_key": str(uuid.uuid4()),
        **changes,
    }


# --- the night's quick intake ----------------------------------------------------------------


@time_machine.travel(at(3, 3, 10), tick=False)
def test_night_staff_can_register_a_quick_intake_in_one_step(
    signed_in: Any, users: dict[Role, User]
) -> None:
    night = users[Role.NIGHT_STAFF]
    http = signed_in(night)
    assert http.get(reverse("intake:quick")).status_code == 200

    response = http.post(reverse("intake:quick"), quick_form())

    intake = Intake.objects.get()
    assert response["Location"] == reverse("intake:detail", kwargs={"pk": intake.pk})
    assert intake.code == "AAA-I-2026-0001"
    assert intake.quick and intake.on_call and intake.shelter_tonight
    assert intake.completed_at is None
    assert intake.registered_by == night
    assert intake.received_at == at(3, 3, 5)
    assert AuditEntry.objects.filter(action=Action.CREATE, object_label=intake.code).exists()
    page = http.get(response["Location"])
    assert b"AAA-I-2026-0001 saved" in page.content
    assert b"Quick intake: to complete" in page.content and b"On call" in page.content
    assert reverse("core:home").encode() in page.content


@time_machine.travel(at(3, 3, 10), tick=False)
def test_a_quick_intake_left_without_a_time_is_received_now(
    signed_in: Any, users: dict[Role, User]
) -> None:
    signed_in(users[Role.NIGHT_STAFF]).post(reverse("intake:quick"), quick_form(received_at=""))
    assert Intake.objects.get().received_at == at(3, 3, 10)


def test_the_quick_form_asks_at_most_eight_things_and_no_identity() -> None:
    visible = [f.name for f in QuickIntakeForm() if not f.is_hidden]
    assert len(visible) <= 8
    assert "client" not in visible and "referrer_contact" not in visible
    assert [f.name for f in QuickIntakeForm().hidden_fields()] == ["submission_key"]


def test_the_quick_form_fits_a_phone_with_large_inputs_and_no_inline_styles(
    signed_in: Any, users: dict[Role, User]
) -> None:
    page = signed_in(users[Role.NIGHT_STAFF]).get(reverse("intake:quick")).content.decode()
    assert 'type="datetime-local"' in page and 'inputmode="text"' in page
    assert "form-control-lg" in page and "btn-lg w-100" in page
    assert "Save intake" in page
    assert "style=" not in page and "<script>" not in page


@time_machine.travel(at(3, 3, 10), tick=False)
def test_a_double_submit_creates_one_intake(signed_in: Any, users: dict[Role, User]) -> None:
    http = signed_in(users[Role.NIGHT_STAFF])
    form = quick_form()
    first = http.post(reverse("intake:quick"), form)
    second = http.post(reverse("intake:quick"), form)
    assert Intake.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_a_second_submission_racing_the_first_returns_the_intake_the_first_made(
    centre_a: Centre, users: dict[Role, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    key = uuid.uuid4()
    data = {"channel": "phone", "referrer": "victim"}
    first = services.register_quick_intake(users[Role.NIGHT_STAFF], centre_a, data, key)
    # The second request checked before the first was committed: the database refuses it.
    real = services._submitted
    calls: list[uuid.UUID] = []

    def not_yet_seen(centre: Centre, submitted: uuid.UUID) -> Intake | None:
        calls.append(submitted)
        return None if len(calls) == 1 else real(centre, submitted)

    monkeypatch.setattr(services, "_submitted", not_yet_seen)
    second = services.register_quick_intake(users[Role.NIGHT_STAFF], centre_a, data, key)
    assert second == first
    assert Intake.objects.count() == 1


def test_the_same_form_key_in_another_centre_is_another_intake(
    centre_a: Centre, centre_b: Centre, users: dict[Role, User], outsider: User
) -> None:
    key = uuid.uuid4()
    data = {"channel": "phone", "referrer": "victim"}
    services.register_quick_intake(users[Role.NIGHT_STAFF], centre_a, data, key)
    services.register_quick_intake(outsider, centre_b, data, key)
    assert Intake.objects.count() == 2


@pytest.mark.parametrize(
    ("moment", "on_call"),
    [
        (at(3, 3, 0), True),  # Tuesday night
        (at(8, 11, 0), True),  # Sunday morning
        (at(3, 10, 0), False),  # Tuesday during office hours
        (at(3, 17, 0), True),  # Tuesday, the office just closed
        (at(3, 8, 59), True),  # Tuesday, not yet open
    ],
)
@time_machine.travel(at(9, 12), tick=False)
def test_the_on_call_flag_follows_the_centre_s_office_hours(
    moment: datetime.datetime, on_call: bool, centre_a: Centre, users: dict[Role, User]
) -> None:
    intake = services.register_intake(
        users[Role.PSYCHOSOCIAL],
        centre_a,
        {"received_at": moment, "channel": "phone", "referrer": "victim"},
    )
    assert intake.on_call is on_call


@time_machine.travel(at(9, 12), tick=False)
def test_a_centre_open_on_saturday_is_not_on_call_then(
    centre_a: Centre, users: dict[Role, User]
) -> None:
    centre_a.office_days = [0, 1, 2, 3, 4, 5]
    centre_a.save()
    saturday = services.register_intake(
        users[Role.PSYCHOSOCIAL],
        centre_a,
        {"received_at": at(7, 10), "channel": "phone", "referrer": "victim"},
    )
    assert saturday.on_call is False


# --- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("2026-03-05T03:05", b"in the future"),
        ("1989-12-31T23:00", b"from 1990 on"),
    ],
)
@time_machine.travel(at(3, 3, 10), tick=False)
def test_future_or_pre_1990_dates_are_refused_keeping_what_was_typed(
    typed: str, message: bytes, signed_in: Any, users: dict[Role, User]
) -> None:
    response = signed_in(users[Role.NIGHT_STAFF]).post(
        reverse("intake:quick"), quick_form(received_at=typed)
    )
    assert response.status_code == 200
    assert message in response.content
    assert f'value="{typed}"'.encode() in response.content
    assert b'value="Police zone Zuid"' in response.content
    assert b'value="Found during a check in a massage parlour."' in response.content
    assert not Intake.objects.exists()


@time_machine.travel(at(3, 3, 10), tick=False)
def test_a_few_minutes_of_clock_skew_are_accepted(signed_in: Any, users: dict[Role, User]) -> None:
    signed_in(users[Role.NIGHT_STAFF]).post(
        reverse("intake:quick"), quick_form(received_at="2026-03-03T03:14")
    )
    assert Intake.objects.get().received_at == at(3, 3, 14)


def test_an_unknown_channel_code_is_refused(signed_in: Any, users: dict[Role, User]) -> None:
    response = signed_in(users[Role.NIGHT_STAFF]).post(
        reverse("intake:quick"), quick_form(channel="fax", received_at="")
    )
    assert response.status_code == 200
    assert b"Select a valid choice" in response.content
    assert not Intake.objects.exists()


def test_the_service_refuses_unknown_codes_and_other_centres_people(
    centre_a: Centre, users: dict[Role, User], client_b: Client
) -> None:
    by = users[Role.PSYCHOSOCIAL]
    with pytest.raises(ValidationError) as unknown:
        services.register_intake(by, centre_a, {"channel": "fax", "referrer": "victim"})
    assert "channel" in unknown.value.message_dict
    with pytest.raises(ValidationError) as foreign:
        services.register_intake(
            by, centre_a, {"channel": "phone", "referrer": "victim", "client": client_b}
        )
    assert "client" in foreign.value.message_dict
    assert not Intake.objects.exists()


# --- numbers ---------------------------------------------------------------------------------


def test_intake_numbers_count_up_per_centre_and_year(centre_a: Centre, centre_b: Centre) -> None:
    IntakeFactory(centre=centre_a, code="AAA-I-2026-0041")
    IntakeFactory(centre=centre_a, code="AAA-I-2026-0009")
    assert services.next_code(centre_a, 2026) == "AAA-I-2026-0042"
    assert services.next_code(centre_a, 2027) == "AAA-I-2027-0001"
    assert services.next_code(centre_b, 2026) == "BBB-I-2026-0001"
    IntakeFactory(centre=centre_a, code="AAA-I-2026-9999")
    assert services.next_code(centre_a, 2026) == "AAA-I-2026-10000"
    IntakeFactory(centre=centre_a, code="AAA-I-2026-10000")
    assert services.next_code(centre_a, 2026) == "AAA-I-2026-10001"


@time_machine.travel(at(2, 0, 30, month=1), tick=False)
def test_an_intake_is_numbered_in_the_year_it_was_received(
    centre_a: Centre, users: dict[Role, User]
) -> None:
    intake = services.register_intake(
        users[Role.PSYCHOSOCIAL],
        centre_a,
        {
            "received_at": at(31, 23, 50, month=12, year=2025),
            "channel": "phone",
            "referrer": "victim",
        },
    )
    assert intake.code == "AAA-I-2025-0001"


# --- the full form, by day -------------------------------------------------------------------


def full_form(**changes: str) -> dict[str, str]:
    return {
        "received_at": "2026-03-03T10:15",
        "channel": "in_person",
        "referrer": "social_sector",
        "referrer_organisation": "OCMW Test",
        "referrer_contact": "Desk worker",
        "languages": "Tigrinya, English",
        "summary": "Came to the office with a social worker.",
        "urgency": "normal",
        "submission_key": str(uuid.uuid4()),
        "person-person": "anonymous",
        "person-gender": "U",
        **changes,
    }


@time_machine.travel(at(3, 11), tick=False)
def test_a_worker_registers_an_intake_and_opens_a_file_under_a_pseudonym(
    signed_in: Any, users: dict[Role, User]
) -> None:
    worker = users[Role.PSYCHOSOCIAL]
    response = signed_in(worker).post(
        reverse("intake:register"),
        full_form(
            **{
                "assigned_to": str(worker.pk),
                "person-person": "new",
                "person-pseudonym": "Juniper",
                "person-gender": "F",
                "person-birth_year": "2001",
            }
        ),
    )
    intake = Intake.objects.select_related("client").get()
    assert response["Location"] == reverse("intake:detail", kwargs={"pk": intake.pk})
    assert not intake.quick and not intake.on_call
    assert intake.assigned_to == worker
    assert intake.client is not None
    assert intake.client.pseudonym == "Juniper" and intake.client.birth_year == 2001
    assert intake.client.languages == "Tigrinya, English"  # not typed twice
    assert intake.client.legal_name == ""


def test_a_full_form_error_keeps_the_person_that_was_typed(
    signed_in: Any, users: dict[Role, User]
) -> None:
    response = signed_in(users[Role.PSYCHOSOCIAL]).post(
        reverse("intake:register"),
        full_form(**{"person-person": "new", "person-pseudonym": "", "languages": "Albanian"}),
    )
    assert response.status_code == 200
    assert b"Give the new file a pseudonym" in response.content
    assert b'value="Albanian"' in response.content
    assert not Intake.objects.exists() and not Client.objects.exists()


# --- completing ------------------------------------------------------------------------------


def edit_form(intake: Intake, **changes: str) -> dict[str, str]:
    local = intake.received_at.astimezone(BRUSSELS)
    return {
        "received_at": local.strftime("%Y-%m-%dT%H:%M"),
        "channel": intake.channel,
        "referrer": intake.referrer,
        "referrer_organisation": intake.referrer_organisation,
        "referrer_contact": intake.referrer_contact,
        "languages": intake.languages,
        "summary": intake.summary,
        "urgency": intake.urgency,
        "shelter_tonight": "on" if intake.shelter_tonight else "",
        "person-person": "anonymous",
        "person-gender": "U",
        **changes,
    }


@time_machine.travel(at(3, 9, 30), tick=False)
def test_the_day_team_completes_a_quick_intake_and_links_an_existing_file(
    centre_a: Centre, signed_in: Any, users: dict[Role, User], client_a: Client
) -> None:
    intake = services.register_quick_intake(
        users[Role.NIGHT_STAFF],
        centre_a,
        {"received_at": at(3, 3), "channel": "phone", "referrer": "judicial"},
    )
    worker = users[Role.PSYCHOSOCIAL]
    response = signed_in(worker).post(
        reverse("intake:edit", kwargs={"pk": intake.pk}),
        edit_form(
            intake,
            referrer_contact="Inspector Test",
            assigned_to=str(worker.pk),
            **{"person-person": "existing", "person-existing": client_a.file_code.lower()},
        ),
    )
    assert response.status_code == 302
    intake.refresh_from_db()
    assert intake.completed_at == at(3, 9, 30)
    assert intake.client == client_a and intake.assigned_to == worker
    assert intake.referrer_contact == "Inspector Test"
    changes = [
        e.changes for e in AuditEntry.objects.filter(action=Action.UPDATE, object_label=intake.code)
    ]
    changed = {name for entry in changes for name in entry}
    assert {"referrer_contact", "assigned_to_id", "completed_at", "client_id"} <= changed


def test_an_existing_file_is_found_by_pseudonym_in_the_own_centre_only(
    signed_in: Any, users: dict[Role, User], client_a: Client, client_b: Client
) -> None:
    intake = IntakeFactory(centre=users[Role.LEGAL].centre)
    http = signed_in(users[Role.LEGAL])
    url = reverse("intake:edit", kwargs={"pk": intake.pk})
    client_b.pseudonym = "Marigold"
    client_b.save()
    refused = http.post(
        url, edit_form(intake, **{"person-person": "existing", "person-existing": "Marigold"})
    )
    assert refused.status_code == 200
    assert b"No file of your centre" in refused.content
    http.post(
        url,
        edit_form(intake, **{"person-person": "existing", "person-existing": client_a.pseudonym}),
    )
    intake.refresh_from_db()
    assert intake.client == client_a


def test_a_pseudonym_shared_by_several_files_asks_for_the_file_code(
    centre_a: Centre, signed_in: Any, users: dict[Role, User]
) -> None:
    ClientFactory(centre=centre_a, pseudonym="Rose", file_code="AAA-2026-0001")
    ClientFactory(centre=centre_a, pseudonym="Rose", file_code="AAA-2026-0002")
    intake = IntakeFactory(centre=centre_a)
    response = signed_in(users[Role.PSYCHOSOCIAL]).post(
        reverse("intake:edit", kwargs={"pk": intake.pk}),
        edit_form(intake, **{"person-person": "existing", "person-existing": "rose"}),
    )
    assert b"Several files match" in response.content and b"AAA-2026-0002" in response.content


def test_a_linked_person_can_be_unlinked_again(
    centre_a: Centre, users: dict[Role, User], client_a: Client
) -> None:
    intake = IntakeFactory(centre=centre_a, client=client_a)
    services.link_person(users[Role.DIRECTOR], intake)
    intake.refresh_from_db()
    assert intake.client is None
    assert AuditEntry.objects.filter(action=Action.UPDATE, object_label=intake.code).exists()


def test_an_intake_is_assigned_only_to_a_case_worker_of_its_centre(
    centre_a: Centre, users: dict[Role, User], outsider: User
) -> None:
    intake = IntakeFactory(centre=centre_a)
    director = users[Role.DIRECTOR]
    for unfit in (outsider, users[Role.VOLUNTEER], users[Role.NIGHT_STAFF]):
        with pytest.raises(ValidationError):
            services.assign(director, intake, unfit)
    services.assign(director, intake, users[Role.LEGAL])
    intake.refresh_from_db()
    assert intake.assigned_to == users[Role.LEGAL]
    entry = AuditEntry.objects.get(action=Action.UPDATE, object_label=intake.code)
    assert entry.changes["assigned_to_id"]["to"] == users[Role.LEGAL].pk


def test_changing_when_an_intake_came_in_re_decides_the_on_call_flag(
    centre_a: Centre, users: dict[Role, User]
) -> None:
    intake = IntakeFactory(centre=centre_a, received_at=at(3, 10), on_call=False)
    services.update_intake(users[Role.DIRECTOR], intake, {"received_at": at(3, 22)})
    intake.refresh_from_db()
    assert intake.on_call is True
    assert intake.completed_at is None  # only quick intakes are completed


# --- the intake page -------------------------------------------------------------------------


def test_the_intake_page_shows_the_person_by_file_code_and_pseudonym_only(
    centre_a: Centre, signed_in: Any, users: dict[Role, User], client_a: Client
) -> None:
    intake = IntakeFactory(centre=centre_a, client=client_a, on_call=True)
    for role in (Role.NIGHT_STAFF, Role.DIRECTOR):
        page = signed_in(users[role]).get(reverse("intake:detail", kwargs={"pk": intake.pk}))
        assert page.status_code == 200
        assert client_a.file_code.encode() in page.content
        assert client_a.pseudonym.encode() in page.content
        for secret in (client_a.legal_name, client_a.phone, client_a.address):
            assert secret.encode() not in page.content
        assert b'data-testid="screening-panel"' in page.content
        assert b'data-testid="decision-panel"' in page.content
        assert b"On call" in page.content


def test_night_staff_see_no_way_to_complete_an_intake(
    centre_a: Centre, signed_in: Any, users: dict[Role, User]
) -> None:
    intake = IntakeFactory(centre=centre_a)
    http = signed_in(users[Role.NIGHT_STAFF])
    page = http.get(reverse("intake:detail", kwargs={"pk": intake.pk}))
    assert reverse("intake:edit", kwargs={"pk": intake.pk}).encode() not in page.content
    assert http.get(reverse("intake:edit", kwargs={"pk": intake.pk})).status_code == 403


def test_another_centre_s_worker_cannot_complete_an_intake(
    centre_a: Centre, signed_in: Any, outsider: User
) -> None:
    intake = IntakeFactory(centre=centre_a)
    response = signed_in(outsider).post(
        reverse("intake:edit", kwargs={"pk": intake.pk}),
        edit_form(intake, summary="changed"),
    )
    assert response.status_code == 404
    intake.refresh_from_db()
    assert intake.summary != "changed"


def test_the_worker_list_offers_only_case_workers_of_the_centre(
    centre_a: Centre, signed_in: Any, users: dict[Role, User], outsider: User
) -> None:
    UserFactory(centre=centre_a, role=Role.PSYCHOSOCIAL, username="a-gone", is_active=False)
    names = {u.username for u in services.assignable_workers(centre_a)}
    assert names == {"a-director", "a-psychosocial", "a-legal"}
