"""The other administrative outcomes: regularisation (by itself with the first permanent
document), voluntary return and social rights; their rules, audit and isolation."""

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from haven.accounts.models import User
from haven.accounts.permissions import Role
from haven.audit.models import Action, AuditEntry
from haven.clients.models import Client
from haven.factories import NationalityFactory
from haven.partners.models import PartnerKind
from haven.partners.testing import make_partner
from haven.residence import services
from haven.residence.models import (
    DocumentType,
    Regularisation,
    RegularisationBasis,
    SocialRight,
    SocialRightKind,
    VoluntaryReturn,
)
from haven.residence.testing import make_social_right

pytestmark = pytest.mark.django_db


def today() -> datetime.date:
    return timezone.localdate()


def days(n: int) -> datetime.date:
    return today() + datetime.timedelta(days=n)


def iso(day: datetime.date) -> str:
    return f"{day:%Y-%m-%d}"


def register(by: User, client: Client, document: str, issued_on: datetime.date) -> Any:
    return services.register_document(
        by=by, client=client, data={"document": document, "issued_on": issued_on}
    )


def test_the_first_b_card_records_the_regularisation_and_a_second_one_does_not(
    users: dict[Role, User], client_a: Client
) -> None:
    legal = users[Role.LEGAL]
    register(legal, client_a, DocumentType.A_CARD, days(-400))
    assert not Regularisation.objects.exists()
    register(legal, client_a, DocumentType.B_CARD, days(-200))
    regularisation = Regularisation.objects.get()
    assert (regularisation.client, regularisation.basis, regularisation.decided_on) == (
        client_a,
        RegularisationBasis.TRAFFICKING,
        days(-200),
    )
    assert AuditEntry.objects.filter(
        action=Action.CREATE, object_type="residence.regularisation", actor=legal
    ).exists()
    register(legal, client_a, DocumentType.B_CARD, days(-10))  # a replaced card
    assert Regularisation.objects.count() == 1


def test_a_permanent_humanitarian_stay_records_a_humanitarian_regularisation(
    users: dict[Role, User], client_a: Client
) -> None:
    register(users[Role.LEGAL], client_a, DocumentType.HUMANITARIAN_PERMANENT, days(-30))
    assert Regularisation.objects.get().basis == RegularisationBasis.HUMANITARIAN


def test_a_regularisation_on_another_basis_is_recorded_by_hand(
    users: dict[Role, User], client_a: Client, signed_in: Any
) -> None:
    http = signed_in(users[Role.LEGAL])
    url = reverse("residence:regularisation_create") + f"?client={client_a.pk}"
    response = http.post(
        url, {"basis": RegularisationBasis.OTHER, "decided_on": iso(days(-3)), "notes": ""}
    )
    assert response.status_code == 302
    regularisation = Regularisation.objects.get()
    assert regularisation.basis == RegularisationBasis.OTHER
    assert AuditEntry.objects.filter(
        action=Action.CREATE, object_id=str(regularisation.pk)
    ).exists()
    response = http.post(
        reverse("residence:regularisation_edit", kwargs={"pk": regularisation.pk}),
        {"basis": RegularisationBasis.HUMANITARIAN, "decided_on": iso(days(-3)), "notes": ""},
    )
    assert response.status_code == 302
    regularisation.refresh_from_db()
    assert regularisation.basis == RegularisationBasis.HUMANITARIAN
    entry = AuditEntry.objects.get(action=Action.UPDATE, object_id=str(regularisation.pk))
    assert entry.changes["basis"] == {"from": "other", "to": "humanitarian"}


def test_a_regularisation_decided_in_the_future_is_refused(
    users: dict[Role, User], client_a: Client
) -> None:
    with pytest.raises(ValidationError) as error:
        services.record_regularisation(
            by=users[Role.LEGAL],
            client=client_a,
            data={"basis": RegularisationBasis.OTHER, "decided_on": days(3)},
        )
    assert "decided_on" in error.value.message_dict


def test_a_voluntary_return_is_recorded_with_its_country_and_shown_on_the_page(
    users: dict[Role, User], client_a: Client, signed_in: Any
) -> None:
    country = NationalityFactory(code="NG", name_en="Nigeria")
    http = signed_in(users[Role.DIRECTOR])
    response = http.post(
        reverse("residence:return_create") + f"?client={client_a.pk}",
        {
            "returned_on": iso(days(-2)),
            "country": "NG",
            "organisation": "Caritas International",
            "notes": "",
        },
    )
    assert response.status_code == 302
    voluntary_return = VoluntaryReturn.objects.get()
    assert (voluntary_return.country, voluntary_return.organisation) == (
        country,
        "Caritas International",
    )
    page = http.get(reverse("residence:client", kwargs={"pk": client_a.pk})).content.decode()
    assert "Nigeria" in page and "Caritas International" in page
    assert AuditEntry.objects.filter(
        action=Action.CREATE, object_type="residence.voluntaryreturn"
    ).exists()


