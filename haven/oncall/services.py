"""The on-call rota: who answers the phone when, and who backs them up.

Every change is validated and audited in the transaction that makes it. The rules: a shift
ends after it starts, its person is an active member of the centre's staff, a centre never has
two people "on call" (first line) at the same moment, and nobody holds two shifts at once.
"""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from haven.accounts.models import User
from haven.audit import services as audit
from haven.audit.models import Action
from haven.centres.models import Centre
from haven.oncall.models import Shift, ShiftRole

ROTA_AHEAD = datetime.timedelta(weeks=4)
PAST_WINDOW = datetime.timedelta(days=30)
# A guard against a mistyped year, not a labour rule: a week-long on-call turn fits easily.
LONGEST_SHIFT = datetime.timedelta(days=31)
FIELDS = ("user", "role", "starts_at", "ends_at", "phone")


@dataclass
class RotaDay:
    """The shifts that start on one local day."""

    date: datetime.date
    shifts: list[Shift] = field(default_factory=list)


def staff_for(centre: Centre | None) -> QuerySet[User]:
    """The people who may be put on the rota: the centre's active accounts."""
    if centre is None:
        return User.objects.none()
    return User.objects.filter(centre=centre, is_active=True).order_by(
        "first_name", "last_name", "username"
    )


def _first_line_first(shift: Shift) -> tuple[datetime.datetime, bool, int]:
    return shift.starts_at, shift.role != ShiftRole.FIRST, shift.pk


def rota(
    centre: Centre | None, *, now: datetime.datetime, show_past: bool = False
) -> list[RotaDay]:
    """The centre's shifts still running or starting in the next four weeks, per local day.

    With ``show_past`` the shifts of the last 30 days come first.
    """
    since = now - PAST_WINDOW if show_past else now
    shifts = (
        Shift.objects.for_centre(centre)
        .filter(ends_at__gt=since, starts_at__lt=now + ROTA_AHEAD)
        .select_related("user")
    )
    days: list[RotaDay] = []
    for shift in sorted(shifts, key=_first_line_first):
        day = timezone.localdate(shift.starts_at)
        if not days or days[-1].date != day:
            days.append(RotaDay(date=day))
        days[-1].shifts.append(shift)
    return days


def on_call_now(centre: Centre | None, moment: datetime.datetime) -> list[Shift]:
    """The shifts running at ``moment``: the person on call first, then the back-ups."""
    shifts = (
        Shift.objects.for_centre(centre)
        .filter(starts_at__lte=moment, ends_at__gt=moment)
        .select_related("user")
    )
    return sorted(shifts, key=lambda s: (s.role != ShiftRole.FIRST, s.starts_at, s.pk))


def _moment(value: datetime.datetime) -> str:
    return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")


def validate_shift(centre: Centre, data: dict[str, Any], *, shift: Shift | None = None) -> None:
    """Raise a ValidationError (per field) when the shift would break a rule of the rota."""
    user: User = data["user"]
    starts_at: datetime.datetime = data["starts_at"]
    ends_at: datetime.datetime = data["ends_at"]
    errors: dict[str, list[str]] = {}
    if ends_at <= starts_at:
        errors["ends_at"] = [_("The shift must end after it starts: check the end date and time.")]
    elif ends_at - starts_at > LONGEST_SHIFT:
        errors["ends_at"] = [
            _("A shift lasts at most %(days)s days: check the end date.")
            % {"days": LONGEST_SHIFT.days}
        ]
    if user.centre_id != centre.pk or not user.is_active:
        errors["user"] = [_("Choose an active member of this centre's staff.")]
    if errors:
        raise ValidationError(errors)

    overlapping = Shift.objects.filter(starts_at__lt=ends_at, ends_at__gt=starts_at).select_related(
        "user"
    )
    if shift is not None and shift.pk is not None:
        overlapping = overlapping.exclude(pk=shift.pk)
    problems = []
    if data["role"] == ShiftRole.FIRST:
        other = overlapping.filter(centre=centre, role=ShiftRole.FIRST).first()
        if other is not None:
            problems.append(
                _(
                    "%(name)s is already on call from %(start)s to %(end)s. Change the times, "
                    "or make this a back-up shift."
                )
                % {
                    "name": other.user,
                    "start": _moment(other.starts_at),
                    "end": _moment(other.ends_at),
                }
            )
    own = overlapping.filter(user=user).first()
    if own is not None:
        problems.append(
            _("%(name)s already has a shift from %(start)s to %(end)s (%(role)s).")
            % {
                "name": user,
                "start": _moment(own.starts_at),
                "end": _moment(own.ends_at),
                "role": own.get_role_display(),
            }
        )
    if problems:
        raise ValidationError({NON_FIELD_ERRORS: problems})


def _lock_rota(centre: Centre) -> None:
    # Two directors saving at once must not both pass the overlap check.
    Centre.objects.select_for_update().filter(pk=centre.pk).first()


@transaction.atomic
def create_shift(*, by: User, centre: Centre, data: dict[str, Any]) -> Shift:
    """Put someone on the rota."""
    _lock_rota(centre)
    values = {name: data[name] for name in FIELDS}
    validate_shift(centre, values)
    shift = Shift.objects.create(centre=centre, **values)
    audit.record(Action.CREATE, actor=by, obj=shift, changes=audit.created(shift))
    return shift


@transaction.atomic
def update_shift(*, by: User, shift: Shift, data: dict[str, Any]) -> Shift:
    """Change who, when, or the phone number of a shift."""
    _lock_rota(shift.centre)
    values = {name: data[name] for name in FIELDS}
    validate_shift(shift.centre, values, shift=shift)
    audit.save_changes(shift, values, by=by)
    return shift


@transaction.atomic
def delete_shift(*, by: User, shift: Shift) -> None:
    """Take a shift off the rota; the audit entry keeps what it was."""
    removed = {
        name: {"from": change["to"], "to": None} for name, change in audit.created(shift).items()
    }
    audit.record(Action.DELETE, actor=by, obj=shift, changes=removed)
    shift.delete()
