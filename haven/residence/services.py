"""The operations of the administrative track: residence documents and their renewals, the
client's stage in the protection procedure, regularisation, voluntary return and social rights.

Every change is validated here and audited in its own transaction; the client's denormalised
residence status (``Client.residence_valid_until`` and ``residence_renewal_pending``, read by
every list's flag) is refreshed by the same transaction that changed a document or a renewal.
"""

import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.accounts.models import User
from haven.audit import services as audit
from haven.audit.models import Action
from haven.centres.models import Centre
from haven.clients.models import Client
from haven.legal.models import Dossier
from haven.partners.models import Partner, PartnerKind
from haven.reference.models import Nationality
from haven.residence import status
from haven.residence.models import (
    PERMANENT,
    VALIDITY,
    Decision,
    DocumentType,
    ProsecutorView,
    Regularisation,
    RegularisationBasis,
    Renewal,
    ResidenceDocument,
    SocialRight,
    SocialRightKind,
    VoluntaryReturn,
    WorkAccess,
    proposed_valid_until,
)
from haven.residence.status import Stage

DOCUMENT_FIELDS = (
    "document",
    "issued_on",
    "valid_until",
    "municipality",
    "immigration_reference",
    "work_access",
    "notes",
)
RENEWAL_FIELDS = (
    "requested_on",
    "prosecutor_view",
    "prosecutor_view_on",
    "decision",
    "decided_on",
    "notes",
)
REGULARISATION_FIELDS = ("basis", "decided_on", "notes")
RETURN_FIELDS = ("returned_on", "country", "organisation", "notes")
SOCIAL_RIGHT_FIELDS = ("kind", "organisation", "start_on", "end_on", "notes")

# No record of the administrative track predates the centres' own history (the report covers
# thirty years); an earlier date is a typing error in the year.
EARLIEST = datetime.date(1990, 1, 1)
# How far ahead a date of something that happens (a document issued, a return, a social right
# opened) may lie: a card is often fetched at the municipality at an appointment a few weeks
# later, a return is booked, health insurance starts on the first of next month. Beyond a
# month it has not happened and is most likely a wrong year; the worker records it when it does.
AHEAD = datetime.timedelta(days=31)

# The first permanent document of a client regularises the stay, on this basis.
REGULARISED_BY = {
    DocumentType.B_CARD: RegularisationBasis.TRAFFICKING,
    DocumentType.HUMANITARIAN_PERMANENT: RegularisationBasis.HUMANITARIAN,
}
# Which directory entries may be named as the organisation of a social right.
ORGANISATION_KINDS = {
    SocialRightKind.WELFARE: (PartnerKind.WELFARE_CENTRE,),
    SocialRightKind.HEALTH_INSURANCE: (PartnerKind.HEALTH_INSURANCE,),
    SocialRightKind.OTHER: (PartnerKind.WELFARE_CENTRE, PartnerKind.HEALTH_INSURANCE),
}


def today() -> datetime.date:
    return timezone.localdate()


# ---------------------------------------------------------------------------------------------
# Choices offered by the forms


def municipalities(centre: Centre | None, *kept: int | None) -> QuerySet[Partner]:
    """The centre's active municipalities, plus those a record already names."""
    return _partners(centre, (PartnerKind.MUNICIPALITY,), kept)


def social_organisations(centre: Centre | None, *kept: int | None) -> QuerySet[Partner]:
    """The centre's active welfare centres and health insurance funds (plus those kept)."""
    return _partners(centre, ORGANISATION_KINDS[SocialRightKind.OTHER], kept)


def countries(*kept: str | None) -> QuerySet[Nationality]:
    """The countries a return may go to: the active nationalities of states that still exist
    (plus the one kept)."""
    codes = [code for code in kept if code]
    return Nationality.objects.filter(Q(is_active=True, is_former=False) | Q(code__in=codes))


def _partners(
    centre: Centre | None, kinds: Iterable[str], kept: Sequence[int | None]
) -> QuerySet[Partner]:
    pks = [pk for pk in kept if pk is not None]
    return Partner.objects.for_centre(centre).filter(
        Q(kind__in=list(kinds), is_active=True) | Q(pk__in=pks)
    )


# ---------------------------------------------------------------------------------------------
# Validation helpers


def _check_date(
    errors: dict[str, str],
    name: str,
    value: datetime.date | None,
    *,
    required: bool = True,
    ahead: datetime.timedelta = AHEAD,
) -> None:
    if value is None:
        if required:
            errors.setdefault(name, _("Give the date."))
    elif value < EARLIEST:
        errors.setdefault(name, _("A date before 1990 is not possible here; check the year."))
    elif value > today() + ahead:
        errors.setdefault(
            name, _("This date lies too far in the future; record it once it has happened.")
        )


