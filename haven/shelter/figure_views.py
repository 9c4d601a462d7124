"""The occupancy figures of a period, and the waiting list."""

import datetime
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from haven.accounts.access import requires
from haven.accounts.permissions import Permission
from haven.centres.scoping import scoped_or_404
from haven.clients.models import Client
from haven.shelter import occupancy as shelter_figures
from haven.shelter import waiting
from haven.shelter.models import WaitingEntry, WaitingStatus
from haven.shelter.waiting_forms import WaitingEditForm, WaitingEntryForm

# The longest period the page computes (the figures stay one query per kind whatever the
# length, but the table by year should stay readable).
MAX_YEARS = 30
PRESETS = {
    "this_year": gettext_lazy("This year"),
    "last_month": gettext_lazy("Last month"),
    "last_year": gettext_lazy("Last year"),
    "last_5_years": gettext_lazy("Last 5 years"),
}


def preset_period(name: str, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The first and last day of a preset period, seen from ``today``."""
    if name == "last_month":
        last = today.replace(day=1) - datetime.timedelta(days=1)
        return last.replace(day=1), last
    if name == "last_year":
        return datetime.date(today.year - 1, 1, 1), datetime.date(today.year - 1, 12, 31)
    if name == "last_5_years":
        return datetime.date(today.year - 5, 1, 1), datetime.date(today.year - 1, 12, 31)
    return datetime.date(today.year, 1, 1), datetime.date(today.year, 12, 31)


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PeriodForm(forms.Form):
    """A period, both days included, of at most MAX_YEARS years."""

    start = forms.DateField(label=gettext_lazy("From"), widget=_date_input())
    end = forms.DateField(label=gettext_lazy("To (included)"), widget=_date_input())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                raise forms.ValidationError(_("The period ends before it starts."))
            try:
                limit = start.replace(year=start.year + MAX_YEARS)
            except ValueError:  # 29 February
                limit = datetime.date(start.year + MAX_YEARS, 3, 1)
            if end >= limit:
                raise forms.ValidationError(
                    _("Choose a period of at most %(years)d years.") % {"years": MAX_YEARS}
                )
        return data


def _percent(rate: float | None) -> float | None:
    return None if rate is None else rate * 100


@requires(Permission.OCCUPANCY_READ)
@require_safe
def occupancy(request: HttpRequest) -> HttpResponse:
    """Nights, room-nights, occupancy and length of stay for a period (this year unless
    chosen), by year, and tonight's residents: a fixed handful of queries."""
    user: Any = request.user
    today = timezone.localdate()
    preset = request.GET.get("preset", "")
    start: datetime.date | None
    end: datetime.date | None
    if preset in PRESETS or not ("start" in request.GET or "end" in request.GET):
        start, end = preset_period(preset, today)
        form = PeriodForm(initial={"start": start, "end": end})
    else:
        form = PeriodForm(request.GET)
        start, end = None, None
        if form.is_valid():
            start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    figures = None
    if start is not None and end is not None:
        figures = shelter_figures.figures(user.centre, start, end)
    by_year = []
    if figures is not None:
        by_year = [
            (year, nights, _percent(figures["occupancy_by_year"][year]))
            for year, nights in figures["nights_by_year"].items()
        ]
    return render(
        request,
        "shelter/occupancy.html",
        {
            "form": form,
            "start": start,
            "end": end,
            "figures": figures,
            "by_year": by_year,
            "rate_percent": _percent(figures["occupancy_rate"]) if figures else None,
            "tonight": shelter_figures.current(user.centre, today),
            "today": today,
            "presets": PRESETS.items(),
            "preset": preset,
        },
    )


@requires(Permission.SHELTER_READ)
@require_safe
def waiting_list(request: HttpRequest) -> HttpResponse:
    """Who waits for a room, urgent first, then longest waiting; and who left the list."""
    user: Any = request.user
    today = timezone.localdate()
    return render(
        request,
        "shelter/waiting.html",
        {
            "entries": waiting.waiting(user.centre, today),
            "left": waiting.recently_left(user.centre),
            "today": today,
            "may_write": user.can(Permission.SHELTER_WRITE),
        },
    )


@requires(Permission.SHELTER_WRITE)
@require_http_methods(["GET", "HEAD", "POST"])
def waiting_create(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    client = None
    if request.GET.get("client"):
        client = scoped_or_404(Client, user, pk=request.GET["client"])
    form = WaitingEntryForm(
        request.POST or None,
        centre=user.centre,
        client=client,
        initial={"since": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            entry = waiting.add_entry(by=user, centre=user.centre, data=form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("%(code)s is on the waiting list.") % {"code": entry.client.file_code},
            )
            return redirect("shelter:waiting")
    return render(request, "shelter/waiting_form.html", {"form": form, "entry": None})


@requires(Permission.SHELTER_WRITE)
@require_http_methods(["GET", "HEAD", "POST"])
def waiting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change an entry, or record that the person was admitted, referred to a partner centre
    or no longer needs a room."""
    user: Any = request.user
    entry = scoped_or_404(WaitingEntry, user, pk=pk)
    form = WaitingEditForm(request.POST or None, entry=entry)
    if request.method == "POST" and form.is_valid():
        try:
            entry = waiting.update_entry(by=user, entry=entry, data=form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Waiting list saved."))
            if entry.status == WaitingStatus.REFERRED and waiting.open_intake(entry.client):
                messages.info(
                    request,
                    _(
                        "%(code)s has an intake without a decision: record the referral to "
                        "the partner centre there too, so that it counts in the intake outcomes."
                    )
                    % {"code": entry.client.file_code},
                )
            return redirect("shelter:waiting")
    intake = waiting.open_intake(entry.client)
    return render(
        request,
        "shelter/waiting_form.html",
        {
            "form": form,
            "entry": entry,
            "intake": intake,
            "may_decide": user.can(Permission.INTAKE_DECIDE),
        },
    )
