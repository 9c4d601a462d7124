"""Renewals: the request to the Immigration Office, the prosecutor's view and the decision, the
new document; and the client's expiry flag, which a request or a new document clears."""

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
from haven.residence import services
from haven.residence.models import (
    Decision,
    DocumentType,
    ProsecutorView,
    Renewal,
    ResidenceDocument,
    proposed_valid_until,
)
from haven.residence.status import Stage, is_expired
from haven.residence.testing import put_in_guidance

pytestmark = pytest.mark.django_db

REFERENCE = "OE-7700112"


def today() -> datetime.date:
    return timezone.localdate()


def days(n: int) -> datetime.date:
    return today() + datetime.timedelta(days=n)


def a_card(by: User, client: Client, *, expires_in: int) -> ResidenceDocument:
    """An A card of the client that expires in ``expires_in`` days."""
    put_in_guidance(client)
    return services.register_document(
        by=by,
        client=client,
        data={
            "document": DocumentType.A_CARD,
            "issued_on": days(expires_in - 180),
            "valid_until": days(expires_in),
            "immigration_reference": REFERENCE,
        },
    )


def client_list(http: Any) -> str:
    return http.get(reverse("clients:list")).content.decode()


def test_a_renewal_request_and_the_new_card_clear_the_expiry_warning(
    users: dict[Role, User], client_a: Client, signed_in: Any
) -> None:
    legal = users[Role.LEGAL]
    http = signed_in(legal)
    card = a_card(legal, client_a, expires_in=20)
    assert "Document expires" in client_list(http)

    response = http.post(
        reverse("residence:renew", kwargs={"pk": card.pk}),
        {"requested_on": f"{days(-1):%Y-%m-%d}", "notes": ""},
    )
    assert response.status_code == 302
    renewal = Renewal.objects.get()
    assert (renewal.document, renewal.decision, renewal.created_by) == (
        card,
        Decision.PENDING,
        legal,
    )
    client_a.refresh_from_db()
    assert client_a.residence_renewal_pending
    assert "Document expires" not in client_list(http)

    form = http.get(reverse("residence:new_document", kwargs={"pk": renewal.pk})).content.decode()
    assert '<option value="a_card" selected>' in form and REFERENCE in form
    response = http.post(
        reverse("residence:new_document", kwargs={"pk": renewal.pk}),
        {
            "document": DocumentType.A_CARD,
            "issued_on": f"{today():%Y-%m-%d}",
            "valid_until": "",
            "immigration_reference": REFERENCE,
            "work_access": "",
            "notes": "",
            "decided_on": "",
        },
    )
    assert response.status_code == 302
    renewal.refresh_from_db()
    new = renewal.new_document
    assert new is not None and new.document == DocumentType.A_CARD
    assert (renewal.decision, renewal.decided_on) == (Decision.GRANTED, today())
    assert new.valid_until == proposed_valid_until(DocumentType.A_CARD, today())
    client_a.refresh_from_db()
    assert client_a.residence_valid_until == new.valid_until
    assert not client_a.residence_renewal_pending
    assert "Document expires" not in client_list(http)
    assert AuditEntry.objects.filter(
        action=Action.UPDATE, object_type="residence.renewal", object_id=str(renewal.pk)
    ).exists()
    assert (
        AuditEntry.objects.filter(
            action=Action.CREATE, object_type="residence.residencedocument"
        ).count()
        == 2
    )


def test_an_expired_document_without_renewal_is_flagged_red_until_a_renewal_is_asked(
    users: dict[Role, User], client_a: Client, signed_in: Any
) -> None:
    legal = users[Role.LEGAL]
    http = signed_in(legal)
    card = a_card(legal, client_a, expires_in=-3)
    assert "Document expired" in client_list(http)
    services.request_renewal(by=legal, document=card, data={"requested_on": days(-10)})
    assert "Document expired" not in client_list(http)


def test_the_new_document_takes_the_renewed_type_and_reference_when_not_given(
    users: dict[Role, User], client_a: Client
) -> None:
    legal = users[Role.LEGAL]
    ai = services.register_document(
        by=legal,
        client=client_a,
        data={
            "document": DocumentType.AI,
            "issued_on": days(-80),
            "immigration_reference": REFERENCE,
        },
    )
    renewal = services.request_renewal(by=legal, document=ai, data={"requested_on": days(-5)})
    new = services.record_new_document(by=legal, renewal=renewal, data={"issued_on": days(-1)})
    assert (new.document, new.immigration_reference) == (DocumentType.AI, REFERENCE)
    renewal.refresh_from_db()
    assert renewal.decided_on == days(-1)


