"""The plan's items in the client overview's timeline: each goal set or changed.

Only for readers of the plan (the psychosocial team and the director); one query.
"""

from collections.abc import Iterable

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.accounts.models import User
from haven.accounts.permissions import Permission
from haven.clients import glass
from haven.clients.models import Client
from haven.guidance.overview import TimelineItem, timeline_source
from haven.plans.models import GoalRevision


@timeline_source
def plan_items(user: User, client: Client) -> Iterable[TimelineItem]:
    if not user.can(Permission.PLAN_READ) or user.centre is None:
        return
    if not glass.may_read_tracks_of(user, client):  # outside the team: break the glass first
        return
    revisions = (
        GoalRevision.objects.filter(goal__client=client, goal__centre=user.centre)
        .select_related("goal")
        .order_by("-changed_at", "-id")
    )
    for revision in revisions:
        goal = revision.goal
        values = {"domain": goal.get_domain_display(), "status": revision.get_status_display()}
        yield TimelineItem(
            when=timezone.localdate(revision.changed_at),
            kind=_("Future plan"),
            label=(
                _("Goal set: %(domain)s (%(status)s)")
                if revision.version == 1
                else _("Goal changed: %(domain)s (%(status)s)")
            )
            % values,
            url=reverse("plans:history", kwargs={"pk": goal.pk}),
        )
