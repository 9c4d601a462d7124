"""Exports are sensitive: every file that leaves Haven is logged with who took what and why.

- ``ExportReasonForm`` and ``reason_page``: the question every export in the web interface
  asks first (GET shows it, POST produces the file).
- ``record_export``: the audit entry of an export (who, what, why, how many rows, whether
  identities were in it).
- ``encrypted_zip``: an AES-256 ZIP and its generated password, returned once.
- ``offer_encrypted`` and ``download``: the one-time offer of an encrypted export. The
  encrypted bytes wait in a short-lived file under ``EXPORTS_DIR`` (default ``var/exports``)
  keyed by a random token kept in the user's session; the password is shown once on the
  page and stored nowhere. The file is handed out once, within ten minutes, to that session.
"""

import io
import os
import re
import secrets
import time
from pathlib import Path
from typing import Any

import pyzipper
from django import forms
from django.conf import settings
from django.db import models, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from haven.accounts.access import signed_in
from haven.audit import services as audit
from haven.audit.models import Action, AuditEntry

NOTE_LENGTH = 300
# Letters and digits that cannot be mistaken for one another when read aloud or copied by
# hand: no 0/O, 1/I/L; upper case only. 20 of 31 symbols: about 99 bits.
PASSWORD_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
PASSWORD_GROUPS, GROUP_LENGTH = 4, 5
# How long an encrypted export waits for its one download.
OFFER_SECONDS = 10 * 60
SESSION_KEY = "haven_exports"
TOKEN = re.compile(r"^[A-Za-z0-9_-]{32}$")
SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]")


class Reason(models.TextChoices):
    """Why a file leaves Haven: the common cases, and "other" with the reason in words."""

    ANNUAL_REPORT = "annual-report", _("Annual report")
    FUNDER = "funder", _("Report to a funder")
    PARTNER = "partner-exchange", _("Exchange with a partner organisation")
    AUTHORITY = "court-or-police", _("Request of a court or the police")
    DATA_SUBJECT = "data-subject", _("Request of the person concerned (data subject)")
    OTHER = "other", _("Other")


