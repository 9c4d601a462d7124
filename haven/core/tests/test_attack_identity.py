"""A person's identity never leaks: every page as every role, with every log line and every
URL captured, shows a client's identity only where the permission table says it may."""

import datetime
import re
from typing import Any
from unittest import mock

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from haven.accounts.models import User
from haven.accounts.permissions import CENTRE_ROLES, Permission, Role, role_has
from haven.audit.models import AuditEntry
from haven.centres.models import Centre
from haven.clients.models import IDENTITY_FIELDS, Client
from haven.factories import ClientFactory
from haven.testing.attack import Site, access_of, body_of, captured_logs, log_text

# Distinctive identity values, and what of each would give it away on a page or in a log.
IDENTITY = {
    "legal_name": "Zqxwv Identitytest",
    "aliases": "Qqalias Aliastest",
    "documented_birth_date": datetime.date(1961, 2, 27),
    "phone": "+32 470 98 76 54",
    "address": "Adrestoken straat 99, 9999 Testdorp",
    "emergency_contact": "Ykkyk Emergencytest",
    "guardian": "Wvwvw Guardiantest",
    "medical_alerts": "Zqxallergy penicillin",
}
TELLS = {
    "legal_name": ["Zqxwv", "Identitytest"],
    "aliases": ["Qqalias", "Aliastest"],
    "documented_birth_date": ["1961"],
    "phone": ["98 76 54", "987654", "98%2076%2054"],
    "address": ["Adrestoken", "Testdorp"],
    "emergency_contact": ["Ykkyk", "Emergencytest"],
    "guardian": ["Wvwvw", "Guardiantest"],
    "medical_alerts": ["Zqxallergy"],
}
assert set(IDENTITY) == set(TELLS) == set(IDENTITY_FIELDS)

# The only pages that show identity, the fields each shows, and the permission that opens them.
SHOWS_IDENTITY: dict[str, tuple[Permission, set[str]]] = {
    "clients:detail": (Permission.CLIENT_IDENTITY_READ, set(IDENTITY_FIELDS)),
    "clients:identity": (Permission.CLIENT_IDENTITY_UPDATE, set(IDENTITY_FIELDS)),
    "clients:emergency_card": (
        Permission.EMERGENCY_CARD_READ,
        {"emergency_contact", "medical_alerts"},
    ),
}
# What an audit entry says in words (its digests are hashes of these).
READABLE_AUDIT_FIELDS = (
    "actor_name",
    "ip",
    "action",
    "object_type",
    "object_id",
    "object_label",
    "changes",
    "note",
)
URL_ATTRIBUTE = re.compile(r"""(?:href|src|action|formaction)\s*=\s*["']([^"']*)["']""", re.I)
ALL_ROLES = [*CENTRE_ROLES, Role.INSTALLATION_ADMIN]


def tells(text: str, fields: Any = IDENTITY_FIELDS) -> list[str]:
    lowered = text.lower()
    return [f"{f}:{t}" for f in fields for t in TELLS[f] if t.lower() in lowered]


def give_identity(centre: Centre) -> None:
    """Every client of the centre carries the identity values, assigned to every worker."""
    for client in Client.objects.filter(centre=centre):
        for name, value in IDENTITY.items():
            setattr(client, name, value)
        client.save()


@pytest.fixture
def site(centre_a: Centre, users: dict[Role, User], installation_admin: User) -> Site:
    site = Site(centre_a, users, installation_admin)
    site.urls
    give_identity(centre_a)
    return site


def allowed_fields(name: str, role: Role) -> set[str]:
    permission, fields = SHOWS_IDENTITY.get(name, (None, set()))
    if permission is None or not role_has(role, permission):
        return set()
    page_access = access_of(name)
    assert not isinstance(page_access, Permission) or role_has(role, page_access)
    return fields


@pytest.mark.parametrize("role", ALL_ROLES)
def test_identity_shows_only_on_the_identity_pages_and_never_in_urls_or_logs(
    role: Role, site: Site
) -> None:
    http = site.http(role)
    leaks = []
    with captured_logs() as records:
        for name, url in site.urls.items():
            response: Any = http.get(url)
            assert response.status_code < 500, f"{name}: {response.status_code}"
            body = body_of(response)
            forbidden = set(IDENTITY_FIELDS) - allowed_fields(name, role)
            if found := tells(body, forbidden):
                leaks.append(f"{name} ({response.status_code}) shows {found}")
            addresses = [response.get("Location", ""), *URL_ATTRIBUTE.findall(body)]
            if found := tells(" ".join(addresses)):
                leaks.append(f"{name}: a URL holds {found}")
    for log in records:
        if found := tells(log_text(log)):
            leaks.append(f"log {log.name}: {found}")
    assert leaks == []


def test_the_identity_pages_do_show_identity_to_those_who_may_see_it(site: Site) -> None:
    # Else the test above could pass by showing nothing at all.
    for name, (_permission, fields) in SHOWS_IDENTITY.items():
        body = site.http(Role.DIRECTOR).get(site.urls[name]).content.decode()
        assert {f.split(":")[0] for f in tells(body)} == fields, name


def test_identity_never_reaches_the_not_found_forbidden_and_error_pages(
    site: Site, centre_b: Centre, client_b: Client
) -> None:
    give_identity(centre_b)
    director = site.http(Role.DIRECTOR)
    other_centres = reverse("clients:detail", kwargs={"pk": client_b.pk})
    missing = reverse("clients:detail", kwargs={"pk": 999_999})
    forbidden = site.http(Role.VOLUNTEER).get(site.urls["clients:identity"])
    with captured_logs() as records:
        pages = [director.get(other_centres), director.get(missing), forbidden]
        with mock.patch("haven.core.home.build", side_effect=RuntimeError("boom")):
            broken = HttpClient(raise_request_exception=False)
            broken.cookies = director.cookies
            pages.append(broken.get(reverse("core:home")))
    assert [p.status_code for p in pages] == [404, 404, 403, 500]
    for page in pages:
        assert tells(page.content.decode()) == []
        assert "Traceback" not in page.content.decode()
    assert [tells(log_text(r)) for r in records if tells(log_text(r))] == []


def test_identity_never_reaches_the_audit_log_even_when_it_is_changed(
    site: Site, users: dict[Role, User]
) -> None:
    director = site.http(Role.DIRECTOR)
    client = ClientFactory(centre=site.centre, legal_name="Old Name", phone="")
    url = reverse("clients:identity", kwargs={"pk": client.pk})
    form = director.get(url).context["form"]
    data = {form.add_prefix(name): str(IDENTITY[name]) for name in form.fields}
    with captured_logs() as records:
        response = director.post(url, data)
    assert response.status_code == 302
    client.refresh_from_db()
    assert client.legal_name == IDENTITY["legal_name"]
    for name in site.urls:
        site.http(Role.DIRECTOR).get(site.urls[name])  # every page's access entries
    # The chain's hex digests are left out: "1961" turns up in a random hash now and then.
    entries = list(AuditEntry.objects.values(*READABLE_AUDIT_FIELDS))
    assert any(e["action"] == "update" and e["object_id"] == str(client.pk) for e in entries)
    assert [e for e in entries if tells(repr(e))] == []
    assert [log_text(r) for r in records if tells(log_text(r))] == []
