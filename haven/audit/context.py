"""Where the current request came from, for audit entries written deep inside services."""

from contextvars import ContextVar

current_ip: ContextVar[str | None] = ContextVar("haven_current_ip", default=None)
