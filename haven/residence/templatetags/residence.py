"""The residence panel of the client overview and the expiry flag shown beside a client."""

from typing import Any

from django import template

register = template.Library()


@register.inclusion_tag("residence/_client_panel.html", takes_context=True)
def residence_panel(context: Any, client: Any) -> dict[str, Any]:
    """The client's residence documents and stage in the procedure (filled in by the app)."""
    return {"client": client, "user": context.get("user")}
