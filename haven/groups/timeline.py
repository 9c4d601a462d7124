"""Group activities in a client's timeline, for viewers who may read activities and clients."""

from collections.abc import Iterable

from django.urls import reverse
from django.utils.translation import gettext as _

from haven.accounts.models import User
from haven.accounts.permissions import Permission
from haven.clients.models import Client
from haven.groups.models import GroupActivity
from haven.guidance.overview import TimelineItem, timeline_source


@timeline_source
def group_activity_items(user: User, client: Client) -> Iterable[TimelineItem]:
    """The activities the client attends (one query), on their date."""
    if not (user.can(Permission.GROUP_ACTIVITY_READ) and user.can(Permission.CLIENT_READ)):
        return
    for activity in GroupActivity.objects.for_centre(user.centre).filter(clients=client):
        yield TimelineItem(
            when=activity.date,
            kind=_("Group activity"),
            label=_("Group activity: %(theme)s") % {"theme": activity.theme},
            url=reverse("groups:detail", kwargs={"pk": activity.pk}),
        )
