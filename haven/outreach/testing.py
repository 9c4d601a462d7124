"""Test helpers of outreach (used by the access matrix and this app's tests)."""

import datetime
from typing import Any

from haven.centres.models import Centre
from haven.outreach.models import Activity, Kind


def make_activity(centre: Centre, **values: Any) -> Activity:
    """A saved training of twelve police officers in ``centre`` unless told otherwise."""
    values.setdefault("date", datetime.date(2024, 3, 14))
    values.setdefault("kind", Kind.TRAINING)
    values.setdefault("title", "Indicators of trafficking")
    values.setdefault("participants", 12)
    values.setdefault("audience", "police")
    return Activity.objects.create(centre=centre, **values)
