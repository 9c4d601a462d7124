"""Enforcement of view access declarations, the second factor, and the user's language."""

import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from haven.accounts import ratelimit, sessions, twofactor
from haven.accounts.access import Level, declared_access

log = logging.getLogger(__name__)

SESSION_MARKER_COOKIE = "haven_had_session"


class AccessPolicyMiddleware:
    """One check for every view: declaration → rate limit → sign-in → second factor →
    permission. It also keeps the user's session list current (last seen, key changes)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        sessions.touch(request)  # before SessionMiddleware saves the session on the way out
        return response

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        access = declared_access(view)
        if access is None:
            log.error("view %s declares no access policy; refused", view.__qualname__)
            raise PermissionDenied
        if access in (Level.PUBLIC, Level.PASSWORD_ONLY) and request.method == "POST":
            scope = request.resolver_match.view_name if request.resolver_match else "public"
            if ratelimit.exceeded(request, scope):
                return ratelimit.too_many_requests(request, scope)
        if access is Level.PUBLIC:
            return None
        user = request.user
        if not user.is_authenticated:
            return self._to_login(request)
        if access is Level.PASSWORD_ONLY:
            return None
        if not twofactor.is_verified(request):
            return HttpResponseRedirect(reverse(twofactor.next_step(user)))
        if access is Level.SIGNED_IN:
            return None
        if not user.can(access):
            raise PermissionDenied
        return None

    def _to_login(self, request: HttpRequest) -> HttpResponse:
        if request.COOKIES.get(SESSION_MARKER_COOKIE):
            messages.info(
                request,
                _(
                    "Your session ended after %(minutes)d minutes without activity. "
                    "Please sign in again."
                )
                % {"minutes": settings.SESSION_COOKIE_AGE // 60},
            )
        query = urlencode({"next": request.path}) if request.method == "GET" else ""
        response = HttpResponseRedirect(
            reverse(settings.LOGIN_URL) + (f"?{query}" if query else "")
        )
        response.delete_cookie(SESSION_MARKER_COOKIE)
        return response


class UserLanguageMiddleware:
    """A signed-in user's chosen language wins over the browser's and the cookie."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        language = getattr(user, "language", "") if user and user.is_authenticated else ""
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)
