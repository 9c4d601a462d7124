"""The residence panel of the client overview and the expiry flag shown beside a client."""

from typing import Any

from django import template

register = template.Library()


@register.inclusion_tag("residence/_client_panel.html", takes_context=True)
def residence_panel(context: Any, client: Any) -> dict[str, Any]:
    """The client's residence documents and stage in the procedure (filled in by the app)."""
    return {"client": client, "user": context.get("user")}


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
