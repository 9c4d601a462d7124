"""The legal worker's journey of issue 5, in a real browser: an A card expiring in 20 days is
registered, shows on the deadlines page and the desk; the renewal request and the new card are
recorded, and the warning goes away everywhere."""

import datetime
import re
from typing import Any

import pytest
from django.utils import timezone

from haven.accounts.permissions import Role
from haven.factories import CentreFactory, ClientFactory, UserFactory
from haven.residence.models import DocumentType, Renewal, ResidenceDocument
from haven.residence.testing import put_in_guidance
from haven.testing.browser import signed_in_page

pytestmark = pytest.mark.browser


def test_a_legal_worker_renews_an_expiring_a_card_and_the_warning_goes_away(
    browser: Any, live_server: Any, transactional_db: Any
) -> None:
    from playwright.sync_api import expect

    centre = CentreFactory(code="LGL", name="Legal centre")
    worker = UserFactory(centre=centre, role=Role.LEGAL, username="legal")
    client = ClientFactory(centre=centre, pseudonym="Lotus")
    client.workers.add(worker)
    put_in_guidance(client)
    today = timezone.localdate()
    expires = today + datetime.timedelta(days=20)

    page = signed_in_page(browser, live_server, worker)
    page.goto(f"{live_server.url}/clients/{client.pk}/")
    page.get_by_role("link", name="Residence documents").click()
    page.get_by_role("link", name="Register a document").click()
    page.locator("#id_document").select_option(DocumentType.A_CARD.value)
    page.locator("#id_issued_on").fill((expires - datetime.timedelta(days=183)).isoformat())
    page.locator("#id_valid_until").fill(expires.isoformat())
    page.get_by_role("button", name="Save").click()
    expect(page.locator("main")).to_contain_text("Document expires")

    # The deadlines page, through the menu.
    page.get_by_role("button", name="Legal & administrative").click()
    page.get_by_role("link", name="Deadlines").click()
    expiring = page.get_by_test_id("deadlines-expiring")
    expect(expiring.get_by_test_id("expiring-row")).to_have_count(1)
    expect(expiring).to_contain_text(client.file_code)
    expect(expiring).to_contain_text("20")

    # The desk.
    page.get_by_role("link", name="Home").click()
    desk = page.get_by_test_id("desk-residence")
    expect(desk).to_contain_text(client.file_code)

    # The renewal request, then the new card.
    desk.get_by_role("link", name=client.file_code).click()
    expect(page).to_have_url(re.compile(rf"/residence/client/{client.pk}/$"))
    page.get_by_role("link", name="Request a renewal").first.click()
    page.locator("#id_requested_on").fill(today.isoformat())
    page.get_by_role("button", name="Save").click()
    assert Renewal.objects.filter(document__client=client, decision="pending").count() == 1
    page.goto(f"{live_server.url}/residence/client/{client.pk}/")
    page.get_by_role("link", name="Record the new document").click()
    page.locator("#id_issued_on").fill(today.isoformat())
    page.locator("#id_valid_until").fill("")
    page.get_by_role("button", name="Save").click()

    new_card = ResidenceDocument.objects.filter(client=client).order_by("-issued_on", "-id")[0]
    assert new_card.document == DocumentType.A_CARD
    assert new_card.valid_until is not None and new_card.valid_until > expires
    page.goto(f"{live_server.url}/residence/deadlines/")
    expect(page.get_by_test_id("expiring-row")).to_have_count(0)
    expect(page.get_by_test_id("overdue-row")).to_have_count(0)
    page.goto(f"{live_server.url}/")
    expect(page.get_by_test_id("desk-residence")).not_to_contain_text(client.file_code)
    page.goto(f"{live_server.url}/clients/{client.pk}/")
    expect(page.locator("h1")).not_to_contain_text("Document expires")
    page.context.close()
