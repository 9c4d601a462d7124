"""Test helpers of guidance (used by the access matrix): one saved episode in a centre."""

import datetime
from typing import cast

from haven.accounts.models import User
from haven.accounts.permissions import Role
from haven.centres.models import Centre
from haven.clients.models import Client
from haven.factories import ClientFactory, UserFactory
from haven.guidance.models import Episode


def make_episode(centre: Centre) -> Episode:
    """An open episode of a new client of ``centre``, opened by one of its workers."""
    client = cast(Client, ClientFactory(centre=centre))
    worker = cast(User, UserFactory(centre=centre, role=Role.PSYCHOSOCIAL))
    return Episode.objects.create(
        centre=centre,
        client=client,
        start_date=datetime.date(2026, 1, 15),
        created_by=worker,
    )
