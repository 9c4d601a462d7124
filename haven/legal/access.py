"""Who sees what of a criminal dossier.

A dossier may concern several victims. A worker sees a dossier through the clients whose
track files are open to them (assigned workers, the director, a granted break-the-glass: see
haven.clients.glass), and of its victims only those clients: the others are counted, never
shown.
"""

from collections.abc import Collection
from typing import Any

from django.db.models import QuerySet

from haven.accounts.permissions import Permission
from haven.clients import glass
from haven.legal.models import Dossier, Victim


def visible_victims(user: Any, granted: Collection[int] | None = None) -> QuerySet[Victim]:
    """The victims (client in a dossier) this user may see."""
    if not user.can(Permission.DOSSIER_READ):
        return Victim.objects.none()
    return Victim.objects.for_centre(user.centre).filter(glass.client_filter(user, granted))


def visible_dossiers(user: Any, granted: Collection[int] | None = None) -> QuerySet[Dossier]:
    """The dossiers with at least one victim the user may see."""
    return Dossier.objects.for_centre(user.centre).filter(
        pk__in=visible_victims(user, granted).values("dossier_id")
    )
