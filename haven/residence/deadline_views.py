"""The deadlines page of the legal and administrative team."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from haven.accounts.access import requires
from haven.accounts.permissions import Permission


@requires(Permission.RESIDENCE_READ)
def deadlines(request: HttpRequest) -> HttpResponse:
    """Documents expiring in the next 60 days, overdue renewals, hearings in the next 30 days."""
    return render(request, "residence/deadlines.html", {})
