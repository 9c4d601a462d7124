"""The director's page for the centre's history: import a dataset (REPORT.md section 1) from
uploaded files, and download the centre's records in the same format."""

import tempfile
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from haven.accounts.access import requires
from haven.accounts.permissions import Permission
from haven.core import exports
from haven.history import exporter
from haven.history.forms import MAX_UPLOAD_BYTES, DatasetUploadForm
from haven.history.importer import ImportFailed, ImportSummary, import_dataset

# Room for the form's other fields and the multipart framing around the files.
FRAMING_BYTES = 1024 * 1024


@requires(Permission.HISTORY_IMPORT)
@csrf_exempt
@require_http_methods(["GET", "POST"])
def import_page(request: HttpRequest) -> HttpResponse:
    """The import form. An upload over the limit is refused by its declared length before
    its body is read; the CSRF check follows in ``_import`` (the middleware's check would
    read the whole upload first: Django's documented pattern for upload limits)."""
    if request.method == "POST":
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > MAX_UPLOAD_BYTES + FRAMING_BYTES:
            return _page(request, DatasetUploadForm(), too_large=True, status=413)
    return _import(request)


@csrf_protect
def _import(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _page(request, DatasetUploadForm())
    user: Any = request.user
    form = DatasetUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, form)
    dry_run = form.cleaned_data["dry_run"]
    with tempfile.TemporaryDirectory(prefix="haven-import-") as tmp:
        try:
            form.write_to(Path(tmp))
        except ValidationError as exc:
            form.add_error("dataset", exc)
            return _page(request, form)
        try:
            summary = import_dataset(Path(tmp), user.centre.code, dry_run=dry_run, by=user)
        except ImportFailed as exc:
            return _page(request, DatasetUploadForm(), problems=exc.problems, more=exc.more)
    return _page(request, DatasetUploadForm(), counts=_counts(summary), dry_run=dry_run)


@requires(Permission.HISTORY_IMPORT)
@require_http_methods(["GET", "POST"])
def export_download(request: HttpRequest) -> HttpResponse:
    """The centre's records in the dataset format, as one encrypted ZIP. GET asks why, POST
    records who took it and why and shows the password once, with the one-time download.

    Encrypted although it holds no identity: pseudonyms with full birth dates,
    nationalities, stays, residence documents and court cases of every client of the
    centre single people out, and this is the largest file Haven gives away."""
    user: Any = request.user
    reason = exports.reason_form(request)
    if not (request.method == "POST" and reason.is_valid()):
        return exports.reason_page(
            request,
            reason,
            title=gettext("Download the dataset"),
            description=gettext(
                "The centre's records in the dataset format, as one ZIP archive encrypted "
                "with AES. To import it elsewhere, extract the CSV files with the password "
                "and upload them."
            ),
            back=reverse("history:import"),
            encrypted=True,
        )
    with tempfile.TemporaryDirectory(prefix="haven-export-") as tmp, transaction.atomic():
        exporter.export_dataset(
            user.centre,
            Path(tmp),
            by=user,
            reason=reason.statement(),
            what="dataset ZIP, encrypted",
        )
        files = {name: (Path(tmp) / name).read_bytes() for name in exporter.FILES}
    # The file name says which centre and when, never whom.
    filename = f"dataset-{user.centre.code}-{timezone.localdate().isoformat()}.zip"
    return exports.offer_encrypted(request, files, filename)


def _page(
    request: HttpRequest,
    form: DatasetUploadForm,
    *,
    status: int = 200,
    **context: Any,
) -> HttpResponse:
    return render(
        request,
        "history/import.html",
        {"form": form, "limit_mb": MAX_UPLOAD_BYTES // 2**20, **context},
        status=status,
    )


def _counts(summary: ImportSummary) -> list[tuple[str, int]]:
    """The rows read per file, in the format's order of files."""
    return [(name, summary.counts[name]) for name in exporter.FILES if name in summary.counts]
