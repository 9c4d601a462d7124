"""Tasks: my open tasks (or the team's, or the done ones), add, change and complete a task."""

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from haven.accounts.access import requires
from haven.accounts.permissions import Permission
from haven.centres.scoping import scoped_or_404
from haven.clients.models import Client
from haven.core.paging import page_of
from haven.tasks import services
from haven.tasks.forms import TaskForm
from haven.tasks.models import Task

PAGE_SIZE = 50
FILTERS = ("mine", "team", "done")


@requires(Permission.TASK_READ)
@require_safe
def task_list(request: HttpRequest) -> HttpResponse:
    """My open tasks by default, overdue first; or the whole team's open tasks, or done ones."""
    user: Any = request.user
    today = timezone.localdate()
    show = request.GET.get("show", "mine")
    if show not in FILTERS:
        show = "mine"
    tasks = Task.objects.for_centre(user.centre)
    if show == "done":
        rows = services.listed(tasks.filter(done_at__isnull=False)).order_by("-done_at", "-id")
    elif show == "team":
        rows = services.open_first_overdue(tasks, today)
    else:
        rows = services.open_first_overdue(tasks.filter(assignee=user), today)
    page = page_of(rows, request.GET.get("page"), PAGE_SIZE)
    return render(
        request,
        "tasks/list.html",
        {
            "page": page,
            "show": show,
            "today": today,
            "page_query": urlencode({"show": show}) if show != "mine" else "",
            "may_write": user.can(Permission.TASK_WRITE),
        },
    )


def _back(request: HttpRequest) -> str:
    """Where to go after saving: the page the form was opened from, if it is ours."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


@requires(Permission.TASK_WRITE)
@require_http_methods(["GET", "POST"])
def task_create(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    client = None
    if request.GET.get("client"):
        client = scoped_or_404(Client, user, pk=request.GET["client"])
    form = TaskForm(request.POST or None, centre=user.centre, user=user, client=client)
    if request.method == "POST" and form.is_valid():
        try:
            services.create_task(by=user, centre=user.centre, data=form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Task saved."))
            return redirect(_back(request) or "tasks:list")
    return render(request, "tasks/form.html", {"form": form, "next": _back(request)})


@requires(Permission.TASK_WRITE)
@require_http_methods(["GET", "POST"])
def task_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    task = scoped_or_404(Task, user, pk=pk)
    form = TaskForm(request.POST or None, centre=task.centre, user=user, task=task)
    if request.method == "POST" and "reopen" in request.POST:
        services.reopen_task(by=user, task=task)
        messages.success(request, _("Task reopened."))
        return redirect("tasks:edit", pk=task.pk)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_task(by=user, task=task, data=form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Task saved."))
            return redirect(_back(request) or "tasks:list")
    return render(request, "tasks/form.html", {"form": form, "task": task, "next": _back(request)})


@require_POST
@requires(Permission.TASK_WRITE)
def task_complete(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    task = scoped_or_404(Task, user, pk=pk)
    services.complete_task(by=user, task=task)
    messages.success(request, _("Task done: %(title)s") % {"title": task.title})
    return redirect(_back(request) or "tasks:list")
