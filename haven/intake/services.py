"""Registering intakes, completing them, and the lists the teams work from.

Every change validates, saves and writes its audit entry in one transaction. Lists (queue,
since the last shift, search, export) return querysets that load the person, the assigned
worker and the screening in the same query, so a page costs the same whatever its length.
"""

import csv
import datetime
import io
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.accounts.models import User
from haven.accounts.permissions import ROLE_PERMISSIONS, Permission
from haven.audit import services as audit
from haven.audit.models import Action
from haven.centres.models import Centre
from haven.clients import services as clients
from haven.clients.models import IDENTITY_FIELDS, Client
from haven.core import numbering
from haven.intake.models import (
    OPEN_OUTCOMES,
    Channel,
    IndicatorConclusion,
    Intake,
    Outcome,
    Referrer,
    Urgency,
)

EARLIEST = datetime.date(1990, 1, 1)
CLOCK_SKEW = datetime.timedelta(minutes=5)
CODE_ATTEMPTS = 5
# The fields a worker fills in; the rest (code, on-call, quick, registration) Haven sets.
INTAKE_FIELDS = (
    "received_at",
    "channel",
    "referrer",
    "referrer_organisation",
    "referrer_contact",
    "client",
    "languages",
    "summary",
    "urgency",
    "shelter_tonight",
    "assigned_to",
)
CHOICES = {"channel": Channel, "referrer": Referrer, "urgency": Urgency}
# Everything a list row shows, in the list's own query.
ROW_RELATIONS = ("client", "assigned_to", "screening")


# ---------------------------------------------------------------------------------------------
# Validation


def check_received_at(value: datetime.datetime, now: datetime.datetime | None = None) -> None:
    """An intake is received neither in the future (beyond clock skew) nor before 1990."""
    now = now or timezone.now()
    if value > now + CLOCK_SKEW:
        raise ValidationError(
            _("This moment is in the future. Enter when the request reached the centre."),
            code="future",
        )
    if timezone.localtime(value).date() < EARLIEST:
        raise ValidationError(
            _("Haven keeps intakes from 1990 on. Check the year."), code="too_early"
        )


def _validate(centre: Centre, data: dict[str, Any]) -> None:
    unknown = set(data) - set(INTAKE_FIELDS)
    if unknown:
        raise TypeError(f"not intake fields: {', '.join(sorted(unknown))}")
    errors: dict[str, list[ValidationError]] = {}
    if data.get("received_at") is not None:
        try:
            check_received_at(data["received_at"])
        except ValidationError as error:
            errors["received_at"] = [error]
    for name, choices in CHOICES.items():
        if name in data and data[name] not in choices.values:
            errors[name] = [ValidationError(_("Choose one of the listed options."), "invalid")]
    client = data.get("client")
    if client is not None and client.centre_id != centre.pk:
        errors["client"] = [ValidationError(_("This person is not a client of your centre."))]
    worker = data.get("assigned_to")
    if worker is not None and not _may_be_assigned(worker, centre):
        errors["assigned_to"] = [ValidationError(_("Choose a worker of your centre."))]
    if errors:
        raise ValidationError(errors)


def _may_be_assigned(worker: User, centre: Centre) -> bool:
    return worker.centre_id == centre.pk and worker.can(Permission.INTAKE_UPDATE)


def assignable_workers(centre: Centre | None) -> QuerySet[User]:
    """The staff an intake can be assigned to: active case workers of the centre."""
    if centre is None:
        return User.objects.none()
    roles = _roles_with(Permission.INTAKE_UPDATE)
    return User.objects.filter(centre=centre, is_active=True, role__in=roles)


def _roles_with(permission: Permission) -> list[str]:
    return [role.value for role, granted in ROLE_PERMISSIONS.items() if permission in granted]


# ---------------------------------------------------------------------------------------------
# Registering


def next_code(centre: Centre, year: int) -> str:
    """The next intake number of a centre for a year: ``BXL-I-2026-0042``.

    Numbers are compared as numbers, so a busy year may pass 9999 without starting over.
    """
    return numbering.next_code(
        Intake.objects.filter(centre=centre), "code", f"{centre.code}-I-{year}-"
    )


