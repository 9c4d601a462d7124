"""The partner directory: add, change, deactivate and reactivate (audited), search, who may,
isolation between centres, and the pickers other apps offer."""

from typing import Any

import pytest
from django.urls import reverse

from haven.accounts.models import User
from haven.accounts.permissions import Role
from haven.audit.models import Action, AuditEntry
from haven.centres.models import Centre
from haven.partners import services
from haven.partners.models import Partner, PartnerKind
from haven.partners.testing import make_partner
from haven.residence.testing import make_document

pytestmark = pytest.mark.django_db

NEW_LAWYER = {
    "kind": PartnerKind.LAWYER,
    "name": "Mr. B. Peeters",
    "organisation": "Advocatenkantoor Peeters",
    "contact_person": "",
    "phone": "+32 2 555 01 02",
    "email": "peeters@example.org",
    "address": "Gerechtsplein 1\n1000 Brussel",
    "languages": "nl, fr",
    "notes": "Pro deo",
}


def test_a_legal_worker_adds_a_lawyer_to_the_directory_audited(
    users: dict[Role, User], signed_in: Any
) -> None:
    http = signed_in(users[Role.LEGAL])
    assert http.get(reverse("partners:create")).status_code == 200
    response = http.post(reverse("partners:create"), NEW_LAWYER)
    partner = Partner.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("partners:detail", kwargs={"pk": partner.pk})
    assert (partner.centre, partner.name, partner.is_active) == (
        users[Role.LEGAL].centre,
        "Mr. B. Peeters",
        True,
    )
    entry = AuditEntry.objects.get(action=Action.CREATE, object_type="partners.partner")
    assert entry.actor == users[Role.LEGAL]
    assert entry.changes["name"]["to"] == "Mr. B. Peeters"
    page = http.get(response["Location"]).content.decode()
    assert "Advocatenkantoor Peeters" in page and "peeters@example.org" in page


