"""Every page a role can open passes axe-core's WCAG 2 A/AA rules (serious and critical ones).

axe-core (MPL-2.0) is vendored under tests/vendor and injected into the page by the test only;
Haven never serves it; the test context bypasses the Content-Security-Policy to inject it.
"""

from pathlib import Path
from typing import Any

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from haven.accounts.access import Level, declared_access
from haven.accounts.permissions import Permission, Role, role_has
from haven.conftest import sign_in
from haven.core.tests.test_access_matrix import ALL, url_for
from haven.factories import CentreFactory, UserFactory

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parent / "vendor" / "axe-4.14.1.min.js"
ROLES = (Role.DIRECTOR, Role.NIGHT_STAFF, Role.SYSADMIN)
SKIPPED = {"accounts:logout", "core:set_language"}  # POST-only


def pages_for(role: Role) -> list[str]:
    names = []
    for name, pattern in ALL:
        access = declared_access(pattern.callback)
        if name in SKIPPED or access in (Level.PUBLIC, Level.PASSWORD_ONLY):
            continue
        if isinstance(access, Permission) and not role_has(role, access):
            continue
        names.append(name)
    return names


def audit(page: Any) -> list[dict[str, Any]]:
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "() => axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']}})"
    )
    return [v for v in result["violations"] if v["impact"] in ("serious", "critical")]


def test_every_page_meets_wcag_aa_for_the_roles_that_open_it(
    browser: Any, live_server: Any, transactional_db: Any
) -> None:
    centre = CentreFactory(code="AXE", name="Accessible centre")
    problems: list[str] = []
    for role in ROLES:
        user = UserFactory(centre=centre, role=role, username=f"axe-{role.value}")
        http = sign_in(HttpClient(), user)
        context = browser.new_context(locale="en-US", bypass_csp=True)
        context.add_cookies(
            [
                {
                    "name": "sessionid",
                    "value": http.cookies["sessionid"].value,
                    "url": live_server.url,
                }
            ]
        )
        page = context.new_page()
        for name in pages_for(role):
            url = url_for(name, dict(ALL)[name], centre)
            response = http.get(url)
            if response.status_code != 200 or "text/html" not in response["Content-Type"]:
                continue  # POST-only actions, redirects, downloads
            page.goto(live_server.url + url)
            problems += [
                f"{role.value} {name}: {v['id']} ({v['impact']}): {v['nodes'][0]['target']}"
                for v in audit(page)
            ]
        context.close()
    assert problems == []


def test_the_sign_in_page_meets_wcag_aa(browser: Any, live_server: Any) -> None:
    context = browser.new_context(locale="en-US", bypass_csp=True)
    page = context.new_page()
    page.goto(live_server.url + reverse("accounts:login"))
    violations = audit(page)
    context.close()
    assert [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations] == []
