"""Tools of the attack test suite (haven/core/tests/test_attack_*.py).

A *site* is one centre holding a record behind every URL pattern (made by the access matrix's
makers, haven.core.tests.test_access_matrix.OBJECTS), the URL of every page for it, and a
signed-in test client per user. The suite writes hostile text into every free-text field,
captures every log record, and fingerprints the database to show that a request changed
nothing.
"""

import hashlib
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from html.parser import HTMLParser
from typing import Any

from django.apps import apps
from django.db import models
from django.test import Client as HttpClient
from django.urls import URLPattern

from haven.accounts.access import Access, Level, declared_access
from haven.accounts.models import User
from haven.accounts.permissions import CENTRE_ROLES, Permission, Role, role_has
from haven.centres.models import Centre
from haven.conftest import sign_in
from haven.core.tests.test_access_matrix import ALL, url_for

PATTERNS: dict[str, URLPattern] = dict(ALL)

# Signing out last: every page before it is visited with a live session.
LAST = ("accounts:logout",)


def page_names() -> list[str]:
    """Every named URL pattern, signing out last."""
    names = sorted(PATTERNS)
    return [n for n in names if n not in LAST] + [n for n in LAST if n in PATTERNS]


def access_of(name: str) -> Access | None:
    return declared_access(PATTERNS[name].callback)


def allowed_roles(name: str) -> list[Role]:
    """The roles that may reach a page (every role for pages open to any signed-in user)."""
    access = access_of(name)
    roles = [*CENTRE_ROLES, Role.INSTALLATION_ADMIN]
    if isinstance(access, Permission):
        return [role for role in roles if role_has(role, access)]
    return roles


def visitor_role(name: str) -> Role | None:
    """Who visits a page in a sweep: the director when allowed, else the first role that is."""
    roles = allowed_roles(name)
    if Role.DIRECTOR in roles:
        return Role.DIRECTOR
    return roles[0] if roles else None


class Site:
    """One centre with a record behind every URL pattern and a signed-in client per role."""

    def __init__(self, centre: Centre, users: dict[Role, User], admin: User | None = None):
        self.centre = centre
        self.users = dict(users)
        if admin is not None:
            self.users[Role.INSTALLATION_ADMIN] = admin
        self._clients: dict[tuple[Role, bool], HttpClient] = {}

    @cached_property
    def urls(self) -> dict[str, str]:
        """name -> URL of every page, each ``pk`` addressing a record of this centre."""
        return {name: url_for(name, PATTERNS[name], self.centre) for name in page_names()}

    def http(self, role: Role, *, csrf: bool = False) -> HttpClient:
        """A client signed in (both factors, password just typed) as the role's user;
        ``csrf`` enforces tokens."""
        key = (role, csrf)
        if key not in self._clients:
            http = sign_in(HttpClient(enforce_csrf_checks=csrf), self.users[role])
            _confirm_password(http)
            self._clients[key] = http
        return self._clients[key]

    def visits(self) -> Iterator[tuple[str, str, Role]]:
        """(name, url, role) for every page, visited by its ``visitor_role``."""
        for name, url in self.urls.items():
            role = visitor_role(name)
            if role is not None and role in self.users:
                yield name, url, role


def _confirm_password(http: HttpClient) -> None:
    """Mark the session as having re-entered the password just now, so that pages behind
    re-authentication (haven.accounts.reauth) are visited themselves."""
    try:
        from haven.accounts import reauth
    except ImportError:
        return
    session = http.session
    session[reauth.STAMP] = time.time()
    session.save()


def body_of(response: Any) -> str:
    """A response's body as text, streamed files included."""
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def password_only_client(user: User, *, csrf: bool = False) -> HttpClient:
    """A client past the password but not the second factor (the 2FA steps' visitor)."""
    http = HttpClient(enforce_csrf_checks=csrf)
    http.force_login(user)
    return http


def is_password_only(name: str) -> bool:
    return access_of(name) is Level.PASSWORD_ONLY


# --- the database's state --------------------------------------------------------------------

# Rows that a read legitimately writes: the access log, sessions, lockout bookkeeping.
BOOKKEEPING = {
    "audit.auditentry",
    "audit.auditchainhead",
    "sessions.session",
    "accounts.usersession",
    "axes.accessattempt",
    "axes.accesslog",
    "axes.accessfailurelog",
    "admin.logentry",
}


def fingerprint() -> dict[str, tuple[int, str]]:
    """Per model (bookkeeping left out): the row count and a digest of every row's values."""
    state: dict[str, tuple[int, str]] = {}
    for model in apps.get_models():
        label = model._meta.label_lower
        if label in BOOKKEEPING:
            continue
        rows = list(model._default_manager.order_by("pk").values_list())
        digest = hashlib.sha256(repr(rows).encode()).hexdigest()
        state[label] = (len(rows), digest)
    return state


def changed(before: dict[str, tuple[int, str]], after: dict[str, tuple[int, str]]) -> list[str]:
    return sorted(label for label in after if before.get(label) != after[label])


# --- logs ------------------------------------------------------------------------------------