class ExportReasonForm(forms.Form):
    """The reason asked before every export; "other" needs the reason in a few words."""

    reason = forms.ChoiceField(
        label=_("Why is this file taken out of Haven?"),
        choices=Reason.choices,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    other = forms.CharField(
        label=_("The reason, in a few words"),
        help_text=_("Required for “Other”. Say why, not about whom: no names."),
        max_length=200,
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("reason") == Reason.OTHER and not data.get("other", "").strip():
            self.add_error("other", _("Say in a few words why the file is needed."))
        return data

    def statement(self) -> str:
        """The reason as written to the audit log: the choice's code, or the words given."""
        reason = self.cleaned_data["reason"]
        if reason == Reason.OTHER:
            return f"other: {' '.join(self.cleaned_data['other'].split())}"
        return str(reason)


def reason_form(request: HttpRequest) -> ExportReasonForm:
    """The reason form, bound when the request posts it."""
    return ExportReasonForm(request.POST if request.method == "POST" else None)


def reason_page(
    request: HttpRequest,
    form: ExportReasonForm,
    *,
    title: str,
    description: str,
    back: str,
    keep: dict[str, str] | None = None,
    encrypted: bool = False,
) -> HttpResponse:
    """The page asking why an export is taken; ``keep`` are values posted back unchanged
    (e.g. the filters or the period of the export)."""
    return render(
        request,
        "core/export_reason.html",
        {
            "form": form,
            "title": title,
            "description": description,
            "back": back,
            "keep": sorted((keep or {}).items()),
            "encrypted": encrypted,
        },
    )


def record_export(
    user: Any,
    *,
    what: str,
    reason: str,
    centre: Any = None,
    count: int | None = None,
    identity: bool = False,
    actor_name: str = "",
) -> AuditEntry:
    """Write one export to the audit log: who took ``what`` out of Haven and why, how many
    rows, and whether identities were in it. The reason is shortened when the note would be
    too long; what, rows and identity always fit. ``actor_name`` names an export made
    without a user (a command run without one)."""
    head = f"export: {what}; reason: "
    tail = (f"; rows: {count}" if count is not None else "") + (
        f"; identity: {'yes' if identity else 'no'}"
    )
    room = max(NOTE_LENGTH - len(head) - len(tail), 0)
    if len(reason) > room:
        reason = reason[: max(room - 1, 0)] + "…"
    note = f"{head}{reason}{tail}"[:NOTE_LENGTH]
    if centre is None:
        centre = getattr(user, "centre", None)
    with transaction.atomic():
        return audit.record(
            Action.VIEW, actor=user, actor_name=actor_name, centre=centre, note=note
        )


def generate_password() -> str:
    """A password to type from the screen: four groups of five unambiguous characters."""
    groups = (
        "".join(secrets.choice(PASSWORD_ALPHABET) for _char in range(GROUP_LENGTH))
        for _group in range(PASSWORD_GROUPS)
    )
    return "-".join(groups)


def encrypted_zip(files: dict[str, bytes]) -> tuple[bytes, str]:
    """The files as one ZIP archive encrypted with AES-256 (WinZip AES: 7-Zip, macOS and
    Windows tools with AES support open it) and the generated password. The password is
    returned once: the caller shows it and keeps it nowhere."""
    password = generate_password()
    buffer = io.BytesIO()
    with pyzipper.AESZipFile(
        buffer, "w", compression=pyzipper.ZIP_DEFLATED, encryption=pyzipper.WZ_AES
    ) as archive:
        archive.setpassword(password.encode())
        archive.setencryption(pyzipper.WZ_AES, nbits=256)
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue(), password


def _directory() -> Path:
    directory = Path(getattr(settings, "EXPORTS_DIR", "") or Path(settings.VAR_DIR) / "exports")
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    return directory


def sweep(now: float | None = None) -> int:
    """Delete the encrypted exports older than the offer's ten minutes; returns how many."""
    now = time.time() if now is None else now
    removed = 0
    for path in _directory().iterdir():
        try:
            if now - path.stat().st_mtime > OFFER_SECONDS:
                path.unlink()
                removed += 1
        except FileNotFoundError:
            continue  # taken or swept by another process meanwhile
    return removed


def offer_encrypted(request: HttpRequest, files: dict[str, bytes], filename: str) -> HttpResponse:
    """Encrypt ``files`` into one ZIP and answer the page that shows its password once, with
    a button to download the file once. ``filename`` (ending in .zip) says what and when,
    never whom. The caller records the export (``record_export``)."""
    content, password = encrypted_zip(files)
    filename = SAFE_NAME.sub("-", filename)
    sweep()
    token = secrets.token_urlsafe(24)
    path = _directory() / token
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as stored:
        stored.write(content)
    offers = dict(request.session.get(SESSION_KEY, {}))
    offers[token] = {"filename": filename, "user": request.user.pk, "at": time.time()}
    request.session[SESSION_KEY] = offers
    response = render(
        request,
        "core/export_password.html",
        {"password": password, "token": token, "filename": filename, "minutes": 10},
    )
    response["Cache-Control"] = "no-store"
    return response


def take(request: HttpRequest, token: str) -> tuple[bytes, str]:
    """The encrypted export offered to this session under ``token``, removed as it is taken;
    Http404 when it is not this session's, was taken already or has expired."""
    offers = dict(request.session.get(SESSION_KEY, {}))
    offer = offers.pop(token, None) if TOKEN.match(token) else None
    request.session[SESSION_KEY] = offers
    if offer is None or offer.get("user") != request.user.pk:
        raise Http404
    path = _directory() / token
    claimed = path.with_name(f"{token}.taken")
    try:
        # Atomic: of two simultaneous requests only one claims the file.
        os.replace(path, claimed)
    except FileNotFoundError:
        raise Http404 from None
    try:
        expired = time.time() - float(offer.get("at", 0)) > OFFER_SECONDS
        content = b"" if expired else claimed.read_bytes()
    finally:
        claimed.unlink(missing_ok=True)
    if expired:
        raise Http404
    return content, str(offer["filename"])


@signed_in
@require_POST
def download(request: HttpRequest) -> HttpResponse:
    """The one download of an encrypted export (a POST: the token stays out of URLs, logs
    and the browser's history, and taking the file removes it)."""
    content, filename = take(request, request.POST.get("token", ""))
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
