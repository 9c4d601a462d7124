"""The residence panel and timeline items of the client overview, and the expiry flag beside
the client in the lists (no query per row)."""

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from haven.accounts.models import User
from haven.accounts.permissions import Role
from haven.centres.models import Centre
from haven.clients.models import Client
from haven.factories import ClientFactory, IntakeFactory, NationalityFactory
from haven.guidance.models import Episode
from haven.residence import services
from haven.residence.models import Decision, DocumentType, RegularisationBasis
from haven.residence.testing import put_in_guidance

pytestmark = pytest.mark.django_db


def today() -> datetime.date:
    return timezone.localdate()


def days(n: int) -> datetime.date:
    return today() + datetime.timedelta(days=n)


def overview(http: Any, client: Client) -> str:
    response = http.get(reverse("clients:detail", kwargs={"pk": client.pk}))
    assert response.status_code == 200
    return response.content.decode()


def panel(page: str) -> str:
    """The residence panel of an overview page ('' when there is none)."""
    start = page.find('aria-labelledby="h-residence"')
    if start == -1:
        return ""
    return page[start : page.index("</section>", start)]


def a_card(by: User, client: Client, *, expires_in: int) -> Any:
    put_in_guidance(client)
    return services.register_document(
        by=by,
        client=client,
        data={
            "document": DocumentType.A_CARD,
            "issued_on": days(expires_in - 180),
            "valid_until": days(expires_in),
        },
    )


def test_the_panel_shows_the_stage_the_current_document_and_an_amber_validity(
    users: dict[Role, User], client_a: Client, signed_in: Any
) -> None:
    legal = users[Role.LEGAL]
    services.register_document(
        by=legal, client=client_a, data={"document": DocumentType.AI, "issued_on": days(-300)}
    )
    a_card(legal, client_a, expires_in=20)
    shown = panel(overview(signed_in(legal), client_a))
    assert "Temporary stay" in shown and "A card (temporary stay)" in shown
    assert "text-warning-emphasis" in shown and "expires soon" in shown
    assert "text-danger" not in shown
    assert reverse("residence:client", kwargs={"pk": client_a.pk}) in shown


def test_the_panel_shows_red_when_expired_without_renewal_and_then_the_pending_renewal(
    users: dict[Role, User], client_a: Client, signed_in: Any
) -> None:
    legal = users[Role.LEGAL]
    http = signed_in(legal)
    card = a_card(legal, client_a, expires_in=-2)
    shown = panel(overview(http, client_a))
    assert "text-danger" in shown and "expired, no renewal requested" in shown
    services.request_renewal(by=legal, document=card, data={"requested_on": days(-20)})
    shown = panel(overview(http, client_a))
    assert "text-danger" not in shown and "text-warning-emphasis" not in shown
    assert "decision pending" in shown


def test_the_panel_says_when_the_procedure_stopped(
    users: dict[Role, User], client_a: Client, signed_in: Any
) -> None:
    legal = users[Role.LEGAL]
    card = a_card(legal, client_a, expires_in=5)
    renewal = services.request_renewal(by=legal, document=card, data={"requested_on": days(-9)})
    services.update_renewal(
        by=legal, renewal=renewal, data={"decision": Decision.REFUSED, "decided_on": days(-1)}
    )
    assert "Procedure stopped" in panel(overview(signed_in(legal), client_a))


def test_no_panel_and_no_residence_items_for_a_role_without_residence_read(
    users: dict[Role, User], client_a: Client, signed_in: Any
) -> None:
    a_card(users[Role.LEGAL], client_a, expires_in=5)
    page = overview(signed_in(users[Role.ADMIN_FINANCE]), client_a)
    assert panel(page) == ""
    assert "Document issued" not in page and "/residence/" not in page
    assert "Document issued" in overview(signed_in(users[Role.PSYCHOSOCIAL]), client_a)


