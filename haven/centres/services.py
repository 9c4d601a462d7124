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
    audit.save_changes(centre, data, by=by, centre=centre)
    return centre
