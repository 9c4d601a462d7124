"""Test helpers of the residence app (used by the access matrix and this app's tests)."""

import datetime
from typing import Any

from django.utils import timezone

from haven.centres.models import Centre
from haven.factories import ClientFactory
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


def make_document(centre: Centre, **values: Any) -> ResidenceDocument:
    """A saved A card of a new client in ``centre``, issued 5 months ago, valid 6 months."""
    if "client" not in values:
        values["client"] = ClientFactory(centre=centre)
    issued = timezone.localdate() - datetime.timedelta(days=150)
    values.setdefault("document", DocumentType.A_CARD)
    values.setdefault("issued_on", issued)
    values.setdefault("valid_until", issued + datetime.timedelta(days=182))
    return ResidenceDocument.objects.create(centre=centre, **values)


def make_renewal(centre: Centre, **values: Any) -> Renewal:
    """A saved pending renewal of a new A card (see ``make_document``), asked today."""
    if "document" not in values:
        values["document"] = make_document(centre)
    values.setdefault("requested_on", timezone.localdate())
    return Renewal.objects.create(centre=centre, **values)


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
