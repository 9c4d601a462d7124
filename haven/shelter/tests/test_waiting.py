"""The waiting list: who waits, urgent first, and how people leave it."""

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from haven.accounts.models import User
from haven.accounts.permissions import Role
from haven.audit.models import Action, AuditEntry
from haven.centres.models import Centre
from haven.factories import ClientFactory, IntakeFactory
from haven.intake.models import Outcome
from haven.partners.models import PartnerKind
from haven.partners.testing import make_partner
from haven.shelter import waiting
from haven.shelter.models import Assignment, Stay, WaitingEntry, WaitingStatus
from haven.shelter.testing import make_room
from haven.shelter.testing import make_waiting_entry as make_entry

DAY = datetime.timedelta(days=1)


def _edit_data(entry: WaitingEntry, **changes: Any) -> dict[str, Any]:
    data = {
        "since": entry.since.isoformat(),
        "urgent": "on" if entry.urgent else "",
        "note": entry.note,
        "status": entry.status,
        "closed_on": "",
        "referred_to": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value != ""}


@pytest.fixture
def night(users: dict[Role, User], signed_in: Any) -> Any:
    return signed_in(users[Role.NIGHT_STAFF])


def test_the_list_shows_urgent_entries_first_then_the_longest_waiting_with_days_waiting(
    centre_a: Centre, night: Any
) -> None:
    today = timezone.localdate()
    make_entry(
        centre_a, client=ClientFactory(centre=centre_a, pseudonym="Oak"), since=today - 30 * DAY
    )
    make_entry(
        centre_a,
        client=ClientFactory(centre=centre_a, pseudonym="Birch"),
        since=today - 3 * DAY,
        urgent=True,
    )
    make_entry(
        centre_a, client=ClientFactory(centre=centre_a, pseudonym="Elm"), since=today - 12 * DAY
    )
    make_entry(
        centre_a,
        client=ClientFactory(centre=centre_a, pseudonym="Gone"),
        status=WaitingStatus.WITHDRAWN,
        closed_on=today,
    )

    response = night.get(reverse("shelter:waiting"))

    assert response.status_code == 200
    entries = list(response.context["entries"])
    assert [e.client.pseudonym for e in entries] == ["Birch", "Oak", "Elm"]
    assert [e.days_waiting for e in entries] == [3, 30, 12]
    page = response.content.decode()
    assert page.index("Birch") < page.index("Oak") < page.index("Elm")
    assert "Gone" in page  # among those who left the list
    assert "Ioana Testescu" not in page  # never a legal name


def test_night_staff_put_a_person_on_the_list_by_file_code_audited(
    centre_a: Centre, night: Any
) -> None:
    client = ClientFactory(centre=centre_a, file_code="AAA-2026-0042")
    today = timezone.localdate()

    response = night.post(
        reverse("shelter:waiting_create"),
        {"client": "AAA-2026-0042", "since": today.isoformat(), "urgent": "on", "note": "stairs"},
    )

    assert response.status_code == 302
    entry = WaitingEntry.objects.get(client=client)
    assert (entry.status, entry.urgent, entry.since, entry.note) == (
        "waiting",
        True,
        today,
        "stairs",
    )
    audit = AuditEntry.objects.get(action=Action.CREATE, object_id=str(entry.pk))
    assert "AAA-2026-0042" in audit.object_label


def test_a_person_already_waiting_or_staying_is_not_added_twice(
    centre_a: Centre, night: Any
) -> None:
    waiting_client = make_entry(centre_a).client
    staying = ClientFactory(centre=centre_a)
    today = timezone.localdate()
    stay = Stay.objects.create(centre=centre_a, client=staying, check_in=today - 5 * DAY)
    Assignment.objects.create(
        centre=centre_a, stay=stay, room=make_room(centre_a), start=today - 5 * DAY
    )

    for client, message in ((waiting_client, "on the waiting list since"), (staying, "staying")):
        response = night.post(
            reverse("shelter:waiting_create"),
            {"client": client.file_code, "since": today.isoformat(), "note": "typed"},
        )
        assert response.status_code == 200
        page = response.content.decode()
        assert message in page
        assert "typed" in page  # what was typed is kept
    assert WaitingEntry.objects.count() == 1


def test_a_date_in_the_future_or_an_unknown_client_is_refused_with_a_message(
    centre_a: Centre, centre_b: Centre, night: Any
) -> None:
    other_centre = ClientFactory(centre=centre_b, file_code="BBB-2026-0001")
    response = night.post(
        reverse("shelter:waiting_create"),
        {"client": other_centre.file_code, "since": timezone.localdate().isoformat()},
    )
    assert "No client of your centre" in response.content.decode()
    client = ClientFactory(centre=centre_a)
    response = night.post(
        reverse("shelter:waiting_create"),
        {"client": client.file_code, "since": (timezone.localdate() + DAY).isoformat()},
    )
    assert "cannot be in the future" in response.content.decode()
    assert WaitingEntry.objects.count() == 0


