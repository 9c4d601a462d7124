"""The operations on criminal dossiers: open and change a dossier (with the centre's own
civil-party claim), its victims and its status timeline. Every change is validated, made and
audited in one transaction; the dossier's outcome, verdict and appeal are derived from the
timeline, never typed in."""

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Min, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.accounts.models import User
from haven.audit import services as audit
from haven.audit.models import Action
from haven.centres.models import Centre
from haven.clients import glass
from haven.clients.models import Client
from haven.core.numbering import next_code
from haven.legal.access import visible_dossiers, visible_victims
from haven.legal.models import Dossier, DossierEvent, EventKind, Outcome, Verdict, Victim
from haven.partners.models import Partner, PartnerKind

DOSSIER_FIELDS = (
    "office_kind",
    "office",
    "notice_number",
    "investigating_service",
    "investigator",
    "opened_on",
    "centre_civil_party_on",
    "centre_lawyer",
    "centre_compensation_claimed",
    "centre_compensation_awarded",
)
VICTIM_FIELDS = (
    "complaint_on",
    "statement_on",
    "civil_party_on",
    "lawyer",
    "compensation_claimed",
    "compensation_awarded",
    "compensation_received",
)
EVENT_FIELDS = ("kind", "date", "court", "verdict", "note")

INVESTIGATOR_KINDS = (
    PartnerKind.LOCAL_POLICE,
    PartnerKind.FEDERAL_POLICE,
    PartnerKind.SOCIAL_INSPECTION,
)
# The steps that decide where the dossier stands, and the outcome each gives.
DECISIVE = {
    EventKind.DISMISSED: Outcome.DISMISSED,
    EventKind.NON_SUIT: Outcome.NON_SUIT,
    EventKind.REFERRED: Outcome.COURT,
}
VERDICTS = (Verdict.CONVICTION, Verdict.PARTIAL_ACQUITTAL, Verdict.ACQUITTAL)
EARLIEST = datetime.date(1990, 1, 1)


# Pickers ---------------------------------------------------------------------------------


def _partners(centre: Centre | None, kinds: Iterable[str], keep: int | None) -> QuerySet[Partner]:
    if centre is None:
        return Partner.objects.none()
    chosen = Q(kind__in=list(kinds), is_active=True)
    if keep is not None:
        chosen |= Q(pk=keep)  # an edit never silently drops the partner already named
    return Partner.objects.for_centre(centre).filter(chosen).order_by("name", "id")


def lawyers(centre: Centre | None, keep: int | None = None) -> QuerySet[Partner]:
    """The lawyers a form offers: the centre's active ones (plus the one already named)."""
    return _partners(centre, [PartnerKind.LAWYER], keep)


def investigators(centre: Centre | None, keep: int | None = None) -> QuerySet[Partner]:
    """The police zones and inspection services a form offers as investigating service."""
    return _partners(centre, INVESTIGATOR_KINDS, keep)


# Validation ------------------------------------------------------------------------------


def _partner_error(
    partner: Partner | None, centre: Centre, kinds: Iterable[str], current: int | None
) -> bool:
    """Whether ``partner`` may not be named here (another centre, wrong kind, inactive)."""
    if partner is None or partner.pk == current:
        return False
    return partner.centre_id != centre.pk or partner.kind not in kinds or not partner.is_active


def _not_negative(data: dict[str, Any], names: Iterable[str], errors: dict[str, str]) -> None:
    for name in names:
        value = data.get(name)
        if value is not None and value < 0:
            errors[name] = _("An amount cannot be negative.")


def _not_future(data: dict[str, Any], names: Iterable[str], errors: dict[str, str]) -> None:
    today = timezone.localdate()
    for name in names:
        value = data.get(name)
        if value is not None and value > today:
            errors[name] = _("This date cannot be in the future.")
        elif value is not None and value < EARLIEST:
            errors[name] = _("This date cannot be before 1990; check the year.")


