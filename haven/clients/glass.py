"""Break-the-glass: reading a client's track journals and plan from outside the assigned team.

The client's assigned workers and the director read them as their role allows; anyone else
with ``guidance:access:break_glass`` states a reason, and is then granted the client for the
rest of the session (the ids live in ``request.session``). Services receive the user, not the
request: they take ``granted`` explicitly, or read the grants of the request being answered
from a context variable that ``using(request)`` sets.
"""

from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db.models import Q

from haven.accounts.permissions import Permission

SESSION_KEY = "haven_break_glass"
MIN_REASON_LENGTH = 10

_granted: ContextVar[frozenset[int]] = ContextVar("haven_break_glass", default=frozenset())


def granted_ids(request: Any) -> frozenset[int]:
    """The clients this session was granted by breaking the glass."""
    session = getattr(request, "session", None)
    return frozenset(int(pk) for pk in (session.get(SESSION_KEY, []) if session else []))


def grant(request: Any, client_id: int) -> None:
    ids = set(granted_ids(request)) | {client_id}
    request.session[SESSION_KEY] = sorted(ids)


@contextmanager
def using(request: Any) -> Iterator[None]:
    """While answering ``request``, services see its session's grants."""
    token = _granted.set(granted_ids(request))
    try:
        yield
    finally:
        _granted.reset(token)


class BreakGlassMiddleware:
    """Optional: answers every request ``using`` its session's grants, so that views which do
    not pass ``granted`` themselves (journal, plan) honour them. Place after the sessions
    middleware."""

    def __init__(self, get_response: Callable[[Any], Any]) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        with using(request):
            return self.get_response(request)


def current(granted: Collection[int] | None = None) -> frozenset[int]:
    """``granted`` if given, else the grants of the request being answered (none by default)."""
    return frozenset(granted) if granted is not None else _granted.get()


def reads_every_client(user: Any) -> bool:
    """The director (whoever reads confidential contacts) needs no grant."""
    return bool(user.can(Permission.CLIENT_CONFIDENTIAL_READ))


def may_read_tracks_of(user: Any, client: Any, granted: Collection[int] | None = None) -> bool:
    """Whether the client's track journals and plan are open to the user (role permitting)."""
    if reads_every_client(user) or client.pk in current(granted):
        return True
    return bool(client.workers.filter(pk=user.pk).exists())


def client_filter(user: Any, granted: Collection[int] | None = None, field: str = "client") -> Q:
    """A filter on rows with a ``client``: those whose tracks are open to the user."""
    if reads_every_client(user):
        return Q()
    from haven.clients.models import Client

    assigned = Client.objects.filter(workers=user).values("pk")
    return Q(**{f"{field}__in": assigned}) | Q(**{f"{field}_id__in": sorted(current(granted))})
