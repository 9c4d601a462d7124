"""The period of the report: typed dates or a preset, read from the query string."""

import datetime
from typing import Any

from django import forms
from django.db.models import Min
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from haven.centres.models import Centre

# by_year lists every year of the period: a typo such as 0202 must not ask for 1,800 of them.
MAX_YEARS = 60

PRESETS = {
    "last_year": gettext_lazy("Last year"),
    "this_year": gettext_lazy("This year so far"),
    "last_5_years": gettext_lazy("Last 5 years"),
    "all": gettext_lazy("The whole history"),
}
DEFAULT_PRESET = "last_year"


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PeriodForm(forms.Form):
    """A period, both days included: ``from`` and ``to`` in the query string."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Named as in the download links (``?from=...&to=...``): not Python names.
        self.fields["from"] = forms.DateField(label=gettext_lazy("From"), widget=_date_input())
        self.fields["to"] = forms.DateField(
            label=gettext_lazy("To (included)"), widget=_date_input()
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("from"), data.get("to")
        if start and end:
            if end < start:
                self.add_error("to", _("The period ends before it starts."))
            elif end.year - start.year >= MAX_YEARS:
                self.add_error(
                    "to", _("Choose a period of at most %(years)d years.") % {"years": MAX_YEARS}
                )
        return data

    @property
    def period(self) -> tuple[datetime.date, datetime.date]:
        """The valid period (call after is_valid)."""
        return self.cleaned_data["from"], self.cleaned_data["to"]


def first_record(centre: Centre | None) -> datetime.date | None:
    """The day of a centre's first record counted by the report (every centre's for None):
    the earliest intake, guidance, stay, document, return, dossier, contact or activity."""
    from haven.appointments.models import Appointment
    from haven.guidance.models import Episode
    from haven.history.mapping import local_date
    from haven.intake.models import Intake
    from haven.legal.models import Dossier
    from haven.outreach.models import Activity
    from haven.residence.models import ResidenceDocument, VoluntaryReturn
    from haven.shelter.models import Assignment

    dates: list[Any] = []
    for model, field in (
        (Intake, "received_at"),
        (Episode, "start_date"),
        (Assignment, "start"),
        (ResidenceDocument, "issued_on"),
        (VoluntaryReturn, "returned_on"),
        (Dossier, "opened_on"),
        (Dossier, "outcome_date"),
        (Appointment, "starts_at"),
        (Activity, "date"),
    ):
        rows = model.objects.all() if centre is None else model.objects.filter(centre=centre)
        first = rows.aggregate(first=Min(field))["first"]
        if isinstance(first, datetime.datetime):
            first = local_date(first)
        if first is not None:
            dates.append(first)
    return min(dates) if dates else None


def preset_period(
    name: str, today: datetime.date, centre: Centre | None
) -> tuple[datetime.date, datetime.date]:
    """The first and last day of a preset, seen from ``today``; the whole history starts at
    the first record (this year when there is none)."""
    if name == "this_year":
        return datetime.date(today.year, 1, 1), today
    if name == "last_5_years":
        return datetime.date(today.year - 5, 1, 1), datetime.date(today.year - 1, 12, 31)
    if name == "all":
        first = first_record(centre) or datetime.date(today.year, 1, 1)
        return min(first, today), today
    return datetime.date(today.year - 1, 1, 1), datetime.date(today.year - 1, 12, 31)


def period_form(query: Any, today: datetime.date, centre: Centre | None) -> tuple[PeriodForm, str]:
    """The form for a query string, and the preset chosen: a preset (or nothing typed, which
    means the default preset) fills the dates in; typed dates are checked as typed."""
    preset = query.get("preset", "")
    if preset in PRESETS or not ("from" in query or "to" in query):
        preset = preset if preset in PRESETS else DEFAULT_PRESET
        start, end = preset_period(preset, today, centre)
        form = PeriodForm({"from": start.isoformat(), "to": end.isoformat()})
    else:
        form = PeriodForm(query)
    return form, preset
