"""The residence panel of the client overview and the expiry flag shown beside a client."""

from typing import Any

from django import template

register = template.Library()


@register.inclusion_tag("residence/_client_panel.html", takes_context=True)
def residence_panel(context: Any, client: Any) -> dict[str, Any]:
    """The client's stage in the procedure, current document and its validity, and a pending
    renewal (two queries); nothing for a viewer who may not read residence documents."""
    from django.utils import timezone

    from haven.accounts.permissions import Permission
    from haven.residence import services, status

    user = context.get("user")
    if user is None or not user.can(Permission.RESIDENCE_READ):
        return {"show": False}
    documents = list(services.documents_of(client))
    today = timezone.localdate()
    return {
        "show": True,
        "client": client,
        "stage": services.procedure_stage(client, documents),
        "current": services.current_document(documents),
        "expired": status.is_expired(client, today),
        "soon": status.expires_soon(client, today),
    }


@register.inclusion_tag("residence/_flag.html")
def residence_flag(client: Any) -> dict[str, Any]:
    """A red badge when the client's residence document expired without a renewal request, an
    amber one when it expires within 30 days (no query: reads the client's status fields)."""
    from django.utils import timezone

    from haven.residence import status

    today = timezone.localdate()
    return {
        "client": client,
        "expired": status.is_expired(client, today),
        "soon": status.expires_soon(client, today),
    }
