from typing import Any

from django.test import Client as HttpClient
from django.urls import reverse

from haven.accounts.models import User
from haven.accounts.permissions import Role


def test_a_flood_of_sign_in_attempts_from_one_address_is_answered_429(
    client: Any, settings: Any, db: Any
) -> None:
    settings.RATE_LIMIT_PER_MINUTE = 3
    statuses = [
        client.post(reverse("accounts:login"), {"username": f"u{i}", "password": "x"}).status_code
        for i in range(5)
    ]
    assert statuses == [200, 200, 200, 429, 429]
    response = client.post(reverse("accounts:login"), {"username": "u9", "password": "x"})
    assert response["Retry-After"] == "60"
    assert b"Too many attempts" in response.content


def test_another_address_still_gets_through(client: Any, settings: Any, db: Any) -> None:
    settings.RATE_LIMIT_PER_MINUTE = 1
    client.post(reverse("accounts:login"), {"username": "a", "password": "x"})
    assert (
        client.post(reverse("accounts:login"), {"username": "a", "password": "x"}).status_code
        == 429
    )
    other = HttpClient(REMOTE_ADDR="192.0.2.7")
    assert (
        other.post(reverse("accounts:login"), {"username": "a", "password": "x"}).status_code == 200
    )


def test_the_second_factor_step_is_limited_too(users: dict[Role, User], settings: Any) -> None:
    settings.RATE_LIMIT_PER_MINUTE = 2
    settings.AXES_FAILURE_LIMIT = 100  # the per-session wrong-code limit is not what is tested
    http = HttpClient()
    http.force_login(users[Role.PSYCHOSOCIAL])
    statuses = [
        http.post(reverse("accounts:verify"), {"code": "000000"}).status_code for _ in range(3)
    ]
    assert statuses == [200, 200, 429]


def test_public_pages_are_not_limited_when_only_read(client: Any, settings: Any, db: Any) -> None:
    settings.RATE_LIMIT_PER_MINUTE = 1
    assert [client.get(reverse("accounts:login")).status_code for _ in range(3)] == [200] * 3


def test_the_language_switch_a_public_form_is_limited(client: Any, settings: Any, db: Any) -> None:
    settings.RATE_LIMIT_PER_MINUTE = 1
    client.post(reverse("core:set_language"), {"language": "en", "next": "/"})
    response = client.post(reverse("core:set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 429


def test_pages_for_signed_in_users_are_not_limited(
    signed_in: Any, users: dict[Role, User], settings: Any
) -> None:
    settings.RATE_LIMIT_PER_MINUTE = 1
    http = signed_in(users[Role.PSYCHOSOCIAL])
    for _ in range(3):
        assert http.post(reverse("accounts:security")).status_code == 200
