"""Re-authentication before sensitive actions: the password typed again in the last minutes.

A signed-in browser left unattended must not be enough to change someone's role, reset a
second factor, export identities or erase a person. ``@requires_recent_auth`` sends a user
whose password was last typed more than ``HAVEN_REAUTH_MINUTES`` (5) ago to
``accounts:reauth``; the sign-in itself counts as typing it (its stamp is set on login).

Use it under the access declaration, which stays outermost::

    @requires(Permission.CLIENT_ERASE)
    @requires_recent_auth
    def erase(request, pk): ...
"""

import functools
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

STAMP = "haven_reauth_at"

V = TypeVar("V", bound=Callable[..., Any])


def max_age_seconds() -> int:
    return int(getattr(settings, "REAUTH_MINUTES", 5) * 60)


def stamp(request: HttpRequest) -> None:
    """The user has just typed their password (sign-in or confirmation)."""
    request.session[STAMP] = timezone.now().timestamp()


def is_recent(request: HttpRequest) -> bool:
    at = request.session.get(STAMP)
    if not isinstance(at, int | float):
        return False
    age = timezone.now().timestamp() - at
    return 0 <= age < max_age_seconds()


def safe_next(request: HttpRequest, target: str | None) -> str | None:
    """``target`` as a local path when it points to this site, else None."""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        parts = urlsplit(target)
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return None


def _return_to(request: HttpRequest) -> str:
    """Where to come back after confirming: this page, or for a form sent by POST (which
    cannot be repeated by a redirect) the page the form was on."""
    if request.method in ("GET", "HEAD"):
        return request.get_full_path()
    return safe_next(request, request.META.get("HTTP_REFERER")) or reverse(
        settings.LOGIN_REDIRECT_URL
    )


def confirm_url(request: HttpRequest) -> str:
    return reverse("accounts:reauth") + "?" + urlencode({"next": _return_to(request)})


def requires_recent_auth(view: V) -> V:
    """Send the user to confirm their password first unless they typed it in the last minutes."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_recent(request):
            return HttpResponseRedirect(confirm_url(request))
        return view(request, *args, **kwargs)

    wrapped.haven_requires_recent_auth = True  # type: ignore[attr-defined]
    return wrapped  # type: ignore[return-value]


def confirm(request: HttpRequest, password: str) -> bool:
    """Check the signed-in user's password as a sign-in would (django-axes counts a failure
    and locks the account after too many); on success stamp the session and audit it."""
    from django.contrib import auth

    from haven.audit import services as audit
    from haven.audit.models import Action

    user = request.user
    checked = auth.authenticate(request, username=user.get_username(), password=password)
    if checked is None or checked.pk != user.pk:
        if getattr(request, "axes_locked_out", False):
            auth.logout(request)  # whoever is guessing at this browser is out, not just refused
        return False
    stamp(request)
    audit.record(Action.LOGIN, actor=user, note="password confirmed")
    return True
