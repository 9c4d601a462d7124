"""Fixtures of the client tests: files opened through the service (so their names are indexed),
and a second legal worker to tell assigned from non-assigned colleagues."""

from collections.abc import Callable
from typing import Any

import pytest

from haven.accounts.models import User
from haven.accounts.permissions import Role
from haven.centres.models import Centre
from haven.clients import services
from haven.clients.models import Client
from haven.factories import UserFactory


@pytest.fixture
def register(users: dict[Role, User], centre_a: Centre) -> Callable[..., Client]:
    """``register(legal_name=..., **fields)``: a file of centre A opened as a worker would."""

    def make(*, centre: Centre | None = None, **data: Any) -> Client:
        data.setdefault("pseudonym", "Willow")
        centre = centre or centre_a
        by = users[Role.PSYCHOSOCIAL] if centre == centre_a else UserFactory(centre=centre)
        return services.create_client(by=by, centre=centre, data=data)

    return make


@pytest.fixture
def other_legal(centre_a: Centre) -> User:
    """A legal worker of centre A who is not assigned to the client at hand."""
    return UserFactory(centre=centre_a, role=Role.LEGAL, username="a-legal-2")