def test_a_partner_without_a_name_is_refused_with_what_was_typed_kept(
    users: dict[Role, User], signed_in: Any
) -> None:
    response = signed_in(users[Role.LEGAL]).post(
        reverse("partners:create"), {**NEW_LAWYER, "name": "  "}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert Partner.objects.count() == 0
    assert "Please correct the fields marked below" in page
    assert "Advocatenkantoor Peeters" in page


def test_an_invalid_email_is_refused(users: dict[Role, User], signed_in: Any) -> None:
    response = signed_in(users[Role.LEGAL]).post(
        reverse("partners:create"), {**NEW_LAWYER, "email": "not an address"}
    )
    assert response.status_code == 200
    assert Partner.objects.count() == 0


def test_editing_a_partner_records_what_changed(users: dict[Role, User], signed_in: Any) -> None:
    admin = users[Role.ADMIN_FINANCE]
    partner = make_partner(admin.centre, phone="+32 2 000 00 00")
    http = signed_in(admin)
    form = http.get(reverse("partners:edit", kwargs={"pk": partner.pk})).content.decode()
    assert "+32 2 000 00 00" in form
    data = {**NEW_LAWYER, "name": partner.name, "organisation": partner.organisation}
    response = http.post(reverse("partners:edit", kwargs={"pk": partner.pk}), data)
    assert response.status_code == 302
    partner.refresh_from_db()
    assert partner.phone == "+32 2 555 01 02"
    entry = AuditEntry.objects.get(action=Action.UPDATE, object_id=str(partner.pk))
    assert entry.changes["phone"] == {"from": "+32 2 000 00 00", "to": "+32 2 555 01 02"}
    assert "name" not in entry.changes


def test_saving_an_unchanged_partner_writes_no_audit_entry(
    users: dict[Role, User], signed_in: Any
) -> None:
    legal = users[Role.LEGAL]
    partner = make_partner(legal.centre)
    services.update_partner(
        by=legal, partner=partner, data={n: getattr(partner, n) for n in services.FIELDS}
    )
    assert not AuditEntry.objects.filter(action=Action.UPDATE).exists()


def test_a_partner_is_deactivated_and_reactivated_never_deleted(
    users: dict[Role, User], signed_in: Any
) -> None:
    legal = users[Role.LEGAL]
    partner = make_partner(legal.centre)
    http = signed_in(legal)
    assert http.get(reverse("partners:deactivate", kwargs={"pk": partner.pk})).status_code == 405
    response = http.post(reverse("partners:deactivate", kwargs={"pk": partner.pk}))
    assert response.status_code == 302
    partner.refresh_from_db()
    assert partner.is_active is False
    entry = AuditEntry.objects.get(action=Action.UPDATE, object_id=str(partner.pk))
    assert entry.changes["is_active"] == {"from": True, "to": False}
    assert "Reactivate" in http.get(response["Location"]).content.decode()

    http.post(reverse("partners:reactivate", kwargs={"pk": partner.pk}))
    partner.refresh_from_db()
    assert partner.is_active is True
    assert AuditEntry.objects.filter(action=Action.UPDATE, object_id=str(partner.pk)).count() == 2
    assert Partner.objects.filter(pk=partner.pk).exists()


def test_the_list_shows_active_partners_filtered_by_kind_and_name(
    users: dict[Role, User], signed_in: Any
) -> None:
    centre = users[Role.PSYCHOSOCIAL].centre
    make_partner(centre, name="Mr. A. Janssens", organisation="Kantoor Janssens")
    make_partner(centre, kind=PartnerKind.LOCAL_POLICE, name="PZ Brussel-Noord", organisation="")
    make_partner(centre, kind=PartnerKind.MUNICIPALITY, name="Gemeente Schaerbeek", organisation="")
    make_partner(centre, name="Mr. C. Oud", is_active=False)
    http = signed_in(users[Role.PSYCHOSOCIAL])

    def names(query: str = "") -> list[str]:
        response = http.get(reverse("partners:list") + query)
        assert response.status_code == 200
        return [p.name for p in response.context["page"]]

    assert names() == ["Mr. A. Janssens", "PZ Brussel-Noord", "Gemeente Schaerbeek"]
    assert names("?kind=local_police") == ["PZ Brussel-Noord"]
    assert names("?q=janssens") == ["Mr. A. Janssens"]
    assert names("?q=kantoor") == ["Mr. A. Janssens"]
    assert names("?q=noord&kind=lawyer") == []
    assert names("?show=inactive") == ["Mr. C. Oud"]
    assert len(names("?show=all")) == 4
    assert names("?kind=nonsense&q=schaerbeek") == ["Gemeente Schaerbeek"]


def test_a_psychosocial_worker_reads_the_directory_but_may_not_change_it(
    users: dict[Role, User], signed_in: Any
) -> None:
    worker = users[Role.PSYCHOSOCIAL]
    partner = make_partner(worker.centre)
    http = signed_in(worker)
    detail = http.get(reverse("partners:detail", kwargs={"pk": partner.pk}))
    assert detail.status_code == 200
    assert reverse("partners:edit", kwargs={"pk": partner.pk}) not in detail.content.decode()
    assert "New partner" not in http.get(reverse("partners:list")).content.decode()
    assert http.post(reverse("partners:create"), NEW_LAWYER).status_code == 403
    edit = reverse("partners:edit", kwargs={"pk": partner.pk})
    assert http.post(edit, NEW_LAWYER).status_code == 403
    assert http.post(reverse("partners:deactivate", kwargs={"pk": partner.pk})).status_code == 403
    partner.refresh_from_db()
    assert partner.is_active and partner.name == "Mr. A. Janssens"
    assert Partner.objects.count() == 1


def test_night_staff_do_not_see_the_directory(users: dict[Role, User], signed_in: Any) -> None:
    assert signed_in(users[Role.NIGHT_STAFF]).get(reverse("partners:list")).status_code == 403


def test_another_centres_partner_is_not_found_nor_changed(
    users: dict[Role, User], centre_b: Centre, signed_in: Any
) -> None:
    theirs = make_partner(centre_b, name="Their lawyer")
    http = signed_in(users[Role.DIRECTOR])
    for name in ("partners:detail", "partners:edit"):
        assert http.get(reverse(name, kwargs={"pk": theirs.pk})).status_code == 404
    edit = reverse("partners:edit", kwargs={"pk": theirs.pk})
    assert http.post(edit, NEW_LAWYER).status_code == 404
    assert http.post(reverse("partners:deactivate", kwargs={"pk": theirs.pk})).status_code == 404
    theirs.refresh_from_db()
    assert theirs.is_active and theirs.name == "Their lawyer"
    assert "Their lawyer" not in http.get(reverse("partners:list") + "?show=all").content.decode()
    assert AuditEntry.objects.filter(action=Action.DENIED, centre=centre_b).exists()


def test_pickers_offer_active_partners_of_the_kinds_plus_the_current_one(
    centre_a: Centre, centre_b: Centre
) -> None:
    town = make_partner(centre_a, kind=PartnerKind.MUNICIPALITY, name="Gemeente Anderlecht")
    old_town = make_partner(
        centre_a, kind=PartnerKind.MUNICIPALITY, name="Gemeente Oud", is_active=False
    )
    welfare = make_partner(centre_a, kind=PartnerKind.WELFARE_CENTRE, name="OCMW Anderlecht")
    make_partner(centre_a, kind=PartnerKind.LAWYER)
    theirs = make_partner(centre_b, kind=PartnerKind.MUNICIPALITY, name="Elsewhere")

    municipalities = [PartnerKind.MUNICIPALITY]
    assert list(services.active_partners(centre_a, municipalities)) == [town]
    assert list(services.choices_for(centre_a, municipalities)) == [town]
    assert set(services.choices_for(centre_a, municipalities, current=old_town)) == {
        town,
        old_town,
    }
    assert set(services.choices_for(centre_a, municipalities, current=old_town.pk)) == {
        town,
        old_town,
    }
    both = [PartnerKind.MUNICIPALITY, PartnerKind.WELFARE_CENTRE]
    assert set(services.choices_for(centre_a, both)) == {town, welfare}
    # Another centre's partner is never offered, even when a record names it by mistake.
    assert theirs not in services.choices_for(centre_a, municipalities, current=theirs)
    assert list(services.choices_for(None, municipalities)) == []


def test_the_detail_page_counts_the_records_that_name_the_partner(
    users: dict[Role, User], signed_in: Any
) -> None:
    centre = users[Role.LEGAL].centre
    town = make_partner(centre, kind=PartnerKind.MUNICIPALITY, name="Gemeente Anderlecht")
    make_document(centre, municipality=town)
    make_document(centre, municipality=town)
    make_document(centre)
    assert services.usage(town) == [("Residence documents", 2)]
    page = signed_in(users[Role.LEGAL]).get(reverse("partners:detail", kwargs={"pk": town.pk}))
    assert "Residence documents: 2" in page.content.decode()
    unused = make_partner(centre)
    assert services.usage(unused) == []
