"""Template helpers for the rota and the home page's "on call now" panel."""

import re

from django import template

register = template.Library()


@register.filter
def tel(phone: str) -> str:
    """A ``tel:`` link for a phone number as people write it (+32 470 12 34 56)."""
    return "tel:" + re.sub(r"[^0-9+]", "", phone or "")
