"""Browser fixtures for tests marked ``browser``: Debian's Chromium driven by Playwright.

Never `playwright install`: the system's /usr/bin/chromium is used, and tests are skipped
where it is missing (CI installs it).
"""

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
TIMEOUT_MS = 10_000


# --- browser fixtures ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def playwright() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(f"browser tests need Debian's Chromium at {CHROMIUM} (apt install chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread, which makes Django's
    # async-unsafe check refuse every ORM call made by the test (and by the database teardown).
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    manager = sync_playwright().start()
    try:
        yield manager
    finally:
        manager.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="module")
def browser(playwright: Any) -> Iterator[Any]:
    chromium = playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )
    try:
        yield chromium
    finally:
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh page in its own context (no cookies shared between tests), in English."""
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 800})
    context.set_default_timeout(TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def signed_in_page(browser: Any, live_server: Any, user: Any, *, phone: bool = False) -> Any:
    """A page in its own context whose session has passed both sign-in factors as ``user``,
    at desktop or phone size. Close it with ``page.context.close()``."""
    from django.test import Client as HttpClient

    from haven.conftest import sign_in

    session = sign_in(HttpClient(), user).cookies["sessionid"].value
    if phone:
        context = browser.new_context(
            locale="en-US", viewport=PHONE, is_mobile=True, has_touch=True
        )
    else:
        context = browser.new_context(locale="en-US", viewport=DESKTOP)
    context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
    context.set_default_timeout(TIMEOUT_MS)
    return context.new_page()
