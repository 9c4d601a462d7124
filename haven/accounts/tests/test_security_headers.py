"""Cookies and headers that keep a browser from leaking or framing Haven's pages."""

from typing import Any

from django.conf import settings as project_settings
from django.urls import reverse

from haven.accounts.models import User
from haven.accounts.permissions import Role


def _directives(policy: str) -> dict[str, list[str]]:
    parts = [p.strip().split() for p in policy.split(";") if p.strip()]
    return {p[0]: p[1:] for p in parts}


def test_every_page_carries_the_security_headers(signed_in: Any, users: dict[Role, User]) -> None:
    http = signed_in(users[Role.DIRECTOR])
    response = http.get(reverse("core:home"))
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Cache-Control"] == "no-store"
    assert "camera=()" in response["Permissions-Policy"]
    policy = _directives(response["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]


def test_scripts_may_come_only_from_haven_itself_never_inline_or_evaluated(client: Any) -> None:
    policy = _directives(client.get(reverse("accounts:login"))["Content-Security-Policy"])
    scripts = policy.get("script-src", policy["default-src"])
    assert scripts == ["'self'"]
    assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts
    assert "'unsafe-inline'" not in policy["style-src"]


def test_cookies_are_http_only_same_site_and_secure_outside_debug() -> None:
    assert project_settings.SESSION_COOKIE_HTTPONLY
    assert project_settings.CSRF_COOKIE_HTTPONLY
    assert project_settings.SESSION_COOKIE_SAMESITE == "Lax"
    assert project_settings.CSRF_COOKIE_SAMESITE == "Lax"
    assert project_settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"


def test_with_https_the_cookies_are_secure_and_hsts_is_sent(
    client: Any, settings: Any, db: Any
) -> None:
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    settings.SECURE_HSTS_SECONDS = 63072000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = client.get(reverse("accounts:login"), secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=63072000")
    assert "includeSubDomains" in response["Strict-Transport-Security"]
    csrf = response.cookies[project_settings.CSRF_COOKIE_NAME]
    assert csrf["secure"] and csrf["httponly"] and csrf["samesite"] == "Lax"