def _check_partner(
    errors: dict[str, str],
    name: str,
    partner: Partner | None,
    centre: Centre,
    kinds: Iterable[str],
    kept: int | None = None,
) -> None:
    if partner is None or partner.pk == kept:
        return
    if partner.centre_id != centre.pk or not partner.is_active or partner.kind not in kinds:
        errors[name] = _("Choose an active entry of the right kind from your centre's directory.")


def _raise(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError(errors)


# ---------------------------------------------------------------------------------------------
# Residence documents


def validate_document(
    centre: Centre, data: dict[str, Any], *, current: ResidenceDocument | None = None
) -> None:
    """Raise a ValidationError (per field) when a document's values break a rule."""
    errors: dict[str, str] = {}
    kind = data.get("document")
    if kind not in DocumentType.values:
        errors["document"] = _("Choose the type of document.")
    issued_on = data.get("issued_on")
    _check_date(errors, "issued_on", issued_on)
    valid_until = data.get("valid_until")
    if kind in PERMANENT and valid_until is not None:
        errors["valid_until"] = _(
            "A document of indefinite validity has no valid-until date; leave it empty."
        )
    elif valid_until is not None and issued_on is not None and valid_until < issued_on:
        errors["valid_until"] = _("The valid-until date cannot be before the issue date.")
    elif (
        valid_until is None
        and kind in DocumentType.values
        and kind not in PERMANENT
        and kind not in VALIDITY
        and kind != DocumentType.OTHER
    ):
        errors["valid_until"] = _(
            "This type has no standard validity: give the valid-until date on the document."
        )
    if data.get("work_access", "") not in WorkAccess.values:
        errors["work_access"] = _("Choose one of the options.")
    _check_partner(
        errors,
        "municipality",
        data.get("municipality"),
        centre,
        (PartnerKind.MUNICIPALITY,),
        kept=current.municipality_id if current else None,
    )
    _raise(errors)


def _fill_document(document: ResidenceDocument, data: dict[str, Any]) -> None:
    for name in DOCUMENT_FIELDS:
        if name in data:
            setattr(document, name, data[name])
    document.notes = document.notes or ""
    document.work_access = document.work_access or ""
    document.immigration_reference = document.immigration_reference or ""
    if document.valid_until is None and document.document not in PERMANENT:
        document.valid_until = proposed_valid_until(document.document, document.issued_on)


@transaction.atomic
def register_document(*, by: User, client: Client, data: dict[str, Any]) -> ResidenceDocument:
    """Register a residence document of a client; audited. An empty valid-until date takes the
    standard validity of the type; the first permanent document records the regularisation."""
    validate_document(client.centre, data)
    return _create_document(by=by, client=client, data=data)


def _create_document(*, by: User, client: Client, data: dict[str, Any]) -> ResidenceDocument:
    document = ResidenceDocument(centre=client.centre, client=client, created_by=by)
    _fill_document(document, data)
    document.save()
    audit.record(Action.CREATE, actor=by, obj=document, changes=audit.created(document))
    _regularise_on_first_permanent(by=by, document=document)
    refresh_client_status(client)
    return document


@transaction.atomic
def update_document(
    *, by: User, document: ResidenceDocument, data: dict[str, Any]
) -> ResidenceDocument:
    """Correct a document's values; audited. Fields missing from ``data`` are kept (the
    Immigration Office reference for a worker who may not see it)."""
    before = audit.snapshot(ResidenceDocument.objects.select_for_update().get(pk=document.pk))
    values = {name: data.get(name, getattr(document, name)) for name in DOCUMENT_FIELDS}
    validate_document(document.centre, values, current=document)
    _fill_document(document, values)
    document.save()
    changes = audit.diff(before, document)
    if changes:
        audit.record(Action.UPDATE, actor=by, obj=document, changes=changes)
    _regularise_on_first_permanent(by=by, document=document)
    refresh_client_status(document.client)
    return document


def _regularise_on_first_permanent(*, by: User, document: ResidenceDocument) -> None:
    """A client's first permanent document regularises their stay: record it (once)."""
    basis = REGULARISED_BY.get(DocumentType(document.document))
    if basis is None:
        return
    client = document.client
    earlier = (
        ResidenceDocument.objects.filter(client=client, document__in=list(PERMANENT))
        .exclude(pk=document.pk)
        .exists()
    )
    if earlier or Regularisation.objects.filter(client=client, basis=basis).exists():
        return
    regularisation = Regularisation.objects.create(
        centre=client.centre,
        client=client,
        basis=basis,
        decided_on=document.issued_on,
        notes=_("Recorded with the %(document)s.") % {"document": document.get_document_display()},
    )
    audit.record(Action.CREATE, actor=by, obj=regularisation, changes=audit.created(regularisation))


def refresh_client_status(client: Client) -> None:
    """Copy the current document's validity and whether its renewal is pending onto the
    client (what every list's flag reads). The current document is the one issued last.

    Only the documents of a client in guidance (an open episode) are watched: once the
    guidance ended (a return home, a transfer), an expired card is no longer the centre's
    deadline. Guidance services call this when an episode opens or closes."""
    from haven.guidance.models import Episode

    if not Episode.objects.filter(client=client, end_date__isnull=True).exists():
        documents: list[ResidenceDocument] = []
    else:
        documents = list(
            ResidenceDocument.objects.filter(client=client).only(
                "id", "document", "issued_on", "valid_until"
            )
        )
    valid_until = status.current_validity(documents)
    latest = max(documents, key=lambda d: (d.issued_on, d.pk), default=None)
    pending = (
        latest is not None
        and Renewal.objects.filter(document=latest, decision=Decision.PENDING).exists()
    )
    if (client.residence_valid_until, client.residence_renewal_pending) == (valid_until, pending):
        return
    client.residence_valid_until = valid_until
    client.residence_renewal_pending = pending
    client.save(update_fields=["residence_valid_until", "residence_renewal_pending"])


def documents_of(client: Client) -> QuerySet[ResidenceDocument]:
    """A client's documents, newest first, each annotated with ``refused`` (a renewal of it
    was refused) and ``pending_since`` (the request date of its pending renewal, if any)."""
    pending = Renewal.objects.filter(document=OuterRef("pk"), decision=Decision.PENDING)
    return (
        ResidenceDocument.objects.filter(client=client)
        .annotate(
            refused=Exists(
                Renewal.objects.filter(document=OuterRef("pk"), decision=Decision.REFUSED)
            ),
            pending_since=Subquery(pending.order_by("-requested_on").values("requested_on")[:1]),
        )
        .order_by("-issued_on", "-id")
    )


def procedure_stage(
    client: Client, documents: Iterable[ResidenceDocument] | None = None
) -> Stage | None:
    """Where the client stands in the protection procedure, derived from their documents,
    refused renewals and criminal dossiers (two queries; one when ``documents`` come from
    ``documents_of``)."""
    rows = list(documents) if documents is not None else list(documents_of(client))
    refused = [d.issued_on for d in rows if getattr(d, "refused", False)]
    dossiers = Dossier.objects.filter(victims__client=client).only(
        "id", "outcome", "outcome_date", "verdict", "verdict_date"
    )
    return status.derive_stage(
        rows,
        refused_after=max(refused, default=None),
        case_ended_on=status.case_ended_without_conviction(dossiers),
    )


def current_document(documents: Iterable[ResidenceDocument]) -> ResidenceDocument | None:
    """The document issued last (the client's current one)."""
    return max(documents, key=lambda d: (d.issued_on, d.pk), default=None)


# ---------------------------------------------------------------------------------------------
# Renewals


def _validate_renewal(
    document: ResidenceDocument, data: dict[str, Any], *, renewal: Renewal | None = None
) -> None:
    errors: dict[str, str] = {}
    requested_on = data.get("requested_on")
    _check_date(errors, "requested_on", requested_on, ahead=datetime.timedelta(0))
    if requested_on is not None and requested_on < document.issued_on:
        errors.setdefault(
            "requested_on", _("A renewal cannot be requested before the document was issued.")
        )
    view = data.get("prosecutor_view", ProsecutorView.PENDING)
    view_on = data.get("prosecutor_view_on")
    if view not in ProsecutorView.values:
        errors["prosecutor_view"] = _("Choose one of the options.")
    _check_date(errors, "prosecutor_view_on", view_on, required=False, ahead=datetime.timedelta(0))
    if view_on is not None and view == ProsecutorView.PENDING:
        errors.setdefault("prosecutor_view", _("Say what the prosecutor's view was on that date."))
    decision = data.get("decision", Decision.PENDING)
    decided_on = data.get("decided_on")
    if decision not in Decision.values:
        errors["decision"] = _("Choose one of the options.")
    _check_date(errors, "decided_on", decided_on, required=False, ahead=datetime.timedelta(0))
    if decided_on is not None and decision == Decision.PENDING:
        errors.setdefault("decision", _("Say what was decided on that date."))
    if decided_on is None and decision != Decision.PENDING:
        errors.setdefault("decided_on", _("Give the date of the decision."))
    for name, day in (("prosecutor_view_on", view_on), ("decided_on", decided_on)):
        if day is not None and requested_on is not None and day < requested_on:
            errors.setdefault(name, _("This date cannot be before the request was sent."))
    if renewal is not None and renewal.new_document_id and decision != Decision.GRANTED:
        errors.setdefault(
            "decision", _("A new document was recorded for this renewal: it was granted.")
        )
    if decision == Decision.PENDING and (renewal is None or renewal.decision != Decision.PENDING):
        others = Renewal.objects.filter(document=document, decision=Decision.PENDING)
        if renewal is not None:
            others = others.exclude(pk=renewal.pk)
        if others.exists():
            errors["__all__"] = _(
                "A renewal of this document is already waiting for a decision; update that one."
            )
    _raise(errors)


@transaction.atomic
def request_renewal(*, by: User, document: ResidenceDocument, data: dict[str, Any]) -> Renewal:
    """Record that a renewal of the document was asked from the Immigration Office; audited.
    One renewal per document waits for a decision at a time."""
    ResidenceDocument.objects.select_for_update().filter(pk=document.pk).first()
    errors: dict[str, str] = {}
    if document.is_permanent:
        errors["__all__"] = _("A document of indefinite validity is not renewed.")
    _raise(errors)
    values = {"requested_on": data.get("requested_on"), "notes": data.get("notes") or ""}
    _validate_renewal(document, values)
    renewal = Renewal.objects.create(
        centre=document.centre, document=document, created_by=by, **values
    )
    audit.record(Action.CREATE, actor=by, obj=renewal, changes=audit.created(renewal))
    refresh_client_status(document.client)
    return renewal


@transaction.atomic
def update_renewal(*, by: User, renewal: Renewal, data: dict[str, Any]) -> Renewal:
    """Change a renewal: the prosecutor's view and its date, the decision and its date;
    audited. A refused renewal stops the procedure (see ``procedure_stage``)."""
    before = audit.snapshot(Renewal.objects.select_for_update().get(pk=renewal.pk))
    values = {name: data.get(name, getattr(renewal, name)) for name in RENEWAL_FIELDS}
    values["notes"] = values["notes"] or ""
    values["prosecutor_view"] = values["prosecutor_view"] or ProsecutorView.PENDING
    values["decision"] = values["decision"] or Decision.PENDING
    _validate_renewal(renewal.document, values, renewal=renewal)
    for name, value in values.items():
        setattr(renewal, name, value)
    renewal.save()
    changes = audit.diff(before, renewal)
    if changes:
        audit.record(Action.UPDATE, actor=by, obj=renewal, changes=changes)
    refresh_client_status(renewal.document.client)
    return renewal


@transaction.atomic
def record_new_document(*, by: User, renewal: Renewal, data: dict[str, Any]) -> ResidenceDocument:
    """The renewal was granted: register the new document it gave (its type defaults to the
    renewed one's, and so do the municipality and reference when not given), mark the renewal
    granted (decided on the new document's issue date unless known) and clear the client's
    expiry warning. Audited, all in one transaction."""
    renewal = (
        Renewal.objects.select_for_update().select_related("document__client").get(pk=renewal.pk)
    )
    old = renewal.document
    values = {name: data[name] for name in DOCUMENT_FIELDS if name in data}
    values["document"] = values.get("document") or old.document
    values.setdefault("municipality", old.municipality)
    if "immigration_reference" not in values:
        values["immigration_reference"] = old.immigration_reference
    errors: dict[str, str] = {}
    if renewal.new_document_id:
        errors["__all__"] = _("The new document of this renewal is already recorded.")
    elif renewal.decision == Decision.REFUSED:
        errors["__all__"] = _("This renewal was refused: it gave no new document.")
    try:
        validate_document(old.centre, values)
    except ValidationError as exc:
        errors.update({name: messages[0] for name, messages in exc.message_dict.items()})
    issued_on = values.get("issued_on")
    if issued_on is not None and issued_on < renewal.requested_on:
        errors.setdefault(
            "issued_on", _("The new document cannot be issued before the request was sent.")
        )
    _raise(errors)
    before = audit.snapshot(renewal)
    document = _create_document(by=by, client=old.client, data=values)
    renewal.new_document = document
    renewal.decision = Decision.GRANTED
    if renewal.decided_on is None:
        renewal.decided_on = data.get("decided_on") or document.issued_on
    renewal.save()
    audit.record(Action.UPDATE, actor=by, obj=renewal, changes=audit.diff(before, renewal))
    refresh_client_status(old.client)
    return document


# ---------------------------------------------------------------------------------------------
# Regularisation, voluntary return, social rights


def _validate_regularisation(data: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    if data.get("basis") not in RegularisationBasis.values:
        errors["basis"] = _("Choose the basis of the regularisation.")
    _check_date(errors, "decided_on", data.get("decided_on"), ahead=datetime.timedelta(0))
    _raise(errors)


@transaction.atomic
def record_regularisation(*, by: User, client: Client, data: dict[str, Any]) -> Regularisation:
    """Record that the client's stay was regularised (a trafficking procedure's is recorded
    with the first B card by itself); audited."""
    _validate_regularisation(data)
    values = {name: data.get(name) for name in REGULARISATION_FIELDS}
    values["notes"] = values["notes"] or ""
    regularisation = Regularisation.objects.create(centre=client.centre, client=client, **values)
    audit.record(Action.CREATE, actor=by, obj=regularisation, changes=audit.created(regularisation))
    return regularisation


@transaction.atomic
def update_regularisation(
    *, by: User, regularisation: Regularisation, data: dict[str, Any]
) -> Regularisation:
    _validate_regularisation(data)
    values = {name: data.get(name) for name in REGULARISATION_FIELDS}
    values["notes"] = values["notes"] or ""
    audit.save_changes(regularisation, values, by=by)
    return regularisation


def _validate_return(data: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    _check_date(errors, "returned_on", data.get("returned_on"))
    country = data.get("country")
    if country is not None and not isinstance(country, Nationality):
        errors["country"] = _("Choose a country from the list.")
    _raise(errors)


@transaction.atomic
def record_return(*, by: User, client: Client, data: dict[str, Any]) -> VoluntaryReturn:
    """Record a voluntary return (date, country, the organisation assisting); audited."""
    _validate_return(data)
    values = {name: data.get(name) for name in RETURN_FIELDS}
    values["organisation"] = values["organisation"] or ""
    values["notes"] = values["notes"] or ""
    voluntary_return = VoluntaryReturn.objects.create(centre=client.centre, client=client, **values)
    audit.record(
        Action.CREATE, actor=by, obj=voluntary_return, changes=audit.created(voluntary_return)
    )
    return voluntary_return


@transaction.atomic
def update_return(
    *, by: User, voluntary_return: VoluntaryReturn, data: dict[str, Any]
) -> VoluntaryReturn:
    _validate_return(data)
    values = {name: data.get(name) for name in RETURN_FIELDS}
    values["organisation"] = values["organisation"] or ""
    values["notes"] = values["notes"] or ""
    audit.save_changes(voluntary_return, values, by=by)
    return voluntary_return


def _validate_social_right(
    centre: Centre, data: dict[str, Any], *, current: SocialRight | None = None
) -> None:
    errors: dict[str, str] = {}
    kind = data.get("kind")
    if kind not in SocialRightKind.values:
        errors["kind"] = _("Choose the kind of social right.")
    start_on, end_on = data.get("start_on"), data.get("end_on")
    _check_date(errors, "start_on", start_on)
    if end_on is not None and start_on is not None and end_on < start_on:
        errors["end_on"] = _("The end date cannot be before the start date.")
    if kind in SocialRightKind.values:
        _check_partner(
            errors,
            "organisation",
            data.get("organisation"),
            centre,
            ORGANISATION_KINDS[SocialRightKind(kind)],
            kept=current.organisation_id if current else None,
        )
    _raise(errors)


@transaction.atomic
def record_social_right(*, by: User, client: Client, data: dict[str, Any]) -> SocialRight:
    """Record a social right opened for the client (welfare centre, health insurance ...);
    audited."""
    _validate_social_right(client.centre, data)
    values = {name: data.get(name) for name in SOCIAL_RIGHT_FIELDS}
    values["notes"] = values["notes"] or ""
    right = SocialRight.objects.create(centre=client.centre, client=client, **values)
    audit.record(Action.CREATE, actor=by, obj=right, changes=audit.created(right))
    return right


@transaction.atomic
def update_social_right(*, by: User, right: SocialRight, data: dict[str, Any]) -> SocialRight:
    """Change a social right, or end it (give its end date); audited."""
    _validate_social_right(right.centre, data, current=right)
    values = {name: data.get(name) for name in SOCIAL_RIGHT_FIELDS}
    values["notes"] = values["notes"] or ""
    audit.save_changes(right, values, by=by)
    return right
