from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest

# No inline script, no other host: everything Haven shows comes from Haven itself.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)


class SecurityHeadersMiddleware:
    """Headers Django's SecurityMiddleware does not set: CSP, permissions, no caching of pages."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _has_null_character(request):
            # PostgreSQL refuses a NUL in any text: a search for one would end as an error 500.
            response: HttpResponse = HttpResponseBadRequest(
                "A request with a null character is refused.", content_type="text/plain"
            )
        else:
            response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"
        )
        if not request.path.startswith("/static/"):
            # Pages hold case data: never kept by a shared computer's browser or a proxy.
            response.headers.setdefault("Cache-Control", "no-store")
        return response


def _has_null_character(request: HttpRequest) -> bool:
    """Whether the path or a query parameter holds a NUL (forms refuse it in posted fields)."""
    if "\x00" in request.path:
        return True
    return any(
        "\x00" in key or any("\x00" in value for value in values)
        for key, values in request.GET.lists()
    )
