"""Test helpers of the appointments app (used by the access matrix and this app's tests)."""

import datetime
from typing import Any

from django.utils import timezone

from haven.accounts.permissions import Role
from haven.appointments.models import Appointment, Kind
from haven.centres.models import Centre
from haven.factories import ClientFactory, UserFactory


def make_appointment(centre: Centre, **values: Any) -> Appointment:
    """A saved appointment in ``centre``: tomorrow at 10:00, with a new client and worker
    unless given."""
    if "worker" not in values:
        values["worker"] = UserFactory(centre=centre, role=Role.PSYCHOSOCIAL)
    if "client" not in values and values.get("kind") != Kind.GROUP:
        values["client"] = ClientFactory(centre=centre)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    values.setdefault(
        "starts_at", timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time(10)))
    )
    return Appointment.objects.create(centre=centre, **values)
