"""Shared test fixtures: one user per role in centre A, an outsider in centre B."""

from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client as HttpClient
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from haven.accounts.models import User
from haven.accounts.permissions import CENTRE_ROLES, Role
from haven.centres.models import Centre
from haven.clients.models import Client
from haven.factories import CentreFactory, ClientFactory, UserFactory

pytest_plugins = ["haven.testing.browser"]


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings: Any, tmp_path: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.FIELD_KEYS = ["MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.DEMO_SKIP_2FA = False
    settings.LANGUAGE_CODE = "en"  # tests read English; translated pages are tested as such
    settings.EXPORTS_DIR = tmp_path / "exports"  # encrypted exports waiting for their download
    cache.clear()  # rate-limit counters and other cached state stay with their test


@pytest.fixture
def centre_a(db: Any) -> Centre:
    return CentreFactory(code="AAA", name="Centre A")


@pytest.fixture
def centre_b(db: Any) -> Centre:
    return CentreFactory(code="BBB", name="Centre B")


@pytest.fixture
def users(centre_a: Centre) -> dict[Role, User]:
    """One user per centre role in centre A, each with a confirmed authenticator."""
    return {
        role: UserFactory(centre=centre_a, role=role, username=f"a-{role.value}")
        for role in CENTRE_ROLES
    }


@pytest.fixture
def outsider(centre_b: Centre) -> User:
    return UserFactory(centre=centre_b, role=Role.DIRECTOR, username="b-director")


@pytest.fixture
def installation_admin(db: Any) -> User:
    return UserFactory(centre=None, role=Role.INSTALLATION_ADMIN, username="root-admin")


@pytest.fixture
def client_a(centre_a: Centre) -> Client:
    return ClientFactory(centre=centre_a)


@pytest.fixture
def client_b(centre_b: Centre) -> Client:
    return ClientFactory(centre=centre_b)


def sign_in(http: HttpClient, user: User) -> HttpClient:
    """A session past both factors, as after a real sign-in."""
    http.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    session = http.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return http


@pytest.fixture
def signed_in() -> Callable[[User], HttpClient]:
    """``signed_in(user)`` gives a test client whose session passed password and code."""
    return lambda user: sign_in(HttpClient(), user)
