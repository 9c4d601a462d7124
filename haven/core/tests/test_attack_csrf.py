"""Cross-site request forgery: no page changes anything on a POST without the form's token,
and no GET changes anything at all. Generated from the URL patterns (test_access_matrix)."""

import logging

import pytest
from django.test import Client as HttpClient

from haven.accounts.access import Level
from haven.accounts.models import User
from haven.accounts.permissions import Role
from haven.centres.models import Centre
from haven.factories import UserFactory
from haven.testing.attack import (
    Site,
    access_of,
    captured_logs,
    changed,
    fingerprint,
    is_password_only,
    password_only_client,
    visitor_role,
)


@pytest.fixture
def site(centre_a: Centre, users: dict[Role, User], installation_admin: User) -> Site:
    return Site(centre_a, users, installation_admin)


def _refused_for_csrf(records: list[logging.LogRecord], path: str) -> bool:
    return any(
        r.name == "django.security.csrf" and r.levelno >= logging.WARNING and path in r.getMessage()
        for r in records
    )


def test_every_view_refuses_a_post_without_the_csrf_token(site: Site) -> None:
    visits = list(site.visits())
    clients: dict[str, HttpClient] = {}
    for name, _url, role in visits:
        if is_password_only(name):
            clients[name] = password_only_client(site.users[role], csrf=True)
        else:
            clients[name] = site.http(role, csrf=True)
    before = fingerprint()
    accepted = []
    with captured_logs() as records:
        for name, url, role in visits:
            response = clients[name].post(url, {"confirm": "1", "reason": "forged"})
            if response.status_code != 403 or not _refused_for_csrf(records, url):
                accepted.append(f"{name} as {role}: {response.status_code}")
    assert accepted == []
    assert changed(before, fingerprint()) == []


@pytest.mark.parametrize("name", ["accounts:login", "core:set_language"])
def test_public_forms_refuse_an_anonymous_post_without_the_csrf_token(
    name: str, site: Site, users: dict[Role, User]
) -> None:
    assert access_of(name) is Level.PUBLIC
    http = HttpClient(enforce_csrf_checks=True)
    data = {"username": users[Role.DIRECTOR].username, "password": "correct horse battery"}
    with captured_logs() as records:
        response = http.post(site.urls[name], {**data, "language": "fr"})
    assert response.status_code == 403
    assert _refused_for_csrf(records, site.urls[name])
    assert "_auth_user_id" not in http.session


def test_a_post_with_the_token_is_not_refused_so_the_refusals_above_are_the_tokens(
    site: Site,
) -> None:
    http = site.http(Role.DIRECTOR, csrf=True)
    page = http.get(site.urls["clients:create"])
    token = page.cookies["csrftoken"].value
    response = http.post(site.urls["clients:create"], {"csrfmiddlewaretoken": token})
    assert response.status_code == 200  # the form again, with its errors


# Pages whose GET writes a row by design, and the only table it may write.
GET_WRITES = {
    # The enrolment page keeps the new authenticator's secret (unconfirmed) between the QR
    # code it shows and the code typed back (visited by a user still without one).
    "accounts:enrol": {"otp_totp.totpdevice"},
}


def test_no_get_or_options_request_of_any_page_changes_the_records(site: Site) -> None:
    visits = list(site.visits())
    for _name, _url, role in visits:
        site.http(role)  # signing in touches the user's row: before the fingerprint
    newcomer = UserFactory(centre=site.centre, username="newcomer", without_2fa=True)
    writers = {
        name: password_only_client(newcomer)
        if is_password_only(name)
        else site.http(visitor_role(name) or Role.DIRECTOR)
        for name in GET_WRITES
        if name in site.urls
    }
    before = fingerprint()
    failures = []
    for name, url, role in visits:
        if name in GET_WRITES:
            continue
        for method in ("get", "options"):
            status = getattr(site.http(role), method)(url).status_code
            if status >= 500:
                failures.append(f"{method} {name}: {status}")
    assert failures == []
    assert changed(before, fingerprint()) == []
    for name, http in writers.items():
        before = fingerprint()
        assert http.get(site.urls[name]).status_code == 200
        assert set(changed(before, fingerprint())) <= GET_WRITES[name]
