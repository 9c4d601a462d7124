"""Test helpers of the residence app (used by the access matrix and this app's tests)."""

import datetime
from typing import Any

from django.utils import timezone

from haven.centres.models import Centre
from haven.factories import ClientFactory
from haven.residence.models import DocumentType, ResidenceDocument


def make_document(centre: Centre, **values: Any) -> ResidenceDocument:
    """A saved A card of a new client in ``centre``, issued 5 months ago, valid 6 months."""
    if "client" not in values:
        values["client"] = ClientFactory(centre=centre)
    issued = timezone.localdate() - datetime.timedelta(days=150)
    values.setdefault("document", DocumentType.A_CARD)
    values.setdefault("issued_on", issued)
    values.setdefault("valid_until", issued + datetime.timedelta(days=182))
    return ResidenceDocument.objects.create(centre=centre, **values)


# URL names whose pk addresses another model than a residence document (see the matrix).
MATRIX_OBJECTS: dict[str, Any] = {
    "residence:client": lambda centre: ClientFactory(centre=centre),
}