def validate_dossier(centre: Centre, data: dict[str, Any], dossier: Dossier | None = None) -> None:
    """Raise a ValidationError (per field) when the dossier's own data break a rule."""
    errors: dict[str, str] = {}
    opened_on = data.get("opened_on")
    if opened_on is None:
        errors["opened_on"] = _("Give the date the dossier was opened.")
    _not_future(data, ["opened_on", "centre_civil_party_on"], errors)
    if dossier is not None and opened_on is not None and "opened_on" not in errors:
        first = dossier.events.aggregate(first=Min("date"))["first"]
        if first is not None and opened_on > first:
            errors["opened_on"] = _("The dossier cannot open after its first step (%(date)s).") % {
                "date": first.isoformat()
            }
    if _partner_error(
        data.get("investigator"),
        centre,
        INVESTIGATOR_KINDS,
        dossier.investigator_id if dossier else None,
    ):
        errors["investigator"] = _("Choose an active police zone or inspection service.")
    if _partner_error(
        data.get("centre_lawyer"),
        centre,
        [PartnerKind.LAWYER],
        dossier.centre_lawyer_id if dossier else None,
    ):
        errors["centre_lawyer"] = _("Choose an active lawyer of your centre's directory.")
    _not_negative(data, ["centre_compensation_claimed", "centre_compensation_awarded"], errors)
    if errors:
        raise ValidationError(errors)


def validate_victim(centre: Centre, data: dict[str, Any], victim: Victim | None = None) -> None:
    """Raise a ValidationError (per field) for impossible dates or amounts."""
    errors: dict[str, str] = {}
    _not_future(data, ["complaint_on", "statement_on", "civil_party_on"], errors)
    if _partner_error(
        data.get("lawyer"), centre, [PartnerKind.LAWYER], victim.lawyer_id if victim else None
    ):
        errors["lawyer"] = _("Choose an active lawyer of your centre's directory.")
    amounts = ["compensation_claimed", "compensation_awarded", "compensation_received"]
    _not_negative(data, amounts, errors)
    awarded: Decimal | None = data.get("compensation_awarded")
    received: Decimal | None = data.get("compensation_received")
    # Without an award the victim may still receive something (a settlement, the Fund for
    # victims of violent acts); with one, more than awarded is a typing error.
    if (
        awarded is not None
        and received is not None
        and received > awarded
        and "compensation_received" not in errors
    ):
        errors["compensation_received"] = _("More cannot be received than was awarded.")
    if errors:
        raise ValidationError(errors)


def _validate_victims(by: Any, dossier: Dossier | None, clients: list[Client]) -> None:
    if not clients:
        raise ValidationError({"client": _("A dossier concerns at least one victim.")})
    for client in clients:
        if client.centre_id != by.centre_id:
            raise ValidationError({"client": _("Choose a client of your centre.")})
        if not glass.may_read_tracks_of(by, client):
            raise ValidationError(
                {"client": _("You may name only clients whose file is open to you.")}
            )
    if len({client.pk for client in clients}) != len(clients):
        raise ValidationError({"client": _("A client is a victim in a dossier only once.")})
    if dossier is not None and dossier.victims.filter(client__in=clients).exists():
        raise ValidationError({"client": _("This client is already a victim in this dossier.")})


def validate_event(
    dossier: Dossier, data: dict[str, Any], event: DossierEvent | None = None
) -> None:
    """Raise a ValidationError (per field) when a step does not fit the dossier's timeline."""
    errors: dict[str, str] = {}
    kind = data.get("kind")
    day = data.get("date")
    if kind not in EventKind.values:
        errors["kind"] = _("Choose the kind of step.")
    if day is None:
        errors["date"] = _("Give the date of the step.")
    elif dossier.opened_on is not None and day < dossier.opened_on:
        errors["date"] = _("A step cannot be before the dossier opened (%(date)s).") % {
            "date": dossier.opened_on.isoformat()
        }
    elif kind != EventKind.HEARING and day > timezone.localdate():
        errors["date"] = _("Only a hearing can be planned in the future.")
    if kind == EventKind.HEARING and not (data.get("court") or "").strip():
        errors["court"] = _("Say which court holds the hearing.")
    if kind == EventKind.VERDICT and data.get("verdict") not in VERDICTS:
        errors["verdict"] = _("Choose the verdict.")
    if not errors:
        others = [e for e in dossier.events.all() if event is None or e.pk != event.pk]
        steps = [(e.kind, e.date) for e in others] + [(kind, day)]
        errors.update(_timeline_errors(steps, changed=(kind, day)))
    if errors:
        raise ValidationError(errors)


