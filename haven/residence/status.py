"""Where a client stands in the protection procedure, derived from their documents and their
criminal case (never typed in), and the status every list shows beside the client.

The rules (DOMAIN.md, the protection procedure):
- no document of the procedure: not in it (``None``);
- a B card at any time: ``permanent``;
- the procedure stopped: a renewal of the latest procedure document was refused, or every
  criminal dossier of the client ended without a conviction (dismissed, non-suit, acquittal)
  on or after that document was issued;
- otherwise the latest procedure document says it: Annex 15 ``reflection``, an attestation of
  immatriculation (also model A for a minor) ``provisional``, an A card ``temporary``.
"""

import datetime
from collections.abc import Iterable
from typing import Any, Protocol

from django.db import models
from django.utils.translation import gettext_lazy as _

from haven.residence.models import PERMANENT, PROTECTION, DocumentType


class Stage(models.TextChoices):
    REFLECTION = "reflection", _("Reflection period")
    PROVISIONAL = "provisional", _("Provisional stay")
    TEMPORARY = "temporary", _("Temporary stay")
    PERMANENT = "permanent", _("Permanent stay")
    STOPPED = "stopped", _("Procedure stopped")


STAGE_OF = {
    DocumentType.ANNEX15: Stage.REFLECTION,
    DocumentType.AI: Stage.PROVISIONAL,
    DocumentType.MINOR_AI: Stage.PROVISIONAL,
    DocumentType.A_CARD: Stage.TEMPORARY,
    DocumentType.B_CARD: Stage.PERMANENT,
}


class DocumentLike(Protocol):
    document: str
    issued_on: datetime.date


def derive_stage(
    documents: Iterable[DocumentLike],
    *,
    refused_after: datetime.date | None = None,
    case_ended_on: datetime.date | None = None,
) -> Stage | None:
    """The stage for a client's documents (any order).

    ``refused_after``: the issue date of the document whose renewal was last refused, if any.
    ``case_ended_on``: when the client's criminal case ended without a conviction, if it did
    (every dossier dismissed, non-suit or acquitted; see ``case_ended_without_conviction``).
    """
    procedure = sorted(
        (d for d in documents if d.document in PROTECTION), key=lambda d: d.issued_on
    )
    if not procedure:
        return None
    if any(d.document == DocumentType.B_CARD for d in procedure):
        return Stage.PERMANENT
    latest = procedure[-1]
    if refused_after is not None and refused_after >= latest.issued_on:
        return Stage.STOPPED
    if case_ended_on is not None and case_ended_on >= latest.issued_on:
        return Stage.STOPPED
    return STAGE_OF[DocumentType(latest.document)]


def case_ended_without_conviction(dossiers: Iterable[Any]) -> datetime.date | None:
    """The day the last of a client's dossiers ended without a conviction, if all did (a
    dossier still pending, at court without a verdict, or ending in a conviction: None)."""
    ends: list[datetime.date] = []
    for dossier in dossiers:
        if dossier.outcome in ("dismissed", "non_suit") and dossier.outcome_date:
            ends.append(dossier.outcome_date)
        elif dossier.verdict == "acquittal" and dossier.verdict_date:
            ends.append(dossier.verdict_date)
        else:
            return None
    return max(ends) if ends else None


def current_validity(documents: Iterable[Any]) -> datetime.date | None:
    """The valid-until date of the client's current document (the one issued last), or None
    when it has indefinite validity or the client has none."""
    latest = max(documents, key=lambda d: (d.issued_on, d.pk or 0), default=None)
    if latest is None or latest.document in PERMANENT:
        return None
    return latest.valid_until


def is_expired(client: Any, today: datetime.date) -> bool:
    """Expired and no renewal asked: the red flag shown wherever the client appears."""
    until = client.residence_valid_until
    return until is not None and until < today and not client.residence_renewal_pending


def expires_soon(client: Any, today: datetime.date, days: int = 30) -> bool:
    until = client.residence_valid_until
    return (
        until is not None
        and today <= until <= today + datetime.timedelta(days=days)
        and not client.residence_renewal_pending
    )
