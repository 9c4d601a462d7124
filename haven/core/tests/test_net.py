from typing import Any

import pytest
from django.test import RequestFactory

from haven.core.net import client_ip


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "10.0.0.1"),  # no proxy configured: a forged header is ignored
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "198.51.100.7, 203.0.113.9", "203.0.113.9"),  # the client's own claim is not trusted
        (2, "198.51.100.7, 203.0.113.9", "198.51.100.7"),
        (2, "203.0.113.9", "10.0.0.1"),  # fewer hops than proxies: fall back to the peer
        (1, "not an address", None),
    ],
)
def test_the_client_address_trusts_only_the_configured_proxies(
    settings: Any, proxies: int, forwarded: str, expected: str | None
) -> None:
    settings.PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected
