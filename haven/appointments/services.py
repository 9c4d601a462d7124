"""The operations on appointments: plan, change (mark done, missed, cancelled; record the
interpreter's minutes), list a week, and count the hours the annual report needs."""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.accounts.models import User
from haven.accounts.permissions import Permission, Role, role_has
from haven.appointments.models import MAX_DURATION_MINUTES, Appointment, Kind, Status
from haven.audit import services as audit
from haven.audit.models import Action
from haven.centres.models import Centre

FIELDS = (
    "client",
    "starts_at",
    "duration_minutes",
    "kind",
    "place",
    "place_detail",
    "track",
    "worker",
    "interpreter_language",
    "interpreter_minutes",
    "status",
    "notes",
)


def workers_for(centre: Centre | None) -> QuerySet[User]:
    """The people who may hold appointments: the centre's active accounts of case workers."""
    if centre is None:
        return User.objects.none()
    roles = [role.value for role in Role if role_has(role, Permission.APPOINTMENT_WRITE)]
    return User.objects.filter(centre=centre, is_active=True, role__in=roles).order_by(
        "first_name", "last_name", "username"
    )


def validate(centre: Centre, data: dict[str, Any]) -> None:
    """Raise a ValidationError (per field) when the appointment breaks a rule."""
    errors: dict[str, str] = {}
    duration = data.get("duration_minutes")
    if duration is None or duration <= 0:
        errors["duration_minutes"] = _("An appointment must end after it starts.")
    elif duration > MAX_DURATION_MINUTES:
        errors["duration_minutes"] = _("An appointment lasts at most %(hours)s hours.") % {
            "hours": MAX_DURATION_MINUTES // 60
        }
    minutes = data.get("interpreter_minutes") or 0
    if minutes < 0:
        errors["interpreter_minutes"] = _("Interpreter minutes cannot be negative.")
    worker = data.get("worker")
    if worker is None or worker.centre_id != centre.pk:
        errors["worker"] = _("Choose a worker of your centre.")
    client = data.get("client")
    if client is not None and client.centre_id != centre.pk:
        errors["client"] = _("Choose a client of your centre.")
    if client is None and data.get("kind") != Kind.GROUP:
        errors["client"] = _("Only a group activity can be without a client.")
    starts_at = data.get("starts_at")
    if data.get("status") == Status.DONE and starts_at is not None and starts_at > timezone.now():
        errors["status"] = _("An appointment in the future cannot be done yet.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_appointment(*, by: User, centre: Centre, data: dict[str, Any]) -> Appointment:
    """Plan (or record afterwards) one appointment; audited."""
    validate(centre, data)
    appointment = Appointment(centre=centre, created_by=by)
    for name in FIELDS:
        if name in data:
            setattr(appointment, name, data[name])
    appointment.save()
    audit.record(Action.CREATE, actor=by, obj=appointment, changes=audit.created(appointment))
    return appointment


@transaction.atomic
def update_appointment(*, by: User, appointment: Appointment, data: dict[str, Any]) -> Appointment:
    """Change an appointment: reschedule, mark done/missed/cancelled, record interpreter
    minutes; audited."""
    validate(appointment.centre, data)
    audit.save_changes(appointment, {k: v for k, v in data.items() if k in FIELDS}, by=by)
    return appointment


def week_of(value: str | None, today: datetime.date) -> datetime.date:
    """The Monday of an ISO week written ``YYYY-Www`` (as ``<input type=week>`` sends it), or
    of the current week for a missing or nonsensical value."""
    if value:
        try:
            return datetime.datetime.strptime(value.strip() + "-1", "%G-W%V-%u").date()
        except ValueError:
            pass
    return today - datetime.timedelta(days=today.weekday())


def local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def week(centre: Centre | None, monday: datetime.date, *, worker: User | None = None) -> list[Any]:
    """The appointments from Monday to Sunday (local time) as ``[(day, [appointment, ...])]``;
    one query whatever their number. ``worker=None`` gives the whole centre's week."""
    rows = Appointment.objects.for_centre(centre).filter(
        starts_at__gte=local_midnight(monday),
        starts_at__lt=local_midnight(monday + datetime.timedelta(days=7)),
    )
    if worker is not None:
        rows = rows.filter(worker=worker)
    rows = rows.select_related("client", "worker").order_by("starts_at", "pk")
    days: dict[datetime.date, list[Appointment]] = {
        monday + datetime.timedelta(days=n): [] for n in range(7)
    }
    for appointment in rows:
        days[timezone.localdate(appointment.starts_at)].append(appointment)
    return list(days.items())


@dataclass(frozen=True)
class Hours:
    """The psychosocial figures of a period, from done appointments."""

    individual_hours: Decimal
    interpreter_hours: Decimal
    group_sessions: int


def hours(centre: Centre | None, start: datetime.date, end: datetime.date) -> Hours:
    """Individual conversation hours, interpreter hours and group sessions of the done
    appointments starting from ``start`` to ``end`` inclusive (local dates). One aggregate
    query; cancelled and missed appointments do not count."""
    totals = (
        Appointment.objects.for_centre(centre)
        .filter(
            status=Status.DONE,
            starts_at__gte=local_midnight(start),
            starts_at__lt=local_midnight(end + datetime.timedelta(days=1)),
        )
        .aggregate(
            individual=Sum("duration_minutes", filter=Q(kind=Kind.INDIVIDUAL), default=0),
            interpreter=Sum("interpreter_minutes", default=0),
            groups=Count("pk", filter=Q(kind=Kind.GROUP)),
        )
    )
    return Hours(
        individual_hours=Decimal(totals["individual"]) / 60,
        interpreter_hours=Decimal(totals["interpreter"]) / 60,
        group_sessions=totals["groups"],
    )
