"""The reports page: a centre's figures for a period, or every centre's for the national
rapporteur, with charts and downloads (PDF, XLSX, JSON)."""

import json
from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.views.decorators.http import require_safe

from haven.accounts.access import requires
from haven.accounts.permissions import Permission
from haven.audit import services as audit
from haven.audit.models import Action
from haven.centres.models import Centre
from haven.reports import figures
from haven.reports import render as documents
from haven.reports.forms import PRESETS, period_form

FORMATS = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}


def _scope(user: Any) -> tuple[Centre | None, bool]:
    """Whose figures a user sees: every centre added up and suppressed for the national
    rapporteur, else the user's own centre, unsuppressed."""
    if user.can(Permission.STATISTICS_NATIONAL):
        return None, True
    return user.centre, False


def _figures(user: Any, start: Any, end: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """The report and its extras, computed once, as this user may see them."""
    centre, national = _scope(user)
    report = figures.report(centre, start, end)
    top = figures.top_nationalities(centre, start, end)
    if national:
        report, top = figures.suppress(report), figures.suppress_top(top)
    return report, {"top_nationalities": top}


@requires(Permission.STATISTICS_READ)
@require_safe
def index(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    centre, national = _scope(user)
    form, preset = period_form(request.GET, timezone.localdate(), centre)
    context: dict[str, Any] = {
        "form": form,
        "presets": PRESETS.items(),
        "preset": preset,
        "national": national,
    }
    if form.is_valid():
        start, end = form.period
        report, extras = _figures(user, start, end)
        query = urlencode({"from": start.isoformat(), "to": end.isoformat()})
        context |= documents.context(report, extras)
        context["downloads"] = [
            (label, f"{reverse('reports:download')}?fmt={fmt}&{query}")
            for fmt, label in (("pdf", "PDF"), ("xlsx", "Excel (XLSX)"), ("json", "JSON"))
        ]
    return render(request, "reports/index.html", context)


@requires(Permission.STATISTICS_READ)
@require_safe
def download(request: HttpRequest) -> HttpResponse:
    """The report as a file; every download is written to the audit log. A bad request goes
    back to the page, which says what is wrong."""
    user: Any = request.user
    centre, _national = _scope(user)
    fmt = request.GET.get("fmt", "")
    form, _preset = period_form(request.GET, timezone.localdate(), centre)
    if fmt not in FORMATS or "from" not in request.GET or not form.is_valid():
        query = {k: request.GET[k] for k in ("from", "to") if k in request.GET}
        return redirect(reverse("reports:index") + (f"?{urlencode(query)}" if query else ""))
    start, end = form.period
    report, extras = _figures(user, start, end)
    if fmt == "json":
        content = json.dumps(report, indent=1, ensure_ascii=False).encode()
    else:
        kind: documents.Format = "pdf" if fmt == "pdf" else "xlsx"
        content = documents.document(
            report, kind, extras=extras, language=translation.get_language()
        )
    with transaction.atomic():
        audit.record(
            Action.VIEW,
            actor=user,
            centre=user.centre,
            note=f"report {fmt} {report['centre']} {start.isoformat()} {end.isoformat()}",
        )
    response = HttpResponse(content, content_type=FORMATS[fmt])
    # What and when, never whom.
    filename = f"haven-report-{report['centre']}-{start.isoformat()}-{end.isoformat()}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
