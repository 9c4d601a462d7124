"""The operations on group activities: plan and change one (audited, attendance as file codes
and usernames, never names), and who may be picked."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from haven.accounts.models import User
from haven.accounts.permissions import Role
from haven.audit import services as audit
from haven.audit.models import Action
from haven.centres.models import Centre
from haven.groups.models import GroupActivity

FIELDS = ("date", "starts_at", "theme", "description", "organiser")


def organisers_for(centre: Centre | None) -> QuerySet[User]:
    """Who may organise: the centre's active accounts (volunteers included)."""
    if centre is None:
        return User.objects.none()
    return User.objects.filter(centre=centre, is_active=True).order_by(
        "first_name", "last_name", "username"
    )


def volunteers_for(centre: Centre | None) -> QuerySet[User]:
    """The centre's active volunteers."""
    return organisers_for(centre).filter(role=Role.VOLUNTEER)


def validate(centre: Centre, data: dict[str, Any]) -> None:
    """Raise a ValidationError (per field) when the activity breaks a rule."""
    errors: dict[str, str] = {}
    if not (data.get("theme") or "").strip():
        errors["theme"] = _("Give the activity's theme.")
    if data.get("date") is None:
        errors["date"] = _("Give the activity's date.")
    organiser = data.get("organiser")
    if organiser is None or organiser.centre_id != centre.pk:
        errors["organiser"] = _("Choose a colleague of your centre.")
    if any(c.centre_id != centre.pk for c in data.get("clients") or []):
        errors["clients"] = _("Only clients of your centre can attend.")
    if any(
        v.centre_id != centre.pk or v.role != Role.VOLUNTEER for v in data.get("volunteers") or []
    ):
        errors["volunteers"] = _("Only volunteers of your centre can attend.")
    if errors:
        raise ValidationError(errors)


def _codes(clients: Any) -> list[str]:
    return sorted(c.file_code for c in clients)


def _usernames(users: Any) -> list[str]:
    return sorted(u.get_username() for u in users)


@transaction.atomic
def create_activity(*, by: User, centre: Centre, data: dict[str, Any]) -> GroupActivity:
    """Plan a group activity with its attendance; audited."""
    validate(centre, data)
    activity = GroupActivity(centre=centre, created_by=by, **{n: data.get(n) for n in FIELDS})
    activity.description = activity.description or ""
    activity.save()
    clients = list(data.get("clients") or [])
    volunteers = list(data.get("volunteers") or [])
    activity.clients.set(clients)
    activity.volunteers.set(volunteers)
    changes = audit.created(activity)
    changes["clients"] = {"from": [], "to": _codes(clients)}
    changes["volunteers"] = {"from": [], "to": _usernames(volunteers)}
    audit.record(Action.CREATE, actor=by, obj=activity, changes=changes)
    return activity


@transaction.atomic
def update_activity(*, by: User, activity: GroupActivity, data: dict[str, Any]) -> GroupActivity:
    """Change an activity and its attendance; audited (only what changed)."""
    validate(activity.centre, data)
    before = audit.snapshot(GroupActivity.objects.select_for_update().get(pk=activity.pk))
    clients_before = _codes(activity.clients.all())
    volunteers_before = _usernames(activity.volunteers.all())
    for name in FIELDS:
        setattr(activity, name, data.get(name))
    activity.description = activity.description or ""
    activity.save()
    clients = list(data.get("clients") or [])
    volunteers = list(data.get("volunteers") or [])
    activity.clients.set(clients)
    activity.volunteers.set(volunteers)
    changes = audit.diff(before, activity)
    if _codes(clients) != clients_before:
        changes["clients"] = {"from": clients_before, "to": _codes(clients)}
    if _usernames(volunteers) != volunteers_before:
        changes["volunteers"] = {"from": volunteers_before, "to": _usernames(volunteers)}
    if changes:
        audit.record(Action.UPDATE, actor=by, obj=activity, changes=changes)
    return activity


def listed(activities: QuerySet[GroupActivity]) -> QuerySet[GroupActivity]:
    """Activities with what a list shows: the organiser and the number attending (one query)."""
    return activities.select_related("organiser").annotate(
        client_count=Count("clients", distinct=True),
        volunteer_count=Count("volunteers", distinct=True),
    )
