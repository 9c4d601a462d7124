"""A user's signed-in sessions: kept up to date on sign-in and requests, ended on demand.

Sessions are Django's database sessions; a ``UserSession`` row names one of them with what a
person recognises (browser, address, when). Ending one deletes it from the session store, so
the browser holding it is signed out at its next request.
"""

import re
from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.accounts.models import User, UserSession
from haven.audit import services as audit
from haven.audit.models import Action
from haven.core.net import client_ip

SESSION_ID = "haven_session"  # the UserSession row of this session
TRACKED_KEY = "haven_session_key"  # the store key that row holds (it changes on cycle_key)
TOUCH_EVERY = timedelta(minutes=1)
USER_AGENT_LENGTH = 300


def _store() -> type:
    return import_module(settings.SESSION_ENGINE).SessionStore


def start(request: HttpRequest, user: User) -> UserSession | None:
    """Register the session a sign-in just opened (called on ``user_logged_in``)."""
    session = request.session
    if session.session_key is None:
        session.save()
    key = session.session_key
    if key is None:
        return None
    now = timezone.now()
    row, _created = UserSession.objects.update_or_create(
        session_key=key,
        defaults={
            "user": user,
            "ip": client_ip(request),
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_LENGTH],
            "last_seen_at": now,
        },
    )
    session[SESSION_ID] = row.pk
    session[TRACKED_KEY] = key
    session["haven_session_seen"] = now.timestamp()
    return row


def touch(request: HttpRequest) -> None:
    """Note that a signed-in session is in use: at most once a minute, or when its key changed."""
    user = getattr(request, "user", None)
    session = getattr(request, "session", None)
    if user is None or session is None or not user.is_authenticated:
        return
    key = session.session_key
    if key is None:
        return
    now = timezone.now()
    seen = session.get("haven_session_seen", 0)
    if session.get(TRACKED_KEY) == key and now.timestamp() - seen < TOUCH_EVERY.total_seconds():
        return
    updated = UserSession.objects.filter(pk=session.get(SESSION_ID, 0), user=user).update(
        session_key=key, last_seen_at=now, ip=client_ip(request)
    )
    if updated:
        session[TRACKED_KEY] = key
        session["haven_session_seen"] = now.timestamp()
    else:  # a session opened before this list existed, or its row was lost: list it anew
        start(request, user)


def forget(request: HttpRequest) -> None:
    """Drop the row of a session that signs out (``user_logged_out``)."""
    session_id = request.session.get(SESSION_ID)
    if session_id:
        UserSession.objects.filter(pk=session_id).delete()


def active(user: User) -> QuerySet[UserSession]:
    """The user's sessions still alive in the store; rows of expired sessions are dropped."""
    alive = Session.objects.filter(expire_date__gt=timezone.now()).values("session_key")
    UserSession.objects.filter(user=user).exclude(session_key__in=alive).delete()
    return UserSession.objects.filter(user=user)


def current_id(request: HttpRequest) -> int | None:
    value = request.session.get(SESSION_ID)
    return int(value) if value else None


@transaction.atomic
def end(*, by: User, session: UserSession, note: str) -> None:
    """End one session: removed from the store (signed out at once) and audited."""
    _store()().delete(session.session_key)
    audit.record(Action.LOGOUT, actor=by, obj=session.user, note=note)
    session.delete()


def end_others(request: HttpRequest, user: User, *, note: str) -> int:
    """End every session of ``user`` except the one making this request; returns how many."""
    keep = request.session.session_key
    others = list(active(user).exclude(session_key=keep))
    for session in others:
        end(by=user, session=session, note=note)
    return len(others)


def end_all(*, by: User, user: User, note: str) -> int:
    """End every session of ``user`` (an administrator deactivated the account)."""
    sessions = list(UserSession.objects.filter(user=user))
    for session in sessions:
        end(by=by, session=session, note=note)
    return len(sessions)


# --- what a person recognises of a browser ---------------------------------------------------

_BROWSERS = [
    (re.compile(r"Edg(?:e|A|iOS)?/(\d+)"), "Edge"),
    (re.compile(r"(?:OPR|Opera)/(\d+)"), "Opera"),
    (re.compile(r"SamsungBrowser/(\d+)"), "Samsung Internet"),
    (re.compile(r"(?:Firefox|FxiOS)/(\d+)"), "Firefox"),
    (re.compile(r"(?:Chrome|CriOS)/(\d+)"), "Chrome"),
    (re.compile(r"Version/(\d+)[.\d]* (?:Mobile/\S+ )?Safari/"), "Safari"),
]
_SYSTEMS = [
    (re.compile(r"iPhone|iPad|iPod"), "iOS"),
    (re.compile(r"Android"), "Android"),
    (re.compile(r"Windows"), "Windows"),
    (re.compile(r"Mac OS X|Macintosh"), "macOS"),
    (re.compile(r"CrOS"), "ChromeOS"),
    (re.compile(r"Linux"), "Linux"),
]


def describe(user_agent: str) -> str:
    """'Firefox 128 on Windows' from a User-Agent header; 'Unknown browser' when unsure."""
    browser = next(
        (
            f"{name} {m.group(1)}"
            for pattern, name in _BROWSERS
            if (m := pattern.search(user_agent))
        ),
        "",
    )
    system = next((name for pattern, name in _SYSTEMS if pattern.search(user_agent)), "")
    if browser and system:
        return _("%(browser)s on %(system)s") % {"browser": browser, "system": system}
    return browser or system or _("Unknown browser")
