"""Test helpers of the legal app (used by the access matrix and this app's tests)."""

import datetime
from typing import Any

from django.utils import timezone

from haven.accounts.models import User
from haven.centres.models import Centre
from haven.factories import ClientFactory
from haven.legal.models import Dossier, DossierEvent, EventKind, Victim
from haven.reference.codes import ProsecutionOffice


def make_dossier(centre: Centre, *, victims: list[Any] | None = None, **values: Any) -> Dossier:
    """A saved dossier in ``centre`` with one victim (a new client unless ``victims`` given).

    With no victims given, every user of the centre is assigned to the new client, so that
    every role that reads dossiers may open it (the matrix expects them to); who sees which
    victim is tested in haven/legal/tests.
    """
    values.setdefault(
        "code", f"{centre.code}-D-{timezone.localdate():%Y}-{Dossier.objects.count() + 1:04d}"
    )
    values.setdefault("office", ProsecutionOffice.ANT)
    values.setdefault("opened_on", timezone.localdate() - datetime.timedelta(days=90))
    dossier = Dossier.objects.create(centre=centre, **values)
    if victims is None:
        client: Any = ClientFactory(centre=centre)
        client.workers.set(User.objects.filter(centre=centre))
        victims = [client]
    for client in victims:
        Victim.objects.create(centre=centre, dossier=dossier, client=client)
    return dossier


def make_victim(centre: Centre) -> Victim:
    """A saved victim (of a new dossier, its client assigned to every user of the centre)."""
    return make_dossier(centre).victims.get()


def make_event(centre: Centre, dossier: Dossier | None = None, **values: Any) -> DossierEvent:
    """A saved step of ``dossier`` (a new one unless given): an investigation on its opening
    day unless told otherwise."""
    dossier = dossier or make_dossier(centre)
    values.setdefault("kind", EventKind.INVESTIGATION)
    values.setdefault("date", dossier.opened_on)
    return DossierEvent.objects.create(centre=centre, dossier=dossier, **values)


# URL names whose pk addresses another model than a dossier (see the matrix).
MATRIX_OBJECTS: dict[str, Any] = {
    "legal:victim_edit": make_victim,
    "legal:victim_remove": make_victim,
    "legal:event_edit": make_event,
    "legal:event_delete": make_event,
}
