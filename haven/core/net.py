"""The address a request came from, read the same way by the audit log and the lockout."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """REMOTE_ADDR, or behind HAVEN_PROXY_COUNT trusted proxies the address they were given.

    Each trusted proxy appends the address it received from to X-Forwarded-For, so the client
    is the entry that many places from the right; entries further left are the client's own
    claim and are never trusted.
    """
    address = request.META.get("REMOTE_ADDR") or None
    proxies = settings.PROXY_COUNT
    if proxies > 0:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [a for a in forwarded if a]
        if len(forwarded) >= proxies:
            address = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(address)) if address else None
    except ValueError:
        return None
