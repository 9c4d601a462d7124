from typing import Any

from django.http import HttpRequest

from haven.accounts.twofactor import is_verified
from haven.core.navigation import current_entry, entries_for, menu_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not is_verified(request):
        return {"nav_entries": [], "nav_menu": [], "nav_current": ""}
    match = getattr(request, "resolver_match", None)
    entries = entries_for(user)
    return {
        "nav_entries": entries,
        "nav_menu": menu_for(user),
        "nav_current": current_entry(
            entries, match.view_name if match else "", match.app_name if match else ""
        ),
    }
