"""Test helpers of the tasks app (used by the access matrix and this app's tests)."""

import datetime
from typing import Any

from django.utils import timezone

from haven.accounts.permissions import Role
from haven.centres.models import Centre
from haven.factories import ClientFactory, UserFactory
from haven.tasks.models import Task


def make_task(centre: Centre, **values: Any) -> Task:
    """A saved open task in ``centre``, due tomorrow, with a new client and assignee unless
    given."""
    if "assignee" not in values:
        values["assignee"] = UserFactory(centre=centre, role=Role.PSYCHOSOCIAL)
    if "client" not in values:
        values["client"] = ClientFactory(centre=centre)
    values.setdefault("title", "Send the school enrolment form")
    values.setdefault("due_on", timezone.localdate() + datetime.timedelta(days=1))
    return Task.objects.create(centre=centre, **values)
