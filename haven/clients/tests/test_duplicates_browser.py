"""In a real browser, similar files appear while the worker fills in the new-client form."""

from typing import Any

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from haven.accounts.permissions import Role
from haven.clients import services
from haven.conftest import sign_in
from haven.factories import CentreFactory, UserFactory

pytestmark = pytest.mark.browser


def test_similar_files_appear_while_the_worker_types_a_name(
    browser: Any, live_server: Any, transactional_db: Any
) -> None:
    from playwright.sync_api import expect

    centre = CentreFactory(code="DUP", name="Duplicate centre")
    worker = UserFactory(centre=centre, role=Role.PSYCHOSOCIAL, username="dup-worker")
    fatima = services.create_client(
        by=worker,
        centre=centre,
        data={"pseudonym": "Saffron", "legal_name": "Fatima El Amrani", "birth_year": 1990},
    )
    http = sign_in(HttpClient(), worker)
    context = browser.new_context(locale="en-US")
    context.add_cookies(
        [{"name": "sessionid", "value": http.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.goto(live_server.url + reverse("clients:create"))
    page.fill("#id_pseudonym", "Juniper")
    page.fill("#id_birth_year", "1990")
    page.fill("#id_id-legal_name", "Fatma Elamrani")
    page.press("#id_id-legal_name", "Tab")
    duplicates = page.locator("#duplicates")
    expect(duplicates).to_contain_text(fatima.file_code)
    expect(duplicates).to_contain_text("Saffron")
    expect(duplicates).not_to_contain_text("Fatima El Amrani")
    page.get_by_role("button", name="Create a new file anyway").click()
    expect(page.locator("h1")).to_contain_text("Juniper")
    context.close()
