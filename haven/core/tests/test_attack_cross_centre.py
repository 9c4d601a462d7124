"""What test_access_matrix leaves out: a POST to another centre's record (its GET test accepts
405 for POST-only views), the installation administrator on every page, and another centre's
text never showing on any page of one's own centre."""

from typing import Any

import pytest

from haven.accounts.models import User
from haven.accounts.permissions import CENTRE_ROLES, Permission, Role, role_has
from haven.centres.models import Centre
from haven.core.tests.test_access_matrix import INSTALLATION_WIDE, is_login_redirect
from haven.factories import UserFactory
from haven.testing.attack import (
    PATTERNS,
    Site,
    access_of,
    allowed_roles,
    body_of,
    changed,
    fingerprint,
    write_everywhere,
)

MARK = "Bleakmark"


def centre_scoped(name: str) -> bool:
    return bool(PATTERNS[name].pattern.converters) and name.split(":")[0] not in INSTALLATION_WIDE


@pytest.fixture
def other_site(centre_b: Centre, users: dict[Role, User]) -> Site:
    """Centre B's records behind every URL, visited by centre A's users."""
    return Site(centre_b, users)


def test_a_post_to_another_centres_record_answers_not_found_and_changes_nothing(
    other_site: Site,
) -> None:
    targets = [(n, u) for n, u in other_site.urls.items() if centre_scoped(n)]
    roles = {role for name, _url in targets for role in allowed_roles(name)} & set(CENTRE_ROLES)
    for role in roles:
        other_site.http(role)
    before = fingerprint()
    answered = []
    for name, url in targets:
        for role in allowed_roles(name):
            if role not in CENTRE_ROLES:
                continue
            status = other_site.http(role).post(url, {"reason": "x", "confirm": "1"}).status_code
            if status not in (404, 405):  # 405: a view without POST, before any lookup
                answered.append(f"{role} POST {name}: {status}")
    assert answered == []
    assert changed(before, fingerprint()) == []


def test_the_installation_administrator_is_refused_every_page_their_role_lacks(
    centre_a: Centre, users: dict[Role, User], installation_admin: User
) -> None:
    site = Site(centre_a, users, installation_admin)
    http = site.http(Role.INSTALLATION_ADMIN)
    wrong = []
    for name, url in site.urls.items():
        access = access_of(name)
        response = http.get(url)
        if isinstance(access, Permission) and not role_has(Role.INSTALLATION_ADMIN, access):
            if response.status_code != 403:
                wrong.append(f"{name}: {response.status_code}")
        elif response.status_code >= 400 and response.status_code != 405:
            wrong.append(f"{name}: {response.status_code} although allowed")
        elif is_login_redirect(response):
            wrong.append(f"{name}: sent to sign in")
    assert wrong == []


def test_no_page_of_ones_own_centre_shows_another_centres_text(
    centre_a: Centre, users: dict[Role, User], other_site: Site
) -> None:
    other_site.urls
    UserFactory(centre=other_site.centre, role=Role.DIRECTOR, username="b-director")
    own = Site(centre_a, users)
    own.urls
    assert write_everywhere(MARK, centre=other_site.centre) > 20
    # The home's figures name every centre by design (counts, small cells suppressed).
    Centre.objects.filter(pk=other_site.centre.pk).update(name="Centre B")
    shown = []
    clients: dict[Role, Any] = {}
    for name, url, role in own.visits():
        if role not in CENTRE_ROLES:
            continue
        clients.setdefault(role, own.http(role))
        response = clients[role].get(url)
        if MARK.lower() in body_of(response).lower():
            shown.append(f"{name} as {role}")
    assert shown == []
