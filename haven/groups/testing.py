"""Test helpers of the groups app (used by the access matrix and this app's tests)."""

import datetime
from typing import Any

from django.utils import timezone

from haven.accounts.permissions import Role
from haven.centres.models import Centre
from haven.factories import ClientFactory, UserFactory
from haven.groups.models import GroupActivity


def make_activity(
    centre: Centre, *, clients: Any = None, volunteers: Any = None, **values: Any
) -> GroupActivity:
    """A saved group activity in ``centre`` next week, organised by a new worker unless given,
    with one new client and one new volunteer attending unless given."""
    if "organiser" not in values:
        values["organiser"] = UserFactory(centre=centre, role=Role.PSYCHOSOCIAL)
    values.setdefault("theme", "Cooking together")
    values.setdefault("date", timezone.localdate() + datetime.timedelta(days=7))
    activity = GroupActivity.objects.create(centre=centre, **values)
    if clients is None:
        clients = [ClientFactory(centre=centre)]
    if volunteers is None:
        volunteers = [UserFactory(centre=centre, role=Role.VOLUNTEER)]
    activity.clients.set(clients)
    activity.volunteers.set(volunteers)
    return activity
