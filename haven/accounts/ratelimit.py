"""A plain rate limit for what can be reached without being fully signed in.

django-axes locks a user name after repeated wrong passwords from one address; this limit
adds a ceiling per address and per view on every POST to a ``@public`` or ``@password_only``
view (sign-in, the second-factor steps, the language switch, and any public form added
later), and on the password confirmation. Counters live in Django's cache, one window per
minute; with several worker processes and the default local-memory cache each process counts
for itself (configure a shared cache in CACHES to make the limit exact).
"""

import logging

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone

from haven.core.net import client_ip

log = logging.getLogger(__name__)

WINDOW_SECONDS = 60


def limit_per_minute() -> int:
    return int(getattr(settings, "RATE_LIMIT_PER_MINUTE", 30))


def exceeded(request: HttpRequest, scope: str) -> bool:
    """Count this request for (scope, address); True once the minute's budget is spent."""
    limit = limit_per_minute()
    if limit <= 0:
        return False
    window = int(timezone.now().timestamp()) // WINDOW_SECONDS
    key = f"haven:rate:{scope}:{client_ip(request) or 'unknown'}:{window}"
    cache.add(key, 0, timeout=WINDOW_SECONDS * 2)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=WINDOW_SECONDS * 2)
        count = 1
    return count > limit


def too_many_requests(request: HttpRequest, scope: str) -> HttpResponse:
    """429 with a plain page; the log names the view, never the address or the account."""
    log.warning("rate limit reached on %s", scope)
    response = HttpResponse(
        render_to_string("accounts/rate_limited.html", {}, request=request), status=429
    )
    response["Retry-After"] = str(WINDOW_SECONDS)
    return response