def register_intake(
    by: User,
    centre: Centre,
    data: dict[str, Any],
    submission_key: uuid.UUID | None = None,
    new_client_data: dict[str, Any] | None = None,
    *,
    quick: bool = False,
) -> Intake:
    """Register a request for help and audit it.

    The intake gets the centre's next number for the year it was received, is marked on call
    when received outside the centre's office hours, and records who registered it. With a
    ``submission_key`` (the key the form carried) a second submission of the same form returns
    the intake the first one created. ``new_client_data`` opens a client file for the person.
    """
    data = dict(data)
    if data.get("received_at") is None:
        data["received_at"] = timezone.now()
    _validate(centre, data)
    if submission_key is not None:
        existing = _submitted(centre, submission_key)
        if existing is not None:
            return existing
    received_year = timezone.localtime(data["received_at"]).year
    for attempt in range(CODE_ATTEMPTS):
        try:
            with transaction.atomic():
                intake = Intake(
                    centre=centre,
                    registered_by=by,
                    quick=quick,
                    on_call=not centre.is_office_hours(data["received_at"]),
                    **data,
                )
                if submission_key is not None:
                    intake.submission_key = submission_key
                intake.code = next_code(centre, received_year)
                intake.save()
                audit.record(Action.CREATE, actor=by, obj=intake, changes=audit.created(intake))
                if new_client_data is not None:
                    link_person(by, intake, new_client_data=new_client_data)
                return intake
        except IntegrityError:
            # Either the same form arrived twice at once, or two workers took the same number.
            if submission_key is not None:
                existing = _submitted(centre, submission_key)
                if existing is not None:
                    return existing
            if attempt == CODE_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def register_quick_intake(
    by: User,
    centre: Centre,
    data: dict[str, Any],
    submission_key: uuid.UUID | None = None,
) -> Intake:
    """The night's quick intake: a few fields, saved in one step, completed later by day."""
    return register_intake(by, centre, data, submission_key, quick=True)


def _submitted(centre: Centre, key: uuid.UUID) -> Intake | None:
    return Intake.objects.filter(centre=centre, submission_key=key).first()


# ---------------------------------------------------------------------------------------------
# Changing


@transaction.atomic
def update_intake(by: User, intake: Intake, data: dict[str, Any]) -> Intake:
    """Change an intake's details and audit what changed.

    Saving a quick intake through the full form completes it (``completed_at``): the day team
    has seen and filled it in. A changed moment of receipt re-decides the on-call flag.
    """
    _validate(intake.centre, data)
    stored = Intake.objects.select_for_update().get(pk=intake.pk)
    before = audit.snapshot(stored)
    for name, value in data.items():
        setattr(intake, name, value)
    intake.on_call = not intake.centre.is_office_hours(intake.received_at)
    if intake.quick and intake.completed_at is None:
        intake.completed_at = timezone.now()
    changes = audit.diff(before, intake)
    if changes:
        intake.save(update_fields=list(changes))
        audit.record(Action.UPDATE, actor=by, obj=intake, changes=changes)
    return intake


@transaction.atomic
def assign(by: User, intake: Intake, worker: User | None) -> Intake:
    """Give the intake to a worker of the centre (``None``: nobody yet)."""
    if worker is not None and not _may_be_assigned(worker, intake.centre):
        raise ValidationError(_("Choose a worker of your centre."))
    audit.save_changes(intake, {"assigned_to": worker}, by=by)
    return intake


@transaction.atomic
def link_person(
    by: User,
    intake: Intake,
    client: Client | None = None,
    new_client_data: dict[str, Any] | None = None,
) -> Intake:
    """Say whom the intake is about: an existing client of the centre, a new client file
    (opened through the clients' own service, with the intake's languages unless given), or
    nobody yet (both ``None``: the person stays, or becomes again, anonymous)."""
    if client is not None and new_client_data is not None:
        raise ValueError("either an existing client or a new one, not both")
    if client is not None and client.centre_id != intake.centre_id:
        raise ValidationError(_("This person is not a client of your centre."))
    if new_client_data is not None:
        client = clients.create_client(
            by=by,
            centre=intake.centre,
            data={"languages": intake.languages, **new_client_data},
        )
    audit.save_changes(intake, {"client": client}, by=by)
    return intake


# ---------------------------------------------------------------------------------------------
# Lists


def intakes_of(centre: Centre | None) -> QuerySet[Intake]:
    """A centre's intakes with everything a list row shows, newest first.

    A row never shows a client's identity, so those (encrypted, wide) columns are not read:
    nothing to decrypt, and narrower rows to join and sort."""
    return (
        Intake.objects.for_centre(centre)
        .select_related(*ROW_RELATIONS)
        .defer(*(f"client__{name}" for name in IDENTITY_FIELDS))
        .order_by("-received_at", "-id")
    )


def last_closing(centre: Centre, now: datetime.datetime) -> datetime.datetime:
    """The last moment the centre's office closed before ``now``.

    Walk back from today over the calendar, day by day, to the latest office day whose
    closing time (local time) is not after ``now``. During office hours that is therefore the
    previous office day's closing: on Tuesday at 10:00 it is Monday 17:00, on Monday morning
    Friday 17:00. A centre without office days counts the last 24 hours.
    """
    local = timezone.localtime(now)
    for days_back in range(8):
        day = local.date() - datetime.timedelta(days=days_back)
        if day.weekday() not in centre.office_days:
            continue
        closing = timezone.make_aware(datetime.datetime.combine(day, centre.office_closes))
        if closing <= now:
            return closing
    return now - datetime.timedelta(hours=24)


def since_last_shift(centre: Centre | None, now: datetime.datetime) -> QuerySet[Intake]:
    """The intakes received since the office last closed (``last_closing``), newest first:
    what the night brought, for the morning team. Decided ones included."""
    if centre is None:
        return Intake.objects.none()
    return intakes_of(centre).filter(received_at__gte=last_closing(centre, now))


