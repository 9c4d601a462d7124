"""The administrative track in a client's timeline: documents issued, renewals requested and
decided, regularisation and voluntary return; for viewers who may read residence documents."""

import datetime
from collections.abc import Iterable

from django.db.models import CharField, F, IntegerField, Value
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from haven.accounts.models import User
from haven.accounts.permissions import Permission
from haven.clients.models import Client
from haven.guidance.overview import TimelineItem, timeline_source
from haven.residence.models import (
    Decision,
    DocumentType,
    Regularisation,
    RegularisationBasis,
    Renewal,
    ResidenceDocument,
    VoluntaryReturn,
)

COLUMNS = ("event", "record", "day", "code", "extra")


def _row(event: str, record: str, day: str, code: str, extra: str) -> dict[str, object]:
    """The same five columns for every kind of event, so that one UNION query reads them all."""
    return {
        "event": Value(event, output_field=CharField()),
        "record": F(record) if record else Value(0, output_field=IntegerField()),
        "day": F(day),
        "code": F(code),
        "extra": F(extra) if extra else Value("", output_field=CharField()),
    }


@timeline_source
def residence_items(user: User, client: Client) -> Iterable[TimelineItem]:
    """One query: documents issued, renewals requested and decided, regularisations, voluntary
    returns."""
    if not user.can(Permission.RESIDENCE_READ):
        return
    language = (translation.get_language() or "en")[:2]
    country = f"country__name_{language if language in ('nl', 'fr') else 'en'}"
    centre = user.centre
    renewals = Renewal.objects.for_centre(centre).filter(document__client=client)
    parts = [
        ResidenceDocument.objects.for_centre(centre)
        .filter(client=client)
        .annotate(**_row("issued", "id", "issued_on", "document", "")),
        renewals.annotate(
            **_row("requested", "document_id", "requested_on", "document__document", "")
        ),
        renewals.exclude(decision=Decision.PENDING)
        .exclude(decided_on=None)
        .annotate(**_row("decided", "document_id", "decided_on", "document__document", "decision")),
        Regularisation.objects.for_centre(centre)
        .filter(client=client)
        .annotate(**_row("regularised", "", "decided_on", "basis", "")),
        VoluntaryReturn.objects.for_centre(centre)
        .filter(client=client)
        .annotate(**_row("returned", "", "returned_on", "organisation", country)),
    ]
    first, *rest = (part.order_by().values_list(*COLUMNS) for part in parts)
    page = reverse("residence:client", kwargs={"pk": client.pk})
    for event, record, day, code, extra in first.union(*rest, all=True):
        yield _item(event, record, day, code, extra or "", page)


def _document(code: str) -> str:
    return str(DocumentType(code).label) if code in DocumentType.values else code


# Events of one day in the order they happen (the timeline shows the later ones first).
ORDER = {"issued": 0, "requested": 1, "decided": 2, "regularised": 3, "returned": 4}


def _item(
    event: str, record: int, day: datetime.date, code: str, extra: str, page: str
) -> TimelineItem:
    url = reverse("residence:detail", kwargs={"pk": record}) if record else page
    if event == "issued":
        label = _("Document issued: %(document)s") % {"document": _document(code)}
    elif event == "requested":
        label = _("Renewal requested: %(document)s") % {"document": _document(code)}
    elif event == "decided" and extra == Decision.GRANTED:
        label = _("Renewal granted: %(document)s") % {"document": _document(code)}
    elif event == "decided":
        label = _("Renewal refused: %(document)s") % {"document": _document(code)}
    elif event == "regularised":
        basis = RegularisationBasis(code).label if code in RegularisationBasis.values else code
        label = _("Stay regularised: %(basis)s") % {"basis": basis}
    elif extra:
        label = _("Voluntary return to %(country)s") % {"country": extra}
    else:
        label = _("Voluntary return")
    return TimelineItem(when=day, kind=_("Residence"), label=label, url=url, order=ORDER[event])
