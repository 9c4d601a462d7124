"""The operations on tasks: create, change, complete and reopen (all audited), and the lists."""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.accounts.models import User
from haven.accounts.permissions import Permission, Role, role_has
from haven.audit import services as audit
from haven.audit.models import Action
from haven.centres.models import Centre
from haven.tasks.models import Task

FIELDS = ("title", "notes", "due_on", "assignee", "client")
EARLIEST_DUE = datetime.date(1990, 1, 1)


def assignees_for(centre: Centre | None) -> QuerySet[User]:
    """Who may be given a task: the centre's active accounts whose role works with tasks."""
    if centre is None:
        return User.objects.none()
    roles = [role.value for role in Role if role_has(role, Permission.TASK_WRITE)]
    return User.objects.filter(centre=centre, is_active=True, role__in=roles).order_by(
        "first_name", "last_name", "username"
    )


def validate(centre: Centre, data: dict[str, Any]) -> None:
    """Raise a ValidationError (per field) when the task breaks a rule."""
    errors: dict[str, str] = {}
    if not (data.get("title") or "").strip():
        errors["title"] = _("Say what is to be done.")
    due_on = data.get("due_on")
    if due_on is None:
        errors["due_on"] = _("Give the date by which it must be done.")
    elif due_on < EARLIEST_DUE:
        errors["due_on"] = _("A due date cannot be before 1990; check the year.")
    assignee = data.get("assignee")
    if assignee is None or assignee.centre_id != centre.pk or not assignee.is_active:
        errors["assignee"] = _("Choose an active colleague of your centre.")
    client = data.get("client")
    if client is not None and client.centre_id != centre.pk:
        errors["client"] = _("Choose a client of your centre.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_task(*, by: User, centre: Centre, data: dict[str, Any]) -> Task:
    """Add a task; audited."""
    validate(centre, data)
    task = Task(centre=centre, created_by=by, **{name: data.get(name) for name in FIELDS})
    task.notes = task.notes or ""
    task.save()
    audit.record(Action.CREATE, actor=by, obj=task, changes=audit.created(task))
    return task


@transaction.atomic
def update_task(*, by: User, task: Task, data: dict[str, Any]) -> Task:
    """Change a task's title, notes, due date, assignee or client; audited."""
    validate(task.centre, data)
    before = audit.snapshot(Task.objects.get(pk=task.pk))
    for name in FIELDS:
        setattr(task, name, data.get(name))
    task.notes = task.notes or ""
    task.save()
    changes = audit.diff(before, task)
    if changes:
        audit.record(Action.UPDATE, actor=by, obj=task, changes=changes)
    return task


@transaction.atomic
def complete_task(*, by: User, task: Task) -> Task:
    """Mark a task done (nothing happens to a task already done); audited."""
    if task.done_at is None:
        before = audit.snapshot(Task.objects.get(pk=task.pk))
        task.done_at = timezone.now()
        task.done_by = by
        task.save(update_fields=["done_at", "done_by"])
        audit.record(Action.UPDATE, actor=by, obj=task, changes=audit.diff(before, task))
    return task


@transaction.atomic
def reopen_task(*, by: User, task: Task) -> Task:
    """Open a done task again; audited."""
    if task.done_at is not None:
        before = audit.snapshot(Task.objects.get(pk=task.pk))
        task.done_at = None
        task.done_by = None
        task.save(update_fields=["done_at", "done_by"])
        audit.record(Action.UPDATE, actor=by, obj=task, changes=audit.diff(before, task))
    return task


def listed(tasks: QuerySet[Task]) -> QuerySet[Task]:
    """Tasks with what a list shows fetched along."""
    return tasks.select_related("client", "assignee", "done_by")


def open_first_overdue(tasks: QuerySet[Task], today: datetime.date) -> QuerySet[Task]:
    """Open tasks, the overdue ones first (oldest first), then those due (soonest first)."""
    overdue = Case(
        When(due_on__lt=today, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return (
        listed(tasks)
        .filter(done_at__isnull=True)
        .annotate(overdue=overdue)
        .order_by("overdue", "due_on", "id")
    )


def due_for(user: User, today: datetime.date) -> QuerySet[Task]:
    """The user's open tasks due today or overdue, overdue first."""
    mine = Task.objects.for_centre(user.centre).filter(assignee=user, due_on__lte=today)
    return open_first_overdue(mine, today)