def _timeline_errors(
    steps: list[tuple[Any, Any]], changed: tuple[Any, Any] | None = None
) -> dict[str, str]:
    """The rules that tie steps together: a verdict follows a referral to court, an appeal a
    verdict. ``changed`` is the step being saved (its errors go to its fields)."""
    referrals = [day for kind, day in steps if kind == EventKind.REFERRED]
    verdicts = [day for kind, day in steps if kind == EventKind.VERDICT]
    for kind, day in steps:
        if kind == EventKind.VERDICT and not any(r <= day for r in referrals):
            if changed == (kind, day):
                return {"kind": _("A verdict follows a referral to court: record that first.")}
            return {"__all__": _("A verdict of this dossier would no longer follow a referral.")}
        if kind == EventKind.APPEAL and not any(v <= day for v in verdicts):
            if changed == (kind, day):
                return {"kind": _("An appeal follows a verdict: record the verdict first.")}
            return {"__all__": _("An appeal of this dossier would no longer follow a verdict.")}
    return {}


# Dossiers --------------------------------------------------------------------------------


def next_dossier_code(centre: Centre, year: int) -> str:
    return next_code(Dossier.objects.filter(centre=centre), "code", f"{centre.code}-D-{year}-")


@transaction.atomic
def create_dossier(*, by: User, data: dict[str, Any], victims: list[Client]) -> Dossier:
    """Open a dossier in the writer's centre, with at least one victim the writer may see."""
    centre = by.centre
    assert centre is not None
    validate_dossier(centre, data)
    _validate_victims(by, None, victims)
    dossier = Dossier(centre=centre, created_by=by)
    for name in DOSSIER_FIELDS:
        if name in data:
            setattr(dossier, name, data[name])
    dossier.notice_number = dossier.notice_number or ""
    dossier.investigating_service = dossier.investigating_service or ""
    assert dossier.opened_on is not None  # validate_dossier requires it
    dossier.code = next_dossier_code(centre, dossier.opened_on.year)
    dossier.save()
    audit.record(Action.CREATE, actor=by, obj=dossier, changes=audit.created(dossier))
    for client in victims:
        victim = Victim.objects.create(centre=centre, dossier=dossier, client=client)
        audit.record(Action.CREATE, actor=by, obj=victim, changes=audit.created(victim))
    return dossier


@transaction.atomic
def update_dossier(*, by: User, dossier: Dossier, data: dict[str, Any]) -> Dossier:
    """Change the dossier's office, notice number, investigating service, opening date and the
    centre's own civil-party claim (date, lawyer, compensation); audited."""
    validate_dossier(dossier.centre, data, dossier)
    values = {name: data[name] for name in DOSSIER_FIELDS if name in data}
    for name in ("notice_number", "investigating_service"):
        if name in values:
            values[name] = values[name] or ""
    audit.save_changes(dossier, values, by=by)
    return dossier


def open_dossier(*, by: User, dossier: Dossier, shown: list[Victim]) -> None:
    """Record that the user read the dossier and which victims it showed them."""
    codes = ", ".join(victim.client.file_code for victim in shown)
    with transaction.atomic():
        audit.record(Action.VIEW, actor=by, obj=dossier, note=f"victims shown: {codes}")


# Victims ---------------------------------------------------------------------------------


@transaction.atomic
def add_victim(*, by: User, dossier: Dossier, client: Client, data: dict[str, Any]) -> Victim:
    """Name one more victim (a client the writer may see) in the dossier; audited."""
    _validate_victims(by, dossier, [client])
    validate_victim(dossier.centre, data)
    victim = Victim(centre=dossier.centre, dossier=dossier, client=client)
    for name in VICTIM_FIELDS:
        if name in data:
            setattr(victim, name, data[name])
    victim.save()
    audit.record(Action.CREATE, actor=by, obj=victim, changes=audit.created(victim))
    return victim


@transaction.atomic
def update_victim(*, by: User, victim: Victim, data: dict[str, Any]) -> Victim:
    """Record a victim's complaint and statement, civil-party claim, lawyer and compensation."""
    validate_victim(victim.centre, data, victim)
    audit.save_changes(victim, {n: data[n] for n in VICTIM_FIELDS if n in data}, by=by)
    return victim


@transaction.atomic
def remove_victim(*, by: User, victim: Victim) -> None:
    """Take a victim out of the dossier (named by mistake); a dossier keeps at least one."""
    dossier = Dossier.objects.select_for_update().get(pk=victim.dossier_id)
    if dossier.victims.count() <= 1:
        raise ValidationError(_("A dossier concerns at least one victim: this is the last one."))
    audit.record(Action.DELETE, actor=by, obj=victim, changes=audit.created(victim))
    victim.delete()


