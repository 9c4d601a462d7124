from typing import Any

from django.db import transaction

from haven.accounts.models import User
from haven.audit import services as audit
from haven.audit.models import Action
from haven.centres.models import Centre


def visible_to(user: User) -> Any:
    """The centres a user may configure: their own, or all for the installation's admin."""
    if user.centre_id is None:
        return Centre.objects.all()
    return Centre.objects.filter(pk=user.centre_id)


@transaction.atomic
def create_centre(*, by: User, data: dict[str, Any]) -> Centre:
    centre = Centre.objects.create(**data)
    audit.record(Action.CREATE, actor=by, obj=centre, centre=centre, changes=audit.created(centre))
    return centre


@transaction.atomic
def update_centre(*, by: User, centre: Centre, data: dict[str, Any]) -> Centre:
    before = audit.snapshot(Centre.objects.get(pk=centre.pk))
    for name, value in data.items():
        setattr(centre, name, value)
    centre.save()
    changes = audit.diff(before, centre)
    if changes:
        audit.record(Action.UPDATE, actor=by, obj=centre, centre=centre, changes=changes)
    return centre