def test_one_renewal_per_document_waits_for_a_decision_at_a_time(
    users: dict[Role, User], client_a: Client
) -> None:
    legal = users[Role.LEGAL]
    card = a_card(legal, client_a, expires_in=10)
    first = services.request_renewal(by=legal, document=card, data={"requested_on": days(-2)})
    with pytest.raises(ValidationError):
        services.request_renewal(by=legal, document=card, data={"requested_on": days(-1)})
    services.update_renewal(
        by=legal, renewal=first, data={"decision": Decision.REFUSED, "decided_on": days(0)}
    )
    services.request_renewal(by=legal, document=card, data={"requested_on": days(0)})
    assert Renewal.objects.filter(document=card).count() == 2


def test_a_renewal_cannot_be_requested_before_the_document_was_issued(
    users: dict[Role, User], client_a: Client, signed_in: Any
) -> None:
    legal = users[Role.LEGAL]
    card = a_card(legal, client_a, expires_in=10)
    response = signed_in(legal).post(
        reverse("residence:renew", kwargs={"pk": card.pk}),
        {"requested_on": f"{days(-400):%Y-%m-%d}", "notes": "sent by post"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "A renewal cannot be requested before the document was issued." in page
    assert f'value="{days(-400):%Y-%m-%d}"' in page and "sent by post" in page
    assert not Renewal.objects.exists()


def test_a_b_card_is_not_renewed(users: dict[Role, User], client_a: Client) -> None:
    legal = users[Role.LEGAL]
    card = services.register_document(
        by=legal, client=client_a, data={"document": DocumentType.B_CARD, "issued_on": days(-5)}
    )
    with pytest.raises(ValidationError):
        services.request_renewal(by=legal, document=card, data={"requested_on": days(0)})


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"decision": Decision.GRANTED, "decided_on": None}, "decided_on"),
        ({"decision": Decision.PENDING, "decided_on": "today"}, "decision"),
        ({"prosecutor_view": ProsecutorView.PENDING, "prosecutor_view_on": "today"}, None),
        ({"decision": Decision.REFUSED, "decided_on": "before"}, "decided_on"),
    ],
)
def test_a_decision_date_needs_a_decision_and_a_decision_its_date(
    values: dict[str, Any],
    field: str | None,
    users: dict[Role, User],
    client_a: Client,
    signed_in: Any,
) -> None:
    legal = users[Role.LEGAL]
    card = a_card(legal, client_a, expires_in=10)
    renewal = services.request_renewal(by=legal, document=card, data={"requested_on": days(-3)})
    dates = {"today": f"{today():%Y-%m-%d}", "before": f"{days(-20):%Y-%m-%d}", None: ""}
    data = {
        "requested_on": f"{days(-3):%Y-%m-%d}",
        "prosecutor_view": ProsecutorView.PENDING,
        "prosecutor_view_on": "",
        "decision": Decision.PENDING,
        "decided_on": "",
        "notes": "",
    }
    for name, value in values.items():
        data[name] = dates[value] if name.endswith("_on") else value
    response = signed_in(legal).post(reverse("residence:renewal", kwargs={"pk": renewal.pk}), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Please correct the fields marked below." in page
    if field:
        assert f'id="id_{field}_error"' in page
    renewal.refresh_from_db()
    assert (renewal.decision, renewal.decided_on) == (Decision.PENDING, None)


def test_the_prosecutors_view_and_a_refusal_are_recorded_and_stop_the_procedure(
    users: dict[Role, User], client_a: Client, signed_in: Any
) -> None:
    legal = users[Role.LEGAL]
    card = a_card(legal, client_a, expires_in=10)
    renewal = services.request_renewal(by=legal, document=card, data={"requested_on": days(-9)})
    response = signed_in(legal).post(
        reverse("residence:renewal", kwargs={"pk": renewal.pk}),
        {
            "requested_on": f"{days(-9):%Y-%m-%d}",
            "prosecutor_view": ProsecutorView.UNFAVOURABLE,
            "prosecutor_view_on": f"{days(-4):%Y-%m-%d}",
            "decision": Decision.REFUSED,
            "decided_on": f"{days(-1):%Y-%m-%d}",
            "notes": "",
        },
    )
    assert response.status_code == 302
    renewal.refresh_from_db()
    assert (renewal.prosecutor_view, renewal.decision) == (
        ProsecutorView.UNFAVOURABLE,
        Decision.REFUSED,
    )
    entry = AuditEntry.objects.get(action=Action.UPDATE, object_type="residence.renewal")
    assert entry.changes["decision"] == {"from": "pending", "to": "refused"}
    assert services.procedure_stage(client_a) == Stage.STOPPED
    client_a.refresh_from_db()
    assert not client_a.residence_renewal_pending
    with pytest.raises(ValidationError):
        services.record_new_document(by=legal, renewal=renewal, data={"issued_on": today()})


def test_the_new_document_of_a_renewal_is_recorded_once(
    users: dict[Role, User], client_a: Client, signed_in: Any
) -> None:
    legal = users[Role.LEGAL]
    card = a_card(legal, client_a, expires_in=10)
    renewal = services.request_renewal(by=legal, document=card, data={"requested_on": days(-9)})
    new = services.record_new_document(by=legal, renewal=renewal, data={"issued_on": days(-1)})
    with pytest.raises(ValidationError):
        services.record_new_document(by=legal, renewal=renewal, data={"issued_on": today()})
    response = signed_in(legal).get(reverse("residence:new_document", kwargs={"pk": renewal.pk}))
    assert response.status_code == 302
    assert response["Location"] == reverse("residence:detail", kwargs={"pk": new.pk})
    assert ResidenceDocument.objects.count() == 2


def test_a_new_document_issued_before_the_request_is_a_form_error(
    users: dict[Role, User], client_a: Client, signed_in: Any
) -> None:
    legal = users[Role.LEGAL]
    card = a_card(legal, client_a, expires_in=10)
    renewal = services.request_renewal(by=legal, document=card, data={"requested_on": days(-9)})
    response = signed_in(legal).post(
        reverse("residence:new_document", kwargs={"pk": renewal.pk}),
        {"document": DocumentType.A_CARD, "issued_on": f"{days(-20):%Y-%m-%d}", "work_access": ""},
    )
    assert response.status_code == 200
    assert "cannot be issued before the request was sent" in response.content.decode()
    assert ResidenceDocument.objects.count() == 1


def test_the_document_page_lists_its_renewals(
    users: dict[Role, User], client_a: Client, signed_in: Any
) -> None:
    legal = users[Role.LEGAL]
    card = a_card(legal, client_a, expires_in=10)
    services.request_renewal(by=legal, document=card, data={"requested_on": days(-9)})
    page = (
        signed_in(users[Role.PSYCHOSOCIAL])
        .get(reverse("residence:detail", kwargs={"pk": card.pk}))
        .content.decode()
    )
    assert page.count('data-testid="renewal"') == 1
    assert "/edit/" not in page  # read-only for a reader


def test_a_role_without_residence_write_cannot_request_a_renewal(
    users: dict[Role, User], client_a: Client, signed_in: Any
) -> None:
    card = a_card(users[Role.LEGAL], client_a, expires_in=10)
    response = signed_in(users[Role.PSYCHOSOCIAL]).post(
        reverse("residence:renew", kwargs={"pk": card.pk}),
        {"requested_on": f"{today():%Y-%m-%d}"},
    )
    assert response.status_code == 403
    assert not Renewal.objects.exists()


def test_only_clients_in_guidance_are_flagged_and_closing_or_reopening_guidance_follows(
    users: dict[Role, User], client_a: Client
) -> None:
    from haven.guidance import services as guidance
    from haven.guidance.models import Episode

    legal = users[Role.LEGAL]
    a_card(legal, client_a, expires_in=-3)
    client_a.refresh_from_db()
    assert client_a.residence_valid_until == days(-3)
    episode = Episode.objects.get(client=client_a, end_date__isnull=True)

    guidance.close_episode(by=legal, episode=episode, end_date=days(-1), end_reason="autonomy")
    client_a.refresh_from_db()
    assert client_a.residence_valid_until is None
    assert not is_expired(client_a, today())

    guidance.reopen_episode(by=legal, previous=episode, start_date=today())
    client_a.refresh_from_db()
    assert client_a.residence_valid_until == days(-3)
    assert is_expired(client_a, today())
