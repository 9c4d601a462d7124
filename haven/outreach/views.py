"""Outreach: the list of trainings, delegations and awareness sessions with the yearly totals;
record, change and remove one."""

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from haven.accounts.access import requires
from haven.accounts.permissions import Permission
from haven.centres.scoping import scoped_or_404
from haven.core.forms import save_form
from haven.core.paging import page_of
from haven.outreach import services
from haven.outreach.forms import ActivityForm, FilterForm
from haven.outreach.models import Activity

PAGE_SIZE = 50


@requires(Permission.OUTREACH_READ)
@require_safe
def activity_list(request: HttpRequest) -> HttpResponse:
    """The activities of one year and kind, newest first, under the totals of each year."""
    user: Any = request.user
    search = FilterForm(request.GET, years=services.years(user.centre))
    filters = search.filters()
    page = page_of(services.search(user.centre, **filters), request.GET.get("page"), PAGE_SIZE)
    query = {key: value for key, value in filters.items() if value}
    return render(
        request,
        "outreach/list.html",
        {
            "page": page,
            "search": search,
            "filtered": bool(query),
            "page_query": urlencode(query),
            "totals": services.totals_by_year(user.centre, year=filters["year"]),
            "may_write": user.can(Permission.OUTREACH_WRITE),
        },
    )


@requires(Permission.OUTREACH_WRITE)
@require_http_methods(["GET", "POST"])
def activity_create(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    form = ActivityForm(request.POST or None, initial={"kind": request.GET.get("kind", "")})
    saved = save_form(
        request,
        form,
        lambda data: services.create_activity(by=user, centre=user.centre, data=data),
        _("Activity recorded."),
    )
    if saved is not None:
        return redirect("outreach:list")
    return render(
        request, "outreach/form.html", {"form": form, "audiences": services.audiences(user.centre)}
    )


@requires(Permission.OUTREACH_WRITE)
@require_http_methods(["GET", "POST"])
def activity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    activity = scoped_or_404(Activity, user, pk=pk)
    # The form works on a copy: a refused change must not alter the activity shown.
    form = ActivityForm(request.POST or None, instance=Activity.objects.get(pk=activity.pk))
    saved = save_form(
        request,
        form,
        lambda data: services.update_activity(by=user, activity=activity, data=data),
        _("Activity saved."),
    )
    if saved is not None:
        return redirect("outreach:list")
    return render(
        request,
        "outreach/form.html",
        {"form": form, "activity": activity, "audiences": services.audiences(user.centre)},
    )


@requires(Permission.OUTREACH_WRITE)
@require_http_methods(["GET", "POST"])
def activity_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Asks first (GET); removes on the confirming POST."""
    user: Any = request.user
    activity = scoped_or_404(Activity, user, pk=pk)
    if request.method == "POST":
        services.delete_activity(by=user, activity=activity)
        messages.success(request, _("Activity removed."))
        return redirect("outreach:list")
    return render(request, "outreach/delete.html", {"activity": activity})