def test_the_timeline_shows_documents_renewals_regularisation_and_return(
    users: dict[Role, User], client_a: Client, signed_in: Any
) -> None:
    legal = users[Role.LEGAL]
    NationalityFactory(code="NG", name_en="Nigeria")
    card = a_card(legal, client_a, expires_in=5)
    renewal = services.request_renewal(by=legal, document=card, data={"requested_on": days(-9)})
    services.update_renewal(
        by=legal, renewal=renewal, data={"decision": Decision.REFUSED, "decided_on": days(-2)}
    )
    services.record_regularisation(
        by=legal,
        client=client_a,
        data={"basis": RegularisationBasis.HUMANITARIAN, "decided_on": days(-1)},
    )
    services.record_return(
        by=legal,
        client=client_a,
        data={"returned_on": days(0), "country": NationalityFactory(code="NG")},
    )
    page = overview(signed_in(legal), client_a)
    for label in (
        "Document issued: A card (temporary stay)",
        "Renewal requested: A card (temporary stay)",
        "Renewal refused: A card (temporary stay)",
        "Stay regularised: Humanitarian grounds",
        "Voluntary return to Nigeria",
    ):
        assert label in page
    assert reverse("residence:detail", kwargs={"pk": card.pk}) in page


def test_the_overview_costs_the_same_queries_for_few_or_many_residence_records(
    users: dict[Role, User], client_a: Client, signed_in: Any
) -> None:
    legal = users[Role.LEGAL]
    http = signed_in(legal)

    def add(n: int) -> None:
        for _i in range(n):
            card = a_card(legal, client_a, expires_in=10)
            renewal = services.request_renewal(
                by=legal, document=card, data={"requested_on": days(-1)}
            )
            services.record_new_document(by=legal, renewal=renewal, data={"issued_on": days(0)})
            services.record_regularisation(
                by=legal,
                client=client_a,
                data={"basis": RegularisationBasis.OTHER, "decided_on": days(-1)},
            )

    add(1)
    overview(http, client_a)
    with CaptureQueriesContext(connection) as few:
        overview(http, client_a)
    add(6)
    with CaptureQueriesContext(connection) as many:
        page = overview(http, client_a)
    assert page.count("Document issued") == 14
    assert len(many) == len(few)


def test_the_residence_page_costs_the_same_queries_for_few_or_many_documents(
    users: dict[Role, User], client_a: Client, signed_in: Any
) -> None:
    legal = users[Role.LEGAL]
    http = signed_in(legal)
    url = reverse("residence:client", kwargs={"pk": client_a.pk})

    def add(n: int) -> None:
        for _i in range(n):
            card = a_card(legal, client_a, expires_in=10)
            renewal = services.request_renewal(
                by=legal, document=card, data={"requested_on": days(-1)}
            )
            services.record_new_document(by=legal, renewal=renewal, data={"issued_on": days(0)})

    add(1)
    http.get(url)
    with CaptureQueriesContext(connection) as few:
        http.get(url)
    add(5)
    with CaptureQueriesContext(connection) as many:
        page = http.get(url).content.decode()
    assert page.count('data-testid="document"') == 12
    assert len(many) == len(few)


def test_the_flag_shows_in_the_client_list_without_a_query_per_row(
    users: dict[Role, User], centre_a: Centre, signed_in: Any
) -> None:
    legal = users[Role.LEGAL]
    http = signed_in(legal)

    def listed() -> tuple[str, int]:
        with CaptureQueriesContext(connection) as queries:
            page = http.get(reverse("clients:list")).content.decode()
        return page, len(queries)

    a_card(legal, ClientFactory(centre=centre_a), expires_in=-1)
    a_card(legal, ClientFactory(centre=centre_a), expires_in=12)
    page, few = listed()
    assert page.count("Document expired") == 1 and page.count("Document expires") == 1
    for _i in range(6):
        a_card(legal, ClientFactory(centre=centre_a), expires_in=-1)
    page, many = listed()
    assert page.count("Document expired") == 7
    assert many == few


def test_the_flag_shows_on_the_overview_the_guidance_list_and_the_intake_queue(
    users: dict[Role, User], client_a: Client, signed_in: Any
) -> None:
    legal = users[Role.LEGAL]
    a_card(legal, client_a, expires_in=-4)
    Episode.objects.create(
        centre=client_a.centre, client=client_a, start_date=days(-100), created_by=legal
    )
    IntakeFactory(centre=client_a.centre, client=client_a)
    http = signed_in(users[Role.DIRECTOR])
    header = overview(http, client_a).split("</h1>")[0]
    assert "Document expired" in header
    assert "Document expired" in http.get(reverse("guidance:list")).content.decode()
    assert "Document expired" in http.get(reverse("intake:queue")).content.decode()
