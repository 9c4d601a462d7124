"""Group activities: the upcoming and past ones, plan one, see one, change one.

Volunteers read activities but never which clients attend: only how many.
"""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from haven.accounts.access import requires
from haven.accounts.permissions import Permission
from haven.centres.scoping import scoped_or_404
from haven.core.paging import page_of
from haven.groups import services
from haven.groups.forms import GroupActivityForm
from haven.groups.models import GroupActivity

PAGE_SIZE = 50
FILTERS = ("upcoming", "past")


@requires(Permission.GROUP_ACTIVITY_READ)
@require_safe
def activity_list(request: HttpRequest) -> HttpResponse:
    """Upcoming activities (soonest first) by default, or past ones (latest first)."""
    user: Any = request.user
    today = timezone.localdate()
    show = request.GET.get("show", "upcoming")
    if show not in FILTERS:
        show = "upcoming"
    activities = GroupActivity.objects.for_centre(user.centre)
    if show == "past":
        rows = services.listed(activities.filter(date__lt=today)).order_by(
            "-date", "-starts_at", "-id"
        )
    else:
        rows = services.listed(activities.filter(date__gte=today)).order_by(
            "date", "starts_at", "id"
        )
    page = page_of(rows, request.GET.get("page"), PAGE_SIZE)
    return render(
        request,
        "groups/list.html",
        {
            "page": page,
            "show": show,
            "page_query": "show=past" if show == "past" else "",
            "may_write": user.can(Permission.GROUP_ACTIVITY_WRITE),
        },
    )


@requires(Permission.GROUP_ACTIVITY_READ)
@require_safe
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    activity = scoped_or_404(GroupActivity, user, pk=pk)
    may_see_clients = user.can(Permission.CLIENT_READ)
    return render(
        request,
        "groups/detail.html",
        {
            "activity": activity,
            "clients": list(activity.clients.order_by("file_code")) if may_see_clients else None,
            "client_count": activity.clients.count(),
            "volunteers": list(activity.volunteers.order_by("first_name", "last_name")),
            "may_write": user.can(Permission.GROUP_ACTIVITY_WRITE),
        },
    )


@requires(Permission.GROUP_ACTIVITY_WRITE)
@require_http_methods(["GET", "POST"])
def activity_create(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    form = GroupActivityForm(request.POST or None, centre=user.centre, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            activity = services.create_activity(by=user, centre=user.centre, data=form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Group activity saved."))
            return redirect("groups:detail", pk=activity.pk)
    return render(request, "groups/form.html", {"form": form})


@requires(Permission.GROUP_ACTIVITY_WRITE)
@require_http_methods(["GET", "POST"])
def activity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    activity = scoped_or_404(GroupActivity, user, pk=pk)
    form = GroupActivityForm(
        request.POST or None, centre=activity.centre, user=user, activity=activity
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_activity(by=user, activity=activity, data=form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Group activity saved."))
            return redirect("groups:detail", pk=activity.pk)
    return render(request, "groups/form.html", {"form": form, "activity": activity})
