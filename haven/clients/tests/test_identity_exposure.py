"""Identity values never reach a role without clients:identity:read: not in the list, the
search results, the file or the duplicates check. And the list costs the same few queries
whatever the page size."""

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from haven.accounts.models import User
from haven.accounts.permissions import CENTRE_ROLES, Permission, Role, role_has
from haven.clients.models import Client
from haven.factories import ClientFactory
from haven.reference.models import Nationality

SECRETS = {
    "legal_name": "Zerihun Fictivo",
    "address": "Verborgenlaan 99, 9000 Gent",
    "phone": "+32 470 12 34 56",
    "guardian": "Voogd Heleen Fictief",
}
WITHOUT_IDENTITY = [r for r in CENTRE_ROLES if not role_has(r, Permission.CLIENT_IDENTITY_READ)]


@pytest.fixture
def secretive(register: Callable[..., Client]) -> Client:
    return register(pseudonym="Cedar", birth_year=2010, unaccompanied=True, **SECRETS)


def pages_seen_by(http: Any, client: Client) -> dict[str, bytes]:
    detail = reverse("clients:detail", kwargs={"pk": client.pk})
    probe = {"id-legal_name": SECRETS["legal_name"], "pseudonym": "x", "gender": "F"}
    return {
        "list": http.get(reverse("clients:list")).content,
        "search by pseudonym": http.get(reverse("clients:list"), {"q": "Cedar"}).content,
        "search by name": http.get(reverse("clients:list"), {"q": "Zerihun"}).content,
        "file": http.get(detail).content,
        "duplicates": http.get(reverse("clients:duplicates")).content,
        "duplicates search": http.post(reverse("clients:duplicates"), probe).content,
    }


@pytest.mark.parametrize("role", WITHOUT_IDENTITY)
def test_a_role_without_identity_rights_never_sees_an_identity_value(
    role: Role, secretive: Client, signed_in: Any, users: dict[Role, User]
) -> None:
    for page, content in pages_seen_by(signed_in(users[role]), secretive).items():
        for field, secret in SECRETS.items():
            assert secret.encode() not in content, f"{role}: {field} on {page}"


def test_night_staff_do_see_the_pseudonymous_file(
    secretive: Client, signed_in: Any, users: dict[Role, User]
) -> None:
    seen = pages_seen_by(signed_in(users[Role.NIGHT_STAFF]), secretive)
    assert b"Cedar" in seen["list"] and b"Cedar" in seen["search by pseudonym"]
    assert b"Cedar" not in seen["search by name"]  # identity is never searched
    assert b"Unaccompanied minor" in seen["file"]


def test_the_director_sees_the_identity_on_the_file_but_never_in_lists(
    secretive: Client, signed_in: Any, users: dict[Role, User]
) -> None:
    seen = pages_seen_by(signed_in(users[Role.DIRECTOR]), secretive)
    for secret in SECRETS.values():
        assert secret.encode() in seen["file"]
        for page in ("list", "search by pseudonym", "duplicates search"):
            assert secret.encode() not in seen[page]


def list_queries(http: Any) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = http.get(reverse("clients:list"))
    assert response.status_code == 200
    return len(queries)


def test_the_client_list_costs_the_same_queries_for_5_or_50_clients(
    centre_a: Any, signed_in: Any, users: dict[Role, User]
) -> None:
    http = signed_in(users[Role.PSYCHOSOCIAL])
    nationalities = list(Nationality.objects.filter(code__in=["RO", "NG", "ER", "AL", "VN"]))

    def add(count: int) -> None:
        for n in range(count):
            ClientFactory(centre=centre_a, nationality=nationalities[n % len(nationalities)])

    add(5)
    few = list_queries(http)
    add(45)
    many = list_queries(http)
    assert few == many
    assert Client.objects.values("nationality").distinct().count() == 5
    assert Client.objects.for_centre(centre_a).count() == 50
