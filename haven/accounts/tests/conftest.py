from typing import Any

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Any:
    """Rate-limit counters live in the process's cache: each test starts with none."""
    cache.clear()
    yield
    cache.clear()
