"""Residence documents: registering and correcting one through the pages, the rules on its
dates (form errors keep what was typed), the Immigration Office reference kept out of lists and
the audit log, the reading of the residence page audited, isolation and permissions."""

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from haven.accounts.models import User
from haven.accounts.permissions import ROLE_PERMISSIONS, Permission, Role
from haven.audit.models import Action, AuditEntry
from haven.clients.models import Client
from haven.partners.models import PartnerKind
from haven.partners.testing import make_partner
from haven.residence import services
from haven.residence.models import DocumentType, ResidenceDocument, WorkAccess
from haven.residence.testing import put_in_guidance

pytestmark = pytest.mark.django_db

REFERENCE = "OE-8812345"


def today() -> datetime.date:
    return timezone.localdate()


def iso(day: datetime.date) -> str:
    return f"{day:%Y-%m-%d}"


def create_url(client: Client) -> str:
    return reverse("residence:create") + f"?client={client.pk}"


def post_document(http: Any, client: Client, **values: str) -> Any:
    data = {
        "document": DocumentType.A_CARD,
        "issued_on": iso(today()),
        "valid_until": "",
        "municipality": "",
        "immigration_reference": "",
        "work_access": "",
        "notes": "",
        **values,
    }
    return http.post(create_url(client), data)


