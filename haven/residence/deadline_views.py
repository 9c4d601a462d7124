"""The deadlines page of the legal and administrative team."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from haven.accounts.access import requires
from haven.accounts.permissions import Permission
from haven.residence import deadlines as queries


@requires(Permission.RESIDENCE_READ)
@require_safe
def deadlines(request: HttpRequest) -> HttpResponse:
    """Documents expiring in the next 60 days, overdue renewals, hearings in the next 30 days:
    the whole centre's, or with ``?mine=1`` only those of the user's own clients."""
    user: Any = request.user
    mine = request.GET.get("mine") == "1"
    page = queries.deadlines(user, timezone.localdate(), mine=mine)
    return render(
        request,
        "residence/deadlines.html",
        {
            "page": page,
            "expiring_days": queries.EXPIRING_DAYS,
            "hearing_days": queries.HEARING_DAYS,
            "may_read_clients": user.can(Permission.CLIENT_READ),
        },
    )
