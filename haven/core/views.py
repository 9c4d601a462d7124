"""Home, language choice, and the error pages (which never show a record or a trace)."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from haven.accounts import services as account_services
from haven.accounts.access import public, signed_in
from haven.accounts.forms import LanguageForm
from haven.core import home as home_service


@signed_in
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(request, "core/home.html", {"home": home_service.build(user)})  # type: ignore[arg-type]


@require_POST
@public
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the interface language; remembered on the account and in a cookie."""
    form = LanguageForm(request.POST)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    response = HttpResponseRedirect(target)
    if form.is_valid():
        language = form.cleaned_data["language"]
        translation.activate(language)
        if request.user.is_authenticated:
            account_services.set_language(request.user, language)
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite="Lax",
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=True,
        )
    return response


def _error(request: HttpRequest, status: int, template: str = "") -> HttpResponse:
    template = template or f"core/error_{status}.html"
    return HttpResponse(render_to_string(template, {}, request=request), status=status)


def bad_request(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return _error(request, 400)


def permission_denied(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return _error(request, 403)


def page_not_found(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return _error(request, 404)


def server_error(request: HttpRequest) -> HttpResponse:
    # Rendered without the context processors' database work: the database may be the fault.
    return HttpResponse(render_to_string("core/error_500.html"), status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return _error(request, 403, "core/error_csrf.html")
