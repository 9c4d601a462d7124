"""The criminal dossiers panel of the client overview."""

from typing import Any

from django import template

register = template.Library()


@register.inclusion_tag("legal/_client_panel.html", takes_context=True)
def dossier_panel(context: Any, client: Any) -> dict[str, Any]:
    """The client's criminal dossiers as the viewer may see them (filled in by the app)."""
    return {"client": client, "user": context.get("user")}
