"""The future plan's operations: adding a goal, changing it without losing anyone's update."""

import datetime
from collections.abc import Collection
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from haven.accounts.permissions import Permission
from haven.audit import services as audit
from haven.audit.models import Action
from haven.clients import glass
from haven.clients.models import Client
from haven.guidance.models import Episode
from haven.plans.models import Goal, GoalRevision, GoalStatus, LifeDomain

REVIEW_HORIZON = datetime.timedelta(days=14)
OPEN_STATUSES = (GoalStatus.PROPOSED, GoalStatus.IN_PROGRESS)


class StaleVersion(Exception):
    """Someone else saved the goal since the form was loaded; carries the stored goal."""

    def __init__(self, current: Goal) -> None:
        super().__init__(f"goal {current.pk} is at version {current.version}")
        self.current = current


def _current_episode(client: Client) -> Episode | None:
    today = timezone.localdate()
    return (
        Episode.objects.for_centre(client.centre)
        .filter(client=client, start_date__lte=today)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .order_by("-start_date")
        .first()
    )


def _revise(goal: Goal, by: Any) -> GoalRevision:
    return GoalRevision.objects.create(
        goal=goal,
        version=goal.version,
        text=goal.text,
        status=goal.status,
        next_review=goal.next_review,
        changed_by=by,
    )


def client_goals(
    user: Any, client: Client, granted: Collection[int] | None = None
) -> QuerySet[Goal]:
    """The client's goals: empty for a reader without the plan permission, and for one outside
    the client's assigned team who is not the director and has no break-the-glass grant
    (``granted``: client ids; by default the grants of the request being answered)."""
    if not user.can(Permission.PLAN_READ):
        return Goal.objects.none()
    goals = Goal.objects.for_centre(user.centre).filter(client=client)
    return goals.filter(glass.client_filter(user, granted))


def plan_by_domain(
    user: Any, client: Client, granted: Collection[int] | None = None
) -> list[tuple[LifeDomain, list[Goal]]]:
    """The client's goals grouped under each of the eight life domains (one query)."""
    goals = list(client_goals(user, client, granted).order_by("-updated_at", "-id"))
    return [(domain, [g for g in goals if g.domain == domain]) for domain in LifeDomain]


def due_for_review(
    user: Any, today: datetime.date | None = None, granted: Collection[int] | None = None
) -> QuerySet[Goal]:
    """The centre's open goals whose review is due within 14 days (or overdue), soonest first:
    those of the user's assigned clients (all of them for the director, plus any granted by
    breaking the glass)."""
    today = today or timezone.localdate()
    return (
        Goal.objects.for_centre(user.centre)
        .filter(status__in=OPEN_STATUSES, next_review__lte=today + REVIEW_HORIZON)
        .filter(glass.client_filter(user, granted))
        .select_related("client")
        .order_by("next_review", "id")
    )


@transaction.atomic
def create_goal(*, by: Any, client: Client, data: dict[str, Any]) -> Goal:
    """Add a goal to the client's plan; audited, its first revision written."""
    if client.centre_id != getattr(by.centre, "pk", None) or not by.can(Permission.PLAN_WRITE):
        raise PermissionDenied
    goal = Goal.objects.create(
        centre=client.centre,
        client=client,
        episode=_current_episode(client),
        domain=data["domain"],
        text=data["text"],
        status=data.get("status") or GoalStatus.PROPOSED,
        next_review=data.get("next_review"),
        written_with_client=bool(data.get("written_with_client", True)),
        created_by=by,
    )
    audit.record(Action.CREATE, actor=by, obj=goal, changes=audit.created(goal))
    _revise(goal, by)
    return goal


@transaction.atomic
def update_goal(*, by: Any, goal: Goal, data: dict[str, Any], version: int) -> Goal:
    """Save the form's values, unless someone saved since the form was loaded at ``version``.

    The row is locked while comparing, so of two concurrent saves from the same version only
    the first succeeds; the second raises ``StaleVersion`` with the stored goal.
    """
    if goal.centre_id != getattr(by.centre, "pk", None) or not by.can(Permission.PLAN_WRITE):
        raise PermissionDenied
    stored = Goal.objects.select_for_update().select_related("client").get(pk=goal.pk)
    if stored.version != version:
        raise StaleVersion(stored)
    fields = {
        name: data[name]
        for name in ("domain", "text", "status", "next_review", "written_with_client")
        if name in data
    }
    changed = {name: value for name, value in fields.items() if getattr(stored, name) != value}
    if not changed:
        return stored
    changed["version"] = stored.version + 1
    audit.save_changes(stored, changed, by=by)
    _revise(stored, by)
    return stored
