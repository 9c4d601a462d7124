"""Appointments: my week and the team's week, plan and change an appointment, and the hours
of a period (individual conversations, interpreters, group sessions)."""

import datetime
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from haven.accounts.access import requires
from haven.accounts.permissions import Permission
from haven.appointments import services
from haven.appointments.forms import AppointmentForm, PeriodForm
from haven.appointments.models import Appointment
from haven.centres.scoping import scoped_or_404
from haven.clients.models import Client


def _iso_week(day: datetime.date) -> str:
    year, number, _weekday = day.isocalendar()
    return f"{year}-W{number:02d}"


@requires(Permission.APPOINTMENT_READ)
@require_safe
def week(request: HttpRequest) -> HttpResponse:
    """The signed-in worker's week (Monday to Sunday), or the whole centre's with ``team=1``."""
    user: Any = request.user
    today = timezone.localdate()
    monday = services.week_of(request.GET.get("week"), today)
    team = request.GET.get("team") == "1"
    days = services.week(user.centre, monday, worker=None if team else user)
    extra = {"team": "1"} if team else {}
    return render(
        request,
        "appointments/week.html",
        {
            "days": days,
            "today": today,
            "monday": monday,
            "sunday": monday + datetime.timedelta(days=6),
            "week": _iso_week(monday),
            "team": team,
            "previous_query": urlencode(
                {"week": _iso_week(monday - datetime.timedelta(days=7)), **extra}
            ),
            "next_query": urlencode(
                {"week": _iso_week(monday + datetime.timedelta(days=7)), **extra}
            ),
            "mine_query": urlencode({"week": _iso_week(monday)}),
            "team_query": urlencode({"week": _iso_week(monday), "team": "1"}),
            "count": sum(len(rows) for _day, rows in days),
        },
    )


def _week_url(appointment: Appointment) -> str:
    day = timezone.localdate(appointment.starts_at)
    return f"{reverse('appointments:week')}?{urlencode({'week': _iso_week(day)})}"


@requires(Permission.APPOINTMENT_WRITE)
@require_http_methods(["GET", "POST"])
def appointment_create(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    client = None
    if request.GET.get("client"):
        client = scoped_or_404(Client, user, pk=request.GET["client"])
    form = AppointmentForm(request.POST or None, centre=user.centre, user=user, client=client)
    if request.method == "POST" and form.is_valid():
        try:
            appointment = services.create_appointment(
                by=user, centre=user.centre, data=form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Appointment saved."))
            return redirect(_week_url(appointment))
    return render(request, "appointments/form.html", {"form": form})


@requires(Permission.APPOINTMENT_WRITE)
@require_http_methods(["GET", "POST"])
def appointment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    appointment = scoped_or_404(Appointment, user, pk=pk)
    form = AppointmentForm(
        request.POST or None, centre=appointment.centre, user=user, appointment=appointment
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_appointment(by=user, appointment=appointment, data=form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Appointment saved."))
            return redirect(_week_url(appointment))
    return render(request, "appointments/form.html", {"form": form, "appointment": appointment})


@requires(Permission.APPOINTMENT_READ)
@require_safe
def hours(request: HttpRequest) -> HttpResponse:
    """The hours of a chosen period (the current month until today when none is chosen)."""
    user: Any = request.user
    today = timezone.localdate()
    if "start" in request.GET or "end" in request.GET:
        form = PeriodForm(request.GET)
    else:
        form = PeriodForm({"start": today.replace(day=1), "end": today})
    totals = None
    if form.is_valid():
        totals = services.hours(user.centre, form.cleaned_data["start"], form.cleaned_data["end"])
    return render(request, "appointments/hours.html", {"form": form, "totals": totals})
