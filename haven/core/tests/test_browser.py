"""A worker's journey through a real browser: password, TOTP code, language, sign-out.

Drives Debian's Chromium (``/usr/bin/chromium``) through Playwright against pytest-django's
live server. Skipped where that Chromium is not installed; CI installs it.
"""

import re
from typing import Any

import pytest
from django.utils import translation
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from haven.accounts.models import User
from haven.accounts.permissions import Role
from haven.factories import CentreFactory, UserFactory

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"


# --- helpers ---------------------------------------------------------------------------------


@pytest.fixture
def worker(transactional_db: Any) -> User:
    centre = CentreFactory(code="BRW", name="Browser centre")
    return UserFactory(centre=centre, role=Role.PSYCHOSOCIAL, username="browser-worker")


def device_of(user: User) -> TOTPDevice:
    return TOTPDevice.objects.get(user=user, confirmed=True)


def code_at(device: TOTPDevice, drift: int) -> str:
    """The code the device shows ``drift`` steps from now, zero-padded as the app shows it."""
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=drift)
    return f"{code:0{device.digits}d}"


def current_code(device: TOTPDevice) -> str:
    return code_at(device, device.drift)


def codes_around_now(device: TOTPDevice, steps: int) -> set[str]:
    """The codes the device shows from ``steps`` steps ago to ``steps`` steps ahead."""
    return {code_at(device, d) for d in range(device.drift - steps, device.drift + steps + 1)}


def translated(language: str, text: str) -> str:
    """``text`` as the server shows it in ``language`` (itself while no catalogue is compiled)."""
    with translation.override(language):
        return translation.gettext(text)


def sign_in_with_password(page: Any, base_url: str, user: User) -> None:
    from playwright.sync_api import expect

    page.goto(f"{base_url}/login/")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/login/verify/$"))
    expect(page.locator("#id_code")).to_be_visible()


def switch_language(page: Any, language: str) -> None:
    """Choose a language in the header; haven.js submits on change, else press "Switch"."""
    from playwright.sync_api import expect

    html = page.locator("html")
    page.locator("#language-select").select_option(language)
    try:
        expect(html).to_have_attribute("lang", language, timeout=3_000)
    except AssertionError:  # no script: the form's own button does it
        page.locator("form:has(#language-select) button[type=submit]").click()
        expect(html).to_have_attribute("lang", language)
    expect(page.locator("#language-select")).to_have_value(language)


# --- the journeys ----------------------------------------------------------------------------


def test_a_worker_signs_in_with_a_totp_code_switches_to_french_and_dutch_and_signs_out(
    live_server: Any, page: Any, worker: User
) -> None:
    from playwright.sync_api import expect

    documents: list[Any] = []  # every page the browser loaded, for its response headers

    def keep_document(response: Any) -> None:
        if response.request.resource_type == "document":
            documents.append(response)

    page.on("response", keep_document)

    sign_in_with_password(page, live_server.url, worker)
    page.locator("#id_code").fill(current_code(device_of(worker)))
    page.locator("main form button[type=submit]").click()

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    clients_link = page.locator("#nav-main a.nav-link[href='/clients/']")
    expect(clients_link).to_have_text("Clients")
    expect(page.get_by_role("link", name="Users")).to_have_count(0)  # not for this role
    expect(page.get_by_test_id("logout")).to_be_visible()

    switch_language(page, "fr")
    expect(page).to_have_url(f"{live_server.url}/")
    assert documents[-1].headers.get("content-language") == "fr"
    assert User.objects.get(pk=worker.pk).language == "fr"
    expect(clients_link).to_have_text(translated("fr", "Clients"))  # still signed in, home
    expect(page.get_by_test_id("logout")).to_have_text(translated("fr", "Sign out"))

    switch_language(page, "nl")
    expect(page).to_have_url(f"{live_server.url}/")
    assert documents[-1].headers.get("content-language") == "nl"
    assert User.objects.get(pk=worker.pk).language == "nl"
    expect(clients_link).to_have_text(translated("nl", "Clients"))
    expect(page.get_by_test_id("logout")).to_have_text(translated("nl", "Sign out"))

    page.get_by_test_id("logout").click()
    expect(page).to_have_url(f"{live_server.url}/login/")
    expect(page.locator("#id_username")).to_be_visible()
    expect(page.get_by_test_id("logout")).to_have_count(0)
    expect(page.locator("html")).to_have_attribute("lang", "nl")  # the language cookie stays

    page.goto(f"{live_server.url}/")  # the session is really gone
    expect(page).to_have_url(re.compile(r"/login/\?next=(/|%2F)$"))


def test_a_wrong_totp_code_shows_an_error_and_does_not_sign_the_worker_in(
    live_server: Any, page: Any, worker: User
) -> None:
    from playwright.sync_api import expect

    device = device_of(worker)
    accepted = codes_around_now(device, steps=3)  # every code the tolerance could accept
    wrong = next(f"{n:06d}" for n in range(0, 1_000_000, 111_111) if f"{n:06d}" not in accepted)

    sign_in_with_password(page, live_server.url, worker)
    page.locator("#id_code").fill(wrong)
    page.locator("main form button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"/login/verify/$"))
    expect(page.locator("#id_code_error")).to_contain_text("This code is not right")
    expect(page.locator("#nav-main")).to_have_count(0)
    expect(page.get_by_test_id("logout")).to_have_count(0)

    page.goto(f"{live_server.url}/")  # a password alone does not reach home
    expect(page).to_have_url(re.compile(r"/login/verify/$"))
