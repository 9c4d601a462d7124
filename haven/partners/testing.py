"""Test helpers of the partner directory (used by the access matrix and this app's tests)."""

from typing import Any

from haven.centres.models import Centre
from haven.partners.models import Partner, PartnerKind


def make_partner(centre: Centre, **values: Any) -> Partner:
    """A saved lawyer in ``centre``'s directory unless told otherwise."""
    values.setdefault("kind", PartnerKind.LAWYER)
    values.setdefault("name", "Mr. A. Janssens")
    values.setdefault("organisation", "Advocatenkantoor Voorbeeld")
    return Partner.objects.create(centre=centre, **values)
