"""The centre's outreach work: record, change and remove a training, a delegation received or an
awareness session (each audited), the list's filters and the yearly totals the annual report
publishes (REPORT.md, outreach: trainings, professionals trained, delegations, awareness
participants)."""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext as _

from haven.accounts.models import User
from haven.audit import services as audit
from haven.audit.models import Action
from haven.centres.models import Centre
from haven.outreach.models import Activity, Kind

FIELDS = ("date", "kind", "title", "participants", "audience", "country", "notes")
TEXT_FIELDS = ("title", "audience", "notes")
EARLIEST_YEAR = 1990


def validate(data: dict[str, Any]) -> None:
    """Raise a ValidationError (per field) when the activity breaks a rule."""
    errors: dict[str, str] = {}
    date = data.get("date")
    if not isinstance(date, datetime.date):
        errors["date"] = _("Give the date of the activity.")
    elif date.year < EARLIEST_YEAR:
        errors["date"] = _("Give a date from %(year)s on.") % {"year": EARLIEST_YEAR}
    if data.get("kind") not in Kind.values:
        errors["kind"] = _("Choose the kind of activity.")
    participants = data.get("participants")
    if not isinstance(participants, int) or isinstance(participants, bool):
        errors["participants"] = _("Give the number of participants.")
    elif participants < 0:
        errors["participants"] = _("The number of participants cannot be negative.")
    if errors:
        raise ValidationError(errors)


def _values(data: dict[str, Any]) -> dict[str, Any]:
    values = {name: data.get(name) for name in FIELDS}
    for name in TEXT_FIELDS:
        values[name] = (values[name] or "").strip()
    # Counted as written: one spacing, so that "social  services" is "social services".
    values["audience"] = " ".join(str(values["audience"]).split())
    return values


@transaction.atomic
def create_activity(*, by: User, centre: Centre, data: dict[str, Any]) -> Activity:
    """Record a training, a delegation or an awareness session; audited."""
    validate(data)
    activity = Activity.objects.create(centre=centre, created_by=by, **_values(data))
    audit.record(Action.CREATE, actor=by, obj=activity, changes=audit.created(activity))
    return activity


@transaction.atomic
def update_activity(*, by: User, activity: Activity, data: dict[str, Any]) -> Activity:
    """Change an activity; audited (nothing is written when nothing changed)."""
    validate(data)
    audit.save_changes(activity, _values(data), by=by)
    return activity


@transaction.atomic
def delete_activity(*, by: User, activity: Activity) -> None:
    """Remove an activity recorded by mistake; the audit entry keeps what it was."""
    removed = {
        name: {"from": change["to"], "to": None}
        for name, change in audit.created(activity).items()
        if name not in ("centre_id", "created_by_id")
    }
    audit.record(Action.DELETE, actor=by, obj=activity, changes=removed)
    activity.delete()


def search(centre: Centre | None, *, year: int | None = None, kind: str = "") -> QuerySet[Activity]:
    """The centre's activities, newest first, of one year and one kind when given."""
    activities = Activity.objects.for_centre(centre).select_related("country")
    if year:
        activities = activities.filter(date__year=year)
    if kind:
        activities = activities.filter(kind=kind)
    return activities


def years(centre: Centre | None) -> list[int]:
    """The years the centre has activities in, newest first (the list's year filter)."""
    return [
        day.year for day in Activity.objects.for_centre(centre).dates("date", "year", order="DESC")
    ]


def totals_by_year(centre: Centre | None, *, year: int | None = None) -> list[dict[str, int]]:
    """Per year, newest first: trainings, professionals trained (their participants),
    delegations received and awareness participants, as REPORT.md counts them."""
    activities = Activity.objects.for_centre(centre)
    if year:
        activities = activities.filter(date__year=year)
    training = Q(kind=Kind.TRAINING)
    awareness = Q(kind=Kind.AWARENESS)
    rows = (
        activities.order_by()
        .annotate(year=ExtractYear("date"))
        .values("year")
        .annotate(
            trainings=Count("id", filter=training),
            professionals_trained=Sum("participants", filter=training, default=0),
            delegations=Count("id", filter=Q(kind=Kind.DELEGATION)),
            awareness_participants=Sum("participants", filter=awareness, default=0),
        )
        .order_by("-year")
    )
    return [dict(row) for row in rows]


# Offered as suggestions while typing an audience, so that a category is spelt one way.
SUGGESTED_AUDIENCES = (
    "police",
    "social inspection",
    "magistrates",
    "guardians",
    "lawyers",
    "reception centres",
    "social services",
    "medical staff",
)


def audiences(centre: Centre | None) -> list[str]:
    """The audiences the centre wrote before, with the usual ones, alphabetically."""
    written = (
        Activity.objects.for_centre(centre)
        .exclude(audience="")
        .order_by()
        .values_list("audience", flat=True)
        .distinct()
    )
    return sorted({*SUGGESTED_AUDIENCES, *written}, key=str.casefold)
