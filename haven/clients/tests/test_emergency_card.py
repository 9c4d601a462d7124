"""The emergency card: what a night worker needs when a resident is unwell, and nothing more."""

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from haven.accounts.models import User
from haven.accounts.permissions import Role
from haven.audit.models import Action, AuditEntry
from haven.clients.models import Client
from haven.factories import ClientFactory

pytestmark = pytest.mark.django_db

SignedIn = Callable[[User], Any]


def card_url(client: Client) -> str:
    return reverse("clients:emergency_card", kwargs={"pk": client.pk})


@pytest.fixture
def resident(centre_a: Any) -> Client:
    return ClientFactory(
        centre=centre_a,
        pseudonym="Willow",
        languages="Romanian",
        legal_name="Ioana Popescu",
        address="Rue Secrète 12, 1000 Bruxelles",
        phone="+32 470 11 22 33",
        guardian="Guardian Georgescu",
        emergency_contact="Sister Maria +40 721 000 111",
        medical_alerts="Penicillin allergy; insulin twice a day",
    )


def test_night_staff_see_contact_and_alerts_but_no_identity(
    users: dict[Role, User], resident: Client, signed_in: SignedIn
) -> None:
    response = signed_in(users[Role.NIGHT_STAFF]).get(card_url(resident))
    assert response.status_code == 200
    page = response.content.decode()
    for shown in ("Willow", resident.file_code, "Romanian", "Sister Maria", "Penicillin allergy"):
        assert shown in page
    for absent in ("Ioana", "Popescu", "Rue Secrète", "470 11 22 33", "Georgescu"):
        assert absent not in page


def test_every_opening_of_the_card_is_audited(
    users: dict[Role, User], resident: Client, signed_in: SignedIn
) -> None:
    signed_in(users[Role.NIGHT_STAFF]).get(card_url(resident))
    entry = AuditEntry.objects.get(action=Action.VIEW, object_id=str(resident.pk))
    assert entry.actor == users[Role.NIGHT_STAFF]
    assert entry.note == "emergency card"


def test_a_confidential_contact_is_withheld_from_those_outside_the_team(
    users: dict[Role, User], resident: Client, signed_in: SignedIn
) -> None:
    resident.confidential_address = True
    resident.save()
    night = signed_in(users[Role.NIGHT_STAFF]).get(card_url(resident)).content.decode()
    assert "Sister Maria" not in night and "on-call worker" in night
    assert "Penicillin allergy" in night
    director = signed_in(users[Role.DIRECTOR]).get(card_url(resident)).content.decode()
    assert "Sister Maria" in director


def test_the_overview_links_to_the_card_for_its_readers_only(
    users: dict[Role, User], resident: Client, signed_in: SignedIn
) -> None:
    detail = reverse("clients:detail", kwargs={"pk": resident.pk})
    assert card_url(resident) in signed_in(users[Role.NIGHT_STAFF]).get(detail).content.decode()
    admin = signed_in(users[Role.ADMIN_FINANCE])
    assert card_url(resident) not in admin.get(detail).content.decode()
    assert admin.get(card_url(resident)).status_code == 403


def test_identity_editors_edit_the_medical_alerts(
    users: dict[Role, User], resident: Client, signed_in: SignedIn
) -> None:
    url = reverse("clients:identity", kwargs={"pk": resident.pk})
    http = signed_in(users[Role.DIRECTOR])
    assert 'name="medical_alerts"' in http.get(url).content.decode()
    data = {"medical_alerts": "Epilepsy", "legal_name": "Ioana Popescu"}
    assert http.post(url, data).status_code == 302
    resident.refresh_from_db()
    assert resident.medical_alerts == "Epilepsy"


def test_the_card_names_the_room_the_resident_sleeps_in_tonight(
    users: dict[Role, User], resident: Client, signed_in: SignedIn
) -> None:
    from haven.shelter import services as shelter
    from haven.shelter.testing import make_room

    night = signed_in(users[Role.NIGHT_STAFF])
    assert "Not in the shelter tonight" in night.get(card_url(resident)).content.decode()
    shelter.check_in(
        by=users[Role.NIGHT_STAFF],
        client=resident,
        room=make_room(resident.centre, code="B12"),
        day=shelter.tonight(),
    )
    page = night.get(card_url(resident)).content.decode()
    assert "B12" in page and "Not in the shelter tonight" not in page