# The outcome filter: "open" (the queue's default), "all", or one decision.
OPEN = "open"
ALL = "all"
NOT_SCREENED = "none"
NOBODY = "none"


@dataclass(frozen=True)
class Filters:
    """What the queue and its export are narrowed to; empty values filter nothing."""

    received_from: datetime.date | None = None
    received_to: datetime.date | None = None
    channel: str = ""
    referrer: str = ""
    outcome: str = OPEN
    on_call: bool | None = None
    conclusion: str = ""
    worker: str = ""
    query: str = ""

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> "Filters":
        known = {name: value for name, value in data.items() if name in cls.__dataclass_fields__}
        values = {name: value for name, value in known.items() if value not in (None, "")}
        return cls(**values)


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def apply_filters(intakes: QuerySet[Intake], filters: Filters) -> QuerySet[Intake]:
    """Narrow a list of intakes. Dates are local calendar days, ``received_to`` included;
    they compare with ``received_at`` directly so the (centre, received_at) indexes serve."""
    if filters.received_from:
        intakes = intakes.filter(received_at__gte=_start_of(filters.received_from))
    if filters.received_to:
        next_day = filters.received_to + datetime.timedelta(days=1)
        intakes = intakes.filter(received_at__lt=_start_of(next_day))
    if filters.channel:
        intakes = intakes.filter(channel=filters.channel)
    if filters.referrer:
        intakes = intakes.filter(referrer=filters.referrer)
    if filters.outcome == OPEN:
        intakes = intakes.filter(outcome__in=OPEN_OUTCOMES)
    elif filters.outcome in Outcome.values:
        intakes = intakes.filter(outcome=filters.outcome)
    if filters.on_call is not None:
        intakes = intakes.filter(on_call=filters.on_call)
    if filters.conclusion == NOT_SCREENED:
        intakes = intakes.filter(screening__isnull=True)
    elif filters.conclusion in IndicatorConclusion.values:
        intakes = intakes.filter(indicators=filters.conclusion)
    if filters.worker == NOBODY:
        intakes = intakes.filter(assigned_to__isnull=True)
    elif filters.worker.isdigit():
        intakes = intakes.filter(assigned_to_id=int(filters.worker))
    if filters.query:
        intakes = search(intakes, filters.query)
    return intakes


def search(intakes: QuerySet[Intake], query: str) -> QuerySet[Intake]:
    """Intakes whose number, or whose person's file code or pseudonym, contains ``query``.

    Never by identity: those fields are encrypted and stay out of every search.
    """
    query = query.strip()
    if not query:
        return intakes
    if numbering.is_code(query):
        code = query.upper()
        return intakes.filter(Q(code=code) | Q(client__file_code=code))
    return intakes.filter(
        Q(code__icontains=query)
        | Q(client__file_code__icontains=query)
        | Q(client__pseudonym__icontains=query)
    )


def queue(centre: Centre | None, filters: Filters | None = None) -> QuerySet[Intake]:
    """The intake queue: the centre's open intakes (until decided), newest first, filtered.
    An outcome filter other than "open" shows decided intakes too."""
    return apply_filters(intakes_of(centre), filters or Filters())


# ---------------------------------------------------------------------------------------------
# Export

EXPORT_COLUMNS = (
    "code",
    "received_at",
    "channel",
    "referrer",
    "referrer_organisation",
    "on_call",
    "urgency",
    "shelter_tonight",
    "client_file_code",
    "pseudonym",
    "outcome",
    "decided_on",
    "assigned_worker",
)
# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


def neutralise(value: str) -> str:
    """A cell a spreadsheet shows as text, never evaluates (CSV/formula injection)."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def export_row(intake: Intake) -> list[str]:
    """One intake as a CSV row: codes, no identity field of the person, ever."""
    client = intake.client
    worker = intake.assigned_to
    values = [
        intake.code,
        timezone.localtime(intake.received_at).replace(microsecond=0).isoformat(),
        intake.channel,
        intake.referrer,
        intake.referrer_organisation,
        "yes" if intake.on_call else "no",
        intake.urgency,
        "yes" if intake.shelter_tonight else "no",
        client.file_code if client else "",
        client.pseudonym if client else "",
        intake.outcome or OPEN,
        intake.decided_on.isoformat() if intake.decided_on else "",
        worker.get_username() if worker else "",
    ]
    return [neutralise(value) for value in values]


def export_csv(intakes: QuerySet[Intake]) -> Iterator[str]:
    """The CSV text of a list, in chunks: a byte order mark (so Excel reads UTF-8), a header
    and one row per intake, read from the database in batches."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(EXPORT_COLUMNS)
    yield BOM + flush()
    for number, intake in enumerate(intakes.iterator(chunk_size=2000), start=1):
        writer.writerow(export_row(intake))
        if number % 500 == 0:
            yield flush()
    yield flush()
