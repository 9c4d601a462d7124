"""Test helpers of the future plan (the access matrix makes one goal per centre with these)."""

from haven.accounts.permissions import Role
from haven.centres.models import Centre
from haven.factories import ClientFactory, UserFactory
from haven.plans.models import Goal, GoalRevision, LifeDomain


def make_goal(centre: Centre, **fields: object) -> Goal:
    """A saved housing goal in ``centre``, with its first revision."""
    values: dict[str, object] = {
        "domain": LifeDomain.HOUSING,
        "text": "I want my own studio near the school.",
    }
    values.update(fields)
    if "client" not in values:
        values["client"] = ClientFactory(centre=centre)
    if "created_by" not in values:
        values["created_by"] = UserFactory(centre=centre, role=Role.PSYCHOSOCIAL)
    goal = Goal.objects.create(centre=centre, **values)
    GoalRevision.objects.create(
        goal=goal,
        version=goal.version,
        text=goal.text,
        status=goal.status,
        next_review=goal.next_review,
        changed_by=goal.created_by,
    )
    return goal
