"""The criminal dossiers panel of the client overview."""

from typing import Any

from django import template
from django.db.models import Min, Q
from django.utils import timezone

from haven.accounts.permissions import Permission
from haven.clients import glass
from haven.legal.models import Dossier, EventKind

register = template.Library()


@register.inclusion_tag("legal/_client_panel.html", takes_context=True)
def dossier_panel(context: Any, client: Any) -> dict[str, Any]:
    """The client's criminal dossiers (code, office, outcome, next hearing), for viewers who
    read dossiers and may read this client's tracks; nothing for anyone else. Two queries at
    most, whatever the number of dossiers."""
    user = context.get("user")
    if (
        user is None
        or not user.can(Permission.DOSSIER_READ)
        or not glass.may_read_tracks_of(user, client)
    ):
        return {"show": False}
    today = timezone.localdate()
    dossiers = (
        Dossier.objects.for_centre(user.centre)
        .filter(victims__client=client)
        .annotate(
            next_hearing=Min(
                "events__date",
                filter=Q(events__kind=EventKind.HEARING, events__date__gte=today),
            )
        )
        .order_by("-opened_on", "-id")
    )
    return {
        "show": True,
        "client": client,
        "dossiers": list(dossiers),
        "may_write": user.can(Permission.DOSSIER_WRITE),
    }
