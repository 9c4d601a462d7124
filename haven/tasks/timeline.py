"""Tasks in a client's timeline, for viewers who may read tasks."""

from collections.abc import Iterable

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.accounts.models import User
from haven.accounts.permissions import Permission
from haven.clients.models import Client
from haven.guidance.overview import TimelineItem, timeline_source
from haven.tasks.models import Task


@timeline_source
def task_items(user: User, client: Client) -> Iterable[TimelineItem]:
    """The client's tasks (one query): a done task on the day it was done, an open one on its
    due date."""
    if not user.can(Permission.TASK_READ):
        return
    linked = user.can(Permission.TASK_WRITE)
    for task in Task.objects.for_centre(user.centre).filter(client=client):
        if task.done_at is not None:
            when = timezone.localdate(task.done_at)
            label = _("Task done: %(title)s") % {"title": task.title}
        else:
            when = task.due_on
            label = _("Task due: %(title)s") % {"title": task.title}
        yield TimelineItem(
            when=when,
            kind=_("Task"),
            label=label,
            url=reverse("tasks:edit", kwargs={"pk": task.pk}) if linked else "",
        )