def test_inactive_countries_and_former_states_are_not_offered_for_a_return(
    users: dict[Role, User], client_a: Client, signed_in: Any
) -> None:
    NationalityFactory(code="QQ", name_en="Atlantis", is_active=False)
    http = signed_in(users[Role.LEGAL])
    url = reverse("residence:return_create") + f"?client={client_a.pk}"
    form = http.get(url).content.decode()
    assert "Nigeria" in form
    assert "Atlantis" not in form and "Yugoslavia" not in form
    for code in ("QQ", "YUCS"):
        response = http.post(url, {"returned_on": iso(days(-2)), "country": code})
        assert response.status_code == 200
    assert not VoluntaryReturn.objects.exists()


def test_a_return_years_ahead_is_refused_keeping_what_was_typed(
    users: dict[Role, User], client_a: Client, signed_in: Any
) -> None:
    response = signed_in(users[Role.LEGAL]).post(
        reverse("residence:return_create") + f"?client={client_a.pk}",
        {"returned_on": "2206-05-01", "organisation": "Fedasil"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "too far in the future" in page
    assert 'value="2206-05-01"' in page and 'value="Fedasil"' in page
    assert not VoluntaryReturn.objects.exists()


def test_a_social_right_is_opened_with_a_welfare_centre_and_later_ended(
    users: dict[Role, User], client_a: Client, signed_in: Any
) -> None:
    legal = users[Role.LEGAL]
    welfare = make_partner(legal.centre, kind=PartnerKind.WELFARE_CENTRE, name="OCMW Test")
    http = signed_in(legal)
    url = reverse("residence:social_right_create") + f"?client={client_a.pk}"
    assert "OCMW Test" in http.get(url).content.decode()
    response = http.post(
        url,
        {
            "kind": SocialRightKind.WELFARE,
            "organisation": str(welfare.pk),
            "start_on": iso(days(-100)),
            "end_on": "",
            "notes": "",
        },
    )
    assert response.status_code == 302
    right = SocialRight.objects.get()
    assert (right.organisation, right.end_on) == (welfare, None)

    response = http.post(
        reverse("residence:social_right_edit", kwargs={"pk": right.pk}),
        {
            "kind": SocialRightKind.WELFARE,
            "organisation": str(welfare.pk),
            "start_on": iso(days(-100)),
            "end_on": iso(days(-1)),
            "notes": "Found work",
        },
    )
    assert response.status_code == 302
    right.refresh_from_db()
    assert right.end_on == days(-1)
    entry = AuditEntry.objects.get(action=Action.UPDATE, object_type="residence.socialright")
    assert set(entry.changes) == {"end_on", "notes"}


def test_a_social_right_cannot_end_before_it_started(
    users: dict[Role, User], client_a: Client, signed_in: Any
) -> None:
    right = make_social_right(client_a.centre, client=client_a, start_on=days(-10))
    response = signed_in(users[Role.LEGAL]).post(
        reverse("residence:social_right_edit", kwargs={"pk": right.pk}),
        {"kind": SocialRightKind.WELFARE, "start_on": iso(days(-10)), "end_on": iso(days(-20))},
    )
    assert response.status_code == 200
    assert "The end date cannot be before the start date." in response.content.decode()
    right.refresh_from_db()
    assert right.end_on is None


def test_a_social_right_names_an_organisation_of_the_matching_kind_only(
    users: dict[Role, User], client_a: Client
) -> None:
    legal = users[Role.LEGAL]
    lawyer = make_partner(legal.centre, kind=PartnerKind.LAWYER)
    fund = make_partner(legal.centre, kind=PartnerKind.HEALTH_INSURANCE, name="Ziekenfonds")
    for kind, organisation in (
        (SocialRightKind.WELFARE, lawyer),
        (SocialRightKind.WELFARE, fund),
    ):
        with pytest.raises(ValidationError) as error:
            services.record_social_right(
                by=legal,
                client=client_a,
                data={"kind": kind, "organisation": organisation, "start_on": days(-1)},
            )
        assert "organisation" in error.value.message_dict
    services.record_social_right(
        by=legal,
        client=client_a,
        data={
            "kind": SocialRightKind.HEALTH_INSURANCE,
            "organisation": fund,
            "start_on": days(-1),
        },
    )


def test_outcomes_of_another_centre_answer_not_found_and_readers_may_not_post(
    users: dict[Role, User], client_b: Client, client_a: Client, signed_in: Any
) -> None:
    right = make_social_right(client_b.centre, client=client_b)
    http = signed_in(users[Role.LEGAL])
    url = reverse("residence:social_right_edit", kwargs={"pk": right.pk})
    assert http.post(url, {"kind": "welfare", "start_on": iso(days(-1))}).status_code == 404
    create = reverse("residence:return_create") + f"?client={client_b.pk}"
    assert http.post(create, {"returned_on": iso(days(-1))}).status_code == 404
    reader = signed_in(users[Role.PSYCHOSOCIAL])
    create = reverse("residence:return_create") + f"?client={client_a.pk}"
    assert reader.post(create, {"returned_on": iso(days(-1))}).status_code == 403
    assert not VoluntaryReturn.objects.exists()