# The status timeline ---------------------------------------------------------------------


def _clean_event(data: dict[str, Any]) -> dict[str, Any]:
    values = {name: data.get(name) or "" for name in ("court", "note")}
    values.update(kind=data["kind"], date=data["date"])
    # Only a verdict step carries a verdict: a value left in the form of another kind is dropped.
    values["verdict"] = (data.get("verdict") or "") if data["kind"] == EventKind.VERDICT else ""
    values["court"] = values["court"].strip()
    return values


@transaction.atomic
def add_event(*, by: User, dossier: Dossier, data: dict[str, Any]) -> DossierEvent:
    """Add a step to the timeline (a hearing with its court, a verdict, an appeal ...), then
    derive where the dossier stands; audited."""
    dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
    validate_event(dossier, data)
    event = DossierEvent(
        centre=dossier.centre, dossier=dossier, created_by=by, **_clean_event(data)
    )
    event.save()
    audit.record(Action.CREATE, actor=by, obj=event, changes=audit.created(event))
    derive_outcome(dossier, by=by)
    return event


@transaction.atomic
def update_event(*, by: User, event: DossierEvent, data: dict[str, Any]) -> DossierEvent:
    """Correct a step (a hearing postponed, a verdict's date); audited, outcome derived."""
    dossier = Dossier.objects.select_for_update().get(pk=event.dossier_id)
    validate_event(dossier, data, event)
    audit.save_changes(event, _clean_event(data), by=by)
    derive_outcome(dossier, by=by)
    return event


@transaction.atomic
def delete_event(*, by: User, event: DossierEvent) -> None:
    """Delete a step recorded by mistake, unless a later step depends on it; audited."""
    dossier = Dossier.objects.select_for_update().get(pk=event.dossier_id)
    steps = [(e.kind, e.date) for e in dossier.events.exclude(pk=event.pk)]
    if _timeline_errors(steps):
        raise ValidationError(
            _(
                "A later step depends on this one (an appeal on its verdict, a verdict on its "
                "referral): delete that first."
            )
        )
    audit.record(Action.DELETE, actor=by, obj=event, changes=audit.created(event))
    event.delete()
    derive_outcome(dossier, by=by)


def derive_outcome(dossier: Dossier, *, by: User | None = None) -> dict[str, Any]:
    """Recompute and save where the dossier stands from its timeline: the outcome is the
    latest dismissal, non-suit or referral (pending without one), the verdict the latest
    verdict, appealed whether an appeal follows that verdict. Returns the changes (audited)."""
    events = list(DossierEvent.objects.filter(dossier=dossier).order_by("date", "id"))
    decisive = [e for e in events if e.kind in DECISIVE]
    verdicts = [e for e in events if e.kind == EventKind.VERDICT]
    last = decisive[-1] if decisive else None
    verdict = verdicts[-1] if verdicts else None
    values = {
        "outcome": DECISIVE[EventKind(last.kind)] if last else Outcome.PENDING,
        "outcome_date": last.date if last else None,
        "verdict": verdict.verdict if verdict else "",
        "verdict_date": verdict.date if verdict else None,
        "appealed": verdict is not None
        and any(e.kind == EventKind.APPEAL and e.date >= verdict.date for e in events),
    }
    if all(getattr(dossier, name) == value for name, value in values.items()):
        return {}
    with transaction.atomic():
        return audit.save_changes(dossier, values, by=by)


# Reading ---------------------------------------------------------------------------------


def upcoming_hearings(
    user: Any, start: datetime.date, end: datetime.date
) -> QuerySet[DossierEvent]:
    """The hearings from ``start`` to ``end`` (inclusive) of the dossiers the user may see,
    soonest first (for the deadlines page)."""
    return (
        DossierEvent.objects.for_centre(user.centre)
        .filter(
            kind=EventKind.HEARING,
            date__gte=start,
            date__lte=end,
            dossier__in=visible_dossiers(user),
        )
        .select_related("dossier")
        .order_by("date", "id")
    )


def shown_victims(user: Any, dossier: Dossier) -> tuple[list[Victim], int]:
    """The dossier's victims the user may see, and how many others there are."""
    shown = list(
        visible_victims(user)
        .filter(dossier=dossier)
        .select_related("client", "lawyer")
        .order_by("id")
    )
    hidden = Victim.objects.filter(dossier=dossier).count() - len(shown)
    return shown, hidden