class _Keep(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def captured_logs() -> Iterator[list[logging.LogRecord]]:
    """Every record of every logger at DEBUG, those that do not propagate included
    (django.request, django.security, axes...)."""
    handler = _Keep()
    loggers = [logging.getLogger()] + [
        logging.getLogger(name)
        for name, logger in list(logging.root.manager.loggerDict.items())
        if isinstance(logger, logging.Logger)
    ]
    for name in ("django.request", "django.server", "django.security.csrf", "axes"):
        loggers.append(logging.getLogger(name))
    saved = [(logger, logger.level) for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)
    try:
        yield handler.records
    finally:
        for logger, level in saved:
            logger.removeHandler(handler)
            logger.setLevel(level)


def log_text(record: logging.LogRecord) -> str:
    """All a log line could carry: the message with its arguments, the exception, the stack."""
    parts = [record.name, record.getMessage()]
    if record.exc_info:
        parts.append(logging.Formatter().formatException(record.exc_info))
    if record.stack_info:
        parts.append(record.stack_info)
    return "\n".join(parts)


# --- free text -------------------------------------------------------------------------------

# Not typed by anyone: secrets, keys, a user's interface language (a choice of the form).
NOT_FREE_TEXT = {
    "accounts.user.password",
    "accounts.user.language",
    "accounts.usersession.session_key",
    "clients.namekey.key",
}


def haven_models() -> list[type[models.Model]]:
    return [m for m in apps.get_models() if m.__module__.startswith("haven.")]


def free_text_fields(model: type[models.Model]) -> list[models.Field]:
    """Text a person types: CharField and TextField without choices, the encrypted text
    fields; neither a primary key nor a column another table points at."""
    referenced = {
        rel.field.to_fields[0]
        for rel in model._meta.related_objects
        if getattr(rel.field, "to_fields", None) and rel.field.to_fields[0]
    }
    fields: list[models.Field] = []
    for field in model._meta.concrete_fields:
        if not isinstance(field, models.CharField | models.TextField) or field.choices:
            continue
        if getattr(field, "encrypted", False) and type(field).__name__ != "EncryptedTextField":
            continue  # an encrypted date
        label = f"{model._meta.label_lower}.{field.name}"
        if field.primary_key or field.name in referenced or label in NOT_FREE_TEXT:
            continue
        fields.append(field)
    return fields


def write_everywhere(text: str, *, centre: Centre | None = None) -> int:
    """Set every free-text field of every row of every Haven model to ``text`` (cut to the
    field's length; a unique field gets the row's id appended). Append-only models are left
    alone. With ``centre``, only the rows that belong to it (models with a ``centre``).
    Returns the number of rows written."""
    written = 0
    for model in haven_models():
        fields = free_text_fields(model)
        rows = model._default_manager.all()
        if not fields or _append_only(model):
            continue
        if centre is not None:
            if model is Centre:
                rows = rows.filter(pk=centre.pk)
            elif "centre" in {f.name for f in model._meta.concrete_fields}:
                rows = rows.filter(centre=centre)
            else:
                continue
        manager = model._default_manager
        for pk in rows.values_list("pk", flat=True):
            values = {field.name: _fit(text, field, pk) for field in fields}
            manager.filter(pk=pk).update(**values)
            written += 1
    return written


def _append_only(model: type[models.Model]) -> bool:
    try:
        model._default_manager.none().update()
    except PermissionError:
        return True
    return False


def _unique(field: models.Field) -> bool:
    """Whether the field is unique on its own or together with others."""
    meta = field.model._meta
    together = [set(names) for names in meta.unique_together]
    together += [set(c.fields) for c in meta.constraints if isinstance(c, models.UniqueConstraint)]
    return field.unique or any(field.name in names for names in together)


def _fit(text: str, field: models.Field, pk: Any) -> str:
    suffix = f"-{pk}" if _unique(field) else ""
    if field.max_length:
        return text[: field.max_length - len(suffix)] + suffix
    return text + suffix


# --- forms -----------------------------------------------------------------------------------

TEXT_INPUTS = {"text", "search", "email", "tel", "url", "password", "number", "date", ""}


class Form:
    """A form as a browser sees it: where it posts, and the value each field would send."""

    def __init__(self, action: str, method: str):
        self.action = action
        self.method = method.lower() or "get"
        self.values: dict[str, list[str]] = {}
        self.text_fields: list[str] = []

    def add(self, name: str, value: str) -> None:
        self.values.setdefault(name, []).append(value)

    def data(self, **overrides: str) -> dict[str, Any]:
        data: dict[str, Any] = {k: (v[0] if len(v) == 1 else v) for k, v in self.values.items()}
        data.update(overrides)
        return data


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.form: Form | None = None
        self.select: str | None = None
        self.first_option: str | None = None
        self.chosen = False
        self.textarea: str | None = None
        self.text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.form = Form(a.get("action", ""), a.get("method", "get"))
            self.forms.append(self.form)
        if self.form is None or ("name" not in a and tag != "option"):
            return
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            self.form.add(a["name"], a.get("value", "on" if kind == "checkbox" else ""))
            if kind in TEXT_INPUTS:
                self.form.text_fields.append(a["name"])
        elif tag == "textarea":
            self.textarea, self.text = a["name"], ""
        elif tag == "select":
            self.select, self.first_option, self.chosen = a["name"], None, False
        elif tag == "option" and self.select:
            value = a.get("value", "")
            if self.first_option is None and value:
                self.first_option = value
            if "selected" in a:
                self.form.add(self.select, value)
                self.chosen = True

    def handle_data(self, data: str) -> None:
        if self.textarea is not None:
            self.text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.form = None
        elif tag == "textarea" and self.form is not None and self.textarea is not None:
            self.form.add(self.textarea, self.text.removeprefix("\n"))
            self.form.text_fields.append(self.textarea)
            self.textarea = None
        elif tag == "select" and self.form is not None and self.select is not None:
            if not self.chosen and self.first_option is not None:
                self.form.add(self.select, self.first_option)
            self.select = None


def forms_in(html: str) -> list[Form]:
    """The forms of a page, each with the values a browser would send unchanged."""
    parser = _FormParser()
    parser.feed(html)
    return parser.forms
