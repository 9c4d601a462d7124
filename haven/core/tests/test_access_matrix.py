"""Every URL pattern × every role: allowed exactly as the permission table says.

A new view is covered by default: the test enumerates the URL resolver. A pattern with a
``pk`` needs an entry in OBJECTS naming the model it addresses, or this test fails.
"""

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from haven.accounts.access import Level, declared_access
from haven.accounts.models import User
from haven.accounts.permissions import CENTRE_ROLES, Permission, Role, role_has
from haven.centres.models import Centre
from haven.clients.models import Client
from haven.factories import (
    ClientFactory,
    IntakeFactory,
    NationalityFactory,
    ShiftFactory,
    UserFactory,
)

# Which object each namespace's ``pk`` addresses: a factory making one in a given centre.
OBJECTS: dict[str, Callable[[Centre], Any]] = {
    "clients": lambda centre: ClientFactory(centre=centre),
    "accounts": lambda centre: UserFactory(centre=centre, role=Role.VOLUNTEER),
    "centres": lambda centre: centre,
    "intake": lambda centre: IntakeFactory(centre=centre),
    "oncall": lambda centre: ShiftFactory(centre=centre),
    "reference": lambda centre: NationalityFactory(code="BO"),
    "guidance": lambda centre: _testing("guidance").make_episode(centre),
    "journal": lambda centre: _testing("journal").make_entry(centre),
    "appointments": lambda centre: _testing("appointments").make_appointment(centre),
    "plans": lambda centre: _testing("plans").make_goal(centre),
    "tasks": lambda centre: _testing("tasks").make_task(centre),
    "groups": lambda centre: _testing("groups").make_activity(centre),
    "partners": lambda centre: _testing("partners").make_partner(centre),
    "residence": lambda centre: _testing("residence").make_document(centre),
    "legal": lambda centre: _testing("legal").make_dossier(centre),
    "letters": lambda centre: ClientFactory(centre=centre),
    "shelter": lambda centre: _testing("shelter").make_room(centre),
    "deposits": lambda centre: _testing("deposits").make_loan(centre),
    "outreach": lambda centre: _testing("outreach").make_activity(centre),
}


def _testing(app: str) -> Any:
    """An app's own test helpers (haven/<app>/testing.py), each making one record in a centre."""
    import importlib

    return importlib.import_module(f"haven.{app}.testing")


# A URL whose pk addresses another model than its namespace's: by its full name. Each app
# lists its own in haven/<app>/testing.py as ``MATRIX_OBJECTS`` (name -> maker).
for _app in ("residence", "legal", "shelter", "deposits", "privacy"):
    OBJECTS.update(getattr(_testing(_app), "MATRIX_OBJECTS", {}))


# Namespaces whose objects belong to the whole installation, not to one centre.
INSTALLATION_WIDE = {"reference"}


def patterns(
    resolver: URLResolver | None = None, namespace: str = ""
) -> Iterator[tuple[str, URLPattern]]:
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            inner = (
                f"{namespace}:{entry.namespace}"
                if namespace and entry.namespace
                else (entry.namespace or namespace)
            )
            yield from patterns(entry, inner)
        elif entry.name:
            yield (f"{namespace}:{entry.name}" if namespace else entry.name), entry


ALL = sorted(patterns(), key=lambda item: item[0])
NAMES = [name for name, _pattern in ALL]


def url_for(name: str, pattern: URLPattern, centre: Centre) -> str:
    keys = list(pattern.pattern.converters)
    if not keys:
        return reverse(name)
    assert keys == ["pk"], f"{name}: teach this test the URL arguments {keys}"
    namespace = name.split(":")[0]
    maker = OBJECTS.get(name) or OBJECTS.get(namespace)
    assert maker is not None, f"{name}: add the model its pk addresses to OBJECTS"
    return reverse(name, kwargs={"pk": maker(centre).pk})


def is_login_redirect(response: Any) -> bool:
    return response.status_code == 302 and response["Location"].startswith(
        reverse("accounts:login")
    )


def test_every_view_declares_who_may_reach_it() -> None:
    undeclared = [name for name, pattern in ALL if declared_access(pattern.callback) is None]
    assert undeclared == []
    assert len(ALL) >= 15


@pytest.mark.parametrize("name", NAMES)
def test_anonymous_visitors_are_sent_to_sign_in_except_on_public_pages(
    name: str, client: Any, centre_a: Centre
) -> None:
    pattern = dict(ALL)[name]
    response = client.get(url_for(name, pattern, centre_a))
    if declared_access(pattern.callback) is Level.PUBLIC:
        assert not is_login_redirect(response)
        assert response.status_code in (200, 302, 405)
    else:
        assert is_login_redirect(response), f"{name} answered {response.status_code}"


@pytest.mark.parametrize("name", NAMES)
def test_each_role_is_allowed_or_refused_exactly_as_the_permission_table_says(
    name: str, users: dict[Role, User], centre_a: Centre, signed_in: Any
) -> None:
    pattern = dict(ALL)[name]
    access = declared_access(pattern.callback)
    url = url_for(name, pattern, centre_a)
    for role in CENTRE_ROLES:
        response = signed_in(users[role]).get(url)
        allowed = not isinstance(access, Permission) or role_has(role, access)
        if allowed:
            assert response.status_code in (200, 302, 405), (
                f"{role} on {name}: {response.status_code}"
            )
            assert not is_login_redirect(response)
        else:
            assert response.status_code == 403, f"{role} on {name}: {response.status_code}"


@pytest.mark.parametrize(
    "name",
    [n for n, p in ALL if p.pattern.converters and n.split(":")[0] not in INSTALLATION_WIDE],
)
def test_a_record_of_another_centre_answers_not_found(
    name: str, users: dict[Role, User], centre_b: Centre, signed_in: Any
) -> None:
    pattern = dict(ALL)[name]
    access = declared_access(pattern.callback)
    url = url_for(name, pattern, centre_b)
    allowed = [r for r in CENTRE_ROLES if not isinstance(access, Permission) or role_has(r, access)]
    assert allowed, f"no centre role may use {name}: the 404 rule cannot be shown for it"
    for role in allowed:
        response = signed_in(users[role]).get(url)
        assert response.status_code in (404, 405), f"{role} on {name}: {response.status_code}"


def test_the_installation_administrator_adds_centres_but_reads_no_case_file(
    installation_admin: User, client_a: Client, signed_in: Any
) -> None:
    http = signed_in(installation_admin)
    assert http.get(reverse("centres:create")).status_code == 200
    assert http.get(reverse("clients:detail", kwargs={"pk": client_a.pk})).status_code == 403
    assert http.get(reverse("audit:search")).status_code == 403
