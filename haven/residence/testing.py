"""Test helpers of the residence app (used by the access matrix and this app's tests)."""

import datetime
from typing import Any

from django.utils import timezone

from haven.accounts.permissions import Role
from haven.centres.models import Centre
from haven.factories import ClientFactory, UserFactory
from haven.guidance.models import Episode
from haven.residence.models import (
    DocumentType,
    Regularisation,
    RegularisationBasis,
    Renewal,
    ResidenceDocument,
    SocialRight,
    SocialRightKind,
    VoluntaryReturn,
)
from haven.residence.services import refresh_client_status


def put_in_guidance(client: Any) -> None:
    """Open a guidance episode for the client unless one is open: only the documents of
    clients in guidance are deadlines (and flagged)."""
    if not client.episodes.filter(end_date__isnull=True).exists():
        opener: Any = UserFactory(
            centre=client.centre, role=Role.VOLUNTEER, is_active=False, email=""
        )
        Episode.objects.create(
            centre=client.centre,
            client=client,
            start_date=datetime.date(2020, 1, 6),
            created_by=opener,
        )


def make_document(centre: Centre, *, in_guidance: bool = True, **values: Any) -> ResidenceDocument:
    """A saved A card of a new client in ``centre``, issued 5 months ago, valid 6 months;
    the client is in guidance (an open episode is opened unless there is one), as only the
    documents of clients in guidance are deadlines."""
    if "client" not in values:
        values["client"] = ClientFactory(centre=centre)
    if in_guidance:
        put_in_guidance(values["client"])
    issued = timezone.localdate() - datetime.timedelta(days=150)
    values.setdefault("document", DocumentType.A_CARD)
    values.setdefault("issued_on", issued)
    values.setdefault("valid_until", issued + datetime.timedelta(days=182))
    document = ResidenceDocument.objects.create(centre=centre, **values)
    refresh_client_status(document.client)
    return document


def make_renewal(centre: Centre, **values: Any) -> Renewal:
    """A saved pending renewal of a new A card (see ``make_document``), asked today."""
    if "document" not in values:
        values["document"] = make_document(centre)
    values.setdefault("requested_on", timezone.localdate())
    renewal = Renewal.objects.create(centre=centre, **values)
    refresh_client_status(renewal.document.client)
    return renewal


def make_regularisation(centre: Centre, **values: Any) -> Regularisation:
    if "client" not in values:
        values["client"] = ClientFactory(centre=centre)
    values.setdefault("basis", RegularisationBasis.HUMANITARIAN)
    values.setdefault("decided_on", timezone.localdate() - datetime.timedelta(days=10))
    return Regularisation.objects.create(centre=centre, **values)


def make_return(centre: Centre, **values: Any) -> VoluntaryReturn:
    if "client" not in values:
        values["client"] = ClientFactory(centre=centre)
    values.setdefault("returned_on", timezone.localdate() - datetime.timedelta(days=10))
    return VoluntaryReturn.objects.create(centre=centre, **values)


def make_social_right(centre: Centre, **values: Any) -> SocialRight:
    if "client" not in values:
        values["client"] = ClientFactory(centre=centre)
    values.setdefault("kind", SocialRightKind.WELFARE)
    values.setdefault("start_on", timezone.localdate() - datetime.timedelta(days=60))
    return SocialRight.objects.create(centre=centre, **values)


# URL names whose pk addresses another model than a residence document (see the matrix).
MATRIX_OBJECTS: dict[str, Any] = {
    "residence:client": lambda centre: ClientFactory(centre=centre),
    "residence:renewal": make_renewal,
    "residence:new_document": make_renewal,
    "residence:regularisation_edit": make_regularisation,
    "residence:return_edit": make_return,
    "residence:social_right_edit": make_social_right,
}
