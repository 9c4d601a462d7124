"""Test helpers of the shelter (used by the access matrix and this app's tests)."""

import datetime
from typing import Any

from haven.centres.models import Centre
from haven.shelter.models import House, Room, Wing


def make_room(centre: Centre, **values: Any) -> Room:
    """A saved room open since 2018 in the centre's first house and wing (made if needed)."""
    house = House.objects.filter(centre=centre).first() or House.objects.create(
        centre=centre, name="Main house"
    )
    wing = Wing.objects.filter(centre=centre, house=house).first() or Wing.objects.create(
        centre=centre, house=house, name="Main wing"
    )
    values.setdefault("code", f"R{Room.objects.filter(centre=centre).count() + 1:02d}")
    values.setdefault("opened_on", datetime.date(2018, 1, 1))
    return Room.objects.create(centre=centre, wing=wing, **values)


# URL names whose pk addresses another model than a room (see the matrix).
MATRIX_OBJECTS: dict[str, Any] = {}