def test_a_referral_to_a_partner_centre_is_recorded_as_such(centre_a: Centre, night: Any) -> None:
    entry = make_entry(centre_a)
    partner = make_partner(centre_a, kind=PartnerKind.PARTNER_CENTRE, name="Pag-Asa")
    today = timezone.localdate()

    response = night.post(
        reverse("shelter:waiting_edit", kwargs={"pk": entry.pk}),
        _edit_data(entry, status="referred", closed_on=today.isoformat(), referred_to=partner.pk),
    )

    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.status, entry.referred_to, entry.closed_on) == ("referred", partner, today)
    audit = AuditEntry.objects.get(action=Action.UPDATE, object_id=str(entry.pk))
    assert audit.changes["status"] == {"from": "waiting", "to": "referred"}
    assert audit.note == "referred to a partner centre"
    assert list(waiting.waiting(centre_a, today)) == []


def test_a_referral_needs_a_partner_centre_and_only_a_referral_names_one(
    centre_a: Centre, users: dict[Role, User]
) -> None:
    entry = make_entry(centre_a)
    lawyer = make_partner(centre_a, kind=PartnerKind.LAWYER)
    centre = make_partner(centre_a, kind=PartnerKind.PARTNER_CENTRE, name="Payoke")
    by = users[Role.NIGHT_STAFF]
    today = timezone.localdate()
    base: dict[str, Any] = {"since": entry.since, "urgent": False, "note": ""}
    cases: list[tuple[dict[str, Any], str]] = [
        ({"status": "referred", "closed_on": today}, "referred_to"),
        ({"status": "referred", "closed_on": today, "referred_to": lawyer}, "referred_to"),
        ({"status": "admitted", "closed_on": today, "referred_to": centre}, "referred_to"),
        ({"status": "admitted"}, "closed_on"),
        ({"status": "withdrawn", "closed_on": entry.since - DAY}, "closed_on"),
        ({"status": "waiting", "closed_on": today}, "closed_on"),
    ]
    for data, field in cases:
        with pytest.raises(ValidationError) as refused:
            waiting.update_entry(by=by, entry=entry, data={**base, **data})
        assert field in refused.value.message_dict, data
    entry.refresh_from_db()
    assert (entry.status, entry.closed_on, entry.referred_to) == ("waiting", None, None)


def test_the_referral_form_offers_only_partner_centres(
    centre_a: Centre, centre_b: Centre, night: Any
) -> None:
    entry = make_entry(centre_a)
    mine = make_partner(centre_a, kind=PartnerKind.PARTNER_CENTRE, name="Sürya")
    make_partner(centre_a, kind=PartnerKind.LAWYER, name="Mr. Lawyer")
    make_partner(centre_b, kind=PartnerKind.PARTNER_CENTRE, name="Elsewhere")

    response = night.get(reverse("shelter:waiting_edit", kwargs={"pk": entry.pk}))

    offered = list(response.context["form"].fields["referred_to"].queryset)
    assert offered == [mine]


def test_an_open_intake_is_left_untouched_and_pointed_out(
    centre_a: Centre, users: dict[Role, User], signed_in: Any
) -> None:
    entry = make_entry(centre_a)
    intake = IntakeFactory(centre=centre_a, client=entry.client)
    partner = make_partner(centre_a, kind=PartnerKind.PARTNER_CENTRE)
    http = signed_in(users[Role.PSYCHOSOCIAL])
    url = reverse("shelter:waiting_edit", kwargs={"pk": entry.pk})

    page = http.get(url).content.decode()
    assert 'data-testid="open-intake"' in page
    assert reverse("intake:decision", kwargs={"pk": intake.pk}) in page

    response = http.post(
        url,
        _edit_data(
            entry,
            status="referred",
            closed_on=timezone.localdate().isoformat(),
            referred_to=partner.pk,
        ),
        follow=True,
    )
    assert "record the referral to the partner centre there too" in response.content.decode()
    intake.refresh_from_db()
    assert intake.outcome == ""  # the decision stays the intake worker's
    assert intake.outcome != Outcome.REFERRED_PARTNER_CENTRE


def test_an_entry_can_be_changed_and_put_back_on_the_list(centre_a: Centre, night: Any) -> None:
    entry = make_entry(centre_a, status=WaitingStatus.WITHDRAWN, closed_on=timezone.localdate())
    url = reverse("shelter:waiting_edit", kwargs={"pk": entry.pk})
    response = night.post(url, _edit_data(entry, status="waiting", urgent="on", note="again"))
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.status, entry.closed_on, entry.urgent, entry.note) == (
        "waiting",
        None,
        True,
        "again",
    )


def test_a_refused_change_keeps_what_was_typed(centre_a: Centre, night: Any) -> None:
    entry = make_entry(centre_a)
    url = reverse("shelter:waiting_edit", kwargs={"pk": entry.pk})
    response = night.post(url, _edit_data(entry, status="admitted", note="kept note"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Give the date the person left the list." in page
    assert "kept note" in page
    entry.refresh_from_db()
    assert entry.status == "waiting"


def test_volunteers_may_not_see_the_waiting_list_and_another_centre_s_entry_is_not_found(
    centre_b: Centre, users: dict[Role, User], signed_in: Any, night: Any
) -> None:
    assert signed_in(users[Role.VOLUNTEER]).get(reverse("shelter:waiting")).status_code == 403
    other = make_entry(centre_b)
    response = night.get(reverse("shelter:waiting_edit", kwargs={"pk": other.pk}))
    assert response.status_code == 404