def test_a_legal_worker_registers_an_a_card_with_its_standard_validity(
    users: dict[Role, User], client_a: Client, signed_in: Any
) -> None:
    put_in_guidance(client_a)
    legal = users[Role.LEGAL]
    municipality = make_partner(legal.centre, kind=PartnerKind.MUNICIPALITY, name="Gemeente Test")
    http = signed_in(legal)
    form = http.get(create_url(client_a)).content.decode()
    assert client_a.file_code in form and "Gemeente Test" in form
    issued = datetime.date(2026, 8, 31)
    response = post_document(
        http,
        client_a,
        issued_on=iso(issued),
        municipality=str(municipality.pk),
        immigration_reference=REFERENCE,
        work_access=WorkAccess.LIMITED,
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("residence:client", kwargs={"pk": client_a.pk})
    document = ResidenceDocument.objects.get()
    assert (document.client, document.created_by, document.municipality) == (
        client_a,
        legal,
        municipality,
    )
    assert document.valid_until == datetime.date(2027, 2, 28)
    assert document.immigration_reference == REFERENCE
    client_a.refresh_from_db()
    assert client_a.residence_valid_until == datetime.date(2027, 2, 28)

    entry = AuditEntry.objects.get(action=Action.CREATE, object_type="residence.residencedocument")
    assert entry.object_label.startswith(client_a.file_code)
    assert REFERENCE not in str(entry.changes) and REFERENCE not in entry.object_label
    assert entry.changes["immigration_reference"]["to"] == "•••"


def test_a_document_can_be_registered_for_a_client_typed_in_the_form(
    users: dict[Role, User], client_a: Client, signed_in: Any
) -> None:
    http = signed_in(users[Role.DIRECTOR])
    assert 'name="client"' in http.get(reverse("residence:create")).content.decode()
    response = http.post(
        reverse("residence:create"),
        {
            "client": client_a.file_code,
            "document": DocumentType.ANNEX15,
            "issued_on": "2026-01-10",
            "work_access": "",
        },
    )
    assert response.status_code == 302
    document = ResidenceDocument.objects.get()
    assert document.client == client_a
    assert document.valid_until == datetime.date(2026, 2, 24)


def test_a_valid_until_date_before_the_issue_date_is_a_form_error_keeping_what_was_typed(
    users: dict[Role, User], client_a: Client, signed_in: Any
) -> None:
    response = post_document(
        signed_in(users[Role.LEGAL]),
        client_a,
        document=DocumentType.AI,
        issued_on="2026-05-10",
        valid_until="2026-05-01",
        notes="Fetched at the town hall",
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "The valid-until date cannot be before the issue date." in page
    assert 'value="2026-05-10"' in page and 'value="2026-05-01"' in page
    assert "Fetched at the town hall" in page
    assert not ResidenceDocument.objects.exists()


def test_a_b_card_with_an_expiry_date_is_a_form_error(
    users: dict[Role, User], client_a: Client, signed_in: Any
) -> None:
    response = post_document(
        signed_in(users[Role.LEGAL]),
        client_a,
        document=DocumentType.B_CARD,
        issued_on="2026-05-10",
        valid_until="2031-05-10",
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "A document of indefinite validity has no valid-until date" in page
    assert 'value="2031-05-10"' in page
    assert '<option value="b_card" selected>' in page
    assert not ResidenceDocument.objects.exists()


def test_an_issue_date_more_than_a_month_ahead_is_refused(
    users: dict[Role, User], client_a: Client
) -> None:
    legal = users[Role.LEGAL]
    with pytest.raises(ValidationError) as error:
        services.register_document(
            by=legal,
            client=client_a,
            data={"document": DocumentType.AI, "issued_on": today() + datetime.timedelta(60)},
        )
    assert "issued_on" in error.value.message_dict
    # a card to be fetched at next week's appointment at the municipality may be recorded
    services.register_document(
        by=legal,
        client=client_a,
        data={"document": DocumentType.AI, "issued_on": today() + datetime.timedelta(7)},
    )


def test_a_type_without_standard_validity_needs_its_valid_until_date(
    users: dict[Role, User], client_a: Client
) -> None:
    with pytest.raises(ValidationError) as error:
        services.register_document(
            by=users[Role.LEGAL],
            client=client_a,
            data={"document": DocumentType.ASYLUM, "issued_on": today()},
        )
    assert "valid_until" in error.value.message_dict


def test_only_active_municipalities_of_the_centre_are_offered_and_accepted(
    users: dict[Role, User], client_a: Client, centre_b: Any, signed_in: Any
) -> None:
    legal = users[Role.LEGAL]
    make_partner(legal.centre, kind=PartnerKind.MUNICIPALITY, name="Gemeente Actief")
    make_partner(legal.centre, kind=PartnerKind.MUNICIPALITY, name="Gemeente Oud", is_active=False)
    lawyer = make_partner(legal.centre, kind=PartnerKind.LAWYER, name="Mr. Advocaat")
    elsewhere = make_partner(centre_b, kind=PartnerKind.MUNICIPALITY, name="Gemeente Elders")
    http = signed_in(legal)
    form = http.get(create_url(client_a)).content.decode()
    assert "Gemeente Actief" in form
    assert "Gemeente Oud" not in form and "Mr. Advocaat" not in form
    assert "Gemeente Elders" not in form
    for partner in (lawyer, elsewhere):
        response = post_document(http, client_a, municipality=str(partner.pk))
        assert response.status_code == 200
    assert not ResidenceDocument.objects.exists()


def test_correcting_a_document_is_audited_and_keeps_the_reference_when_not_shown(
    users: dict[Role, User], client_a: Client, signed_in: Any
) -> None:
    put_in_guidance(client_a)
    legal = users[Role.LEGAL]
    document = services.register_document(
        by=legal,
        client=client_a,
        data={
            "document": DocumentType.AI,
            "issued_on": datetime.date(2026, 3, 2),
            "immigration_reference": REFERENCE,
        },
    )
    response = signed_in(legal).post(
        reverse("residence:edit", kwargs={"pk": document.pk}),
        {
            "document": DocumentType.AI,
            "issued_on": "2026-03-02",
            "valid_until": "2026-06-30",
            "immigration_reference": REFERENCE,
            "work_access": WorkAccess.NONE,
            "notes": "",
        },
    )
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.valid_until == datetime.date(2026, 6, 30)
    entry = AuditEntry.objects.get(action=Action.UPDATE, object_type="residence.residencedocument")
    assert set(entry.changes) == {"valid_until", "work_access"}
    client_a.refresh_from_db()
    assert client_a.residence_valid_until == datetime.date(2026, 6, 30)

    # A form that does not show the reference (no identity rights) leaves it as it was.
    services.update_document(
        by=legal,
        document=document,
        data={"document": DocumentType.AI, "issued_on": datetime.date(2026, 3, 2), "notes": "x"},
    )
    document.refresh_from_db()
    assert (document.immigration_reference, document.notes) == (REFERENCE, "x")
    assert document.valid_until == datetime.date(2026, 6, 30)


def test_the_reference_is_shown_on_the_document_but_never_on_the_residence_page(
    users: dict[Role, User], client_a: Client, signed_in: Any
) -> None:
    legal = users[Role.LEGAL]
    document = services.register_document(
        by=legal,
        client=client_a,
        data={
            "document": DocumentType.A_CARD,
            "issued_on": datetime.date(2026, 3, 2),
            "immigration_reference": REFERENCE,
        },
    )
    http = signed_in(legal)
    page = http.get(reverse("residence:client", kwargs={"pk": client_a.pk})).content.decode()
    assert "A card (temporary stay)" in page and REFERENCE not in page
    detail = http.get(reverse("residence:detail", kwargs={"pk": document.pk})).content.decode()
    assert REFERENCE in detail


def test_reading_the_residence_page_is_written_to_the_access_log(
    users: dict[Role, User], client_a: Client, signed_in: Any
) -> None:
    reader = users[Role.PSYCHOSOCIAL]
    response = signed_in(reader).get(reverse("residence:client", kwargs={"pk": client_a.pk}))
    assert response.status_code == 200
    entry = AuditEntry.objects.get(action=Action.VIEW, object_id=str(client_a.pk))
    assert (entry.actor, entry.note, entry.object_type) == (
        reader,
        "residence page",
        "clients.client",
    )


def test_a_client_of_another_centre_answers_not_found(
    users: dict[Role, User], client_b: Client, signed_in: Any
) -> None:
    http = signed_in(users[Role.LEGAL])
    assert http.get(create_url(client_b)).status_code == 404
    response = post_document(http, client_b)
    assert response.status_code == 404
    assert not ResidenceDocument.objects.exists()
    assert http.get(reverse("residence:create") + "?client=abc").status_code == 404


def test_a_role_without_residence_write_gets_403_on_post(
    users: dict[Role, User], client_a: Client, signed_in: Any
) -> None:
    for role in (Role.PSYCHOSOCIAL, Role.NIGHT_STAFF, Role.ADMIN_FINANCE):
        response = post_document(signed_in(users[role]), client_a)
        assert response.status_code == 403, role
    assert not ResidenceDocument.objects.exists()


def test_a_psychosocial_worker_reads_the_residence_page_without_buttons_to_change_it(
    users: dict[Role, User], client_a: Client, signed_in: Any
) -> None:
    services.register_document(
        by=users[Role.LEGAL],
        client=client_a,
        data={"document": DocumentType.ANNEX15, "issued_on": today()},
    )
    page = (
        signed_in(users[Role.PSYCHOSOCIAL])
        .get(reverse("residence:client", kwargs={"pk": client_a.pk}))
        .content.decode()
    )
    assert "Annex 15 (reflection period)" in page and "Reflection period" in page
    assert reverse("residence:create") not in page
    assert "/renew/" not in page


def test_without_identity_rights_the_reference_is_neither_shown_nor_editable_nor_lost(
    users: dict[Role, User], client_a: Client, signed_in: Any, monkeypatch: Any
) -> None:
    legal = users[Role.LEGAL]
    document = services.register_document(
        by=legal,
        client=client_a,
        data={
            "document": DocumentType.A_CARD,
            "issued_on": datetime.date(2026, 3, 2),
            "immigration_reference": REFERENCE,
        },
    )
    # A role that may keep residence documents but not read identity data.
    withheld = {Permission.CLIENT_IDENTITY_READ, Permission.CLIENT_IDENTITY_UPDATE}
    monkeypatch.setitem(ROLE_PERMISSIONS, Role.LEGAL, ROLE_PERMISSIONS[Role.LEGAL] - withheld)
    http = signed_in(legal)
    detail = http.get(reverse("residence:detail", kwargs={"pk": document.pk})).content.decode()
    assert REFERENCE not in detail and "Immigration Office reference" not in detail
    edit_url = reverse("residence:edit", kwargs={"pk": document.pk})
    form = http.get(edit_url).content.decode()
    assert REFERENCE not in form and 'name="immigration_reference"' not in form
    response = http.post(
        edit_url,
        {
            "document": DocumentType.A_CARD,
            "issued_on": "2026-03-02",
            "valid_until": "",
            "immigration_reference": "overwritten",
            "work_access": "",
            "notes": "checked",
        },
    )
    assert response.status_code == 302
    document.refresh_from_db()
    assert (document.immigration_reference, document.notes) == (REFERENCE, "checked")
