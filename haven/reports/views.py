"""The reports page: a centre's figures for a period, or every centre's for the national
rapporteur, with charts and downloads (PDF, XLSX, JSON)."""

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_safe

from haven.accounts.access import requires
from haven.accounts.permissions import Permission
from haven.centres.models import Centre
from haven.core import exports
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
@require_http_methods(["GET", "HEAD", "POST"])
def download(request: HttpRequest) -> HttpResponse:
    """The report as a file. GET asks why, POST gives the file and records who took it and
    why in the audit log. Figures only, no identity: a plain file, not an encrypted one. A
    bad request goes back to the page, which says what is wrong."""
    user: Any = request.user
    centre, _national = _scope(user)
    params = request.POST if request.method == "POST" else request.GET
    fmt = params.get("fmt", "")
    form, _preset = period_form(params, timezone.localdate(), centre)
    if fmt not in FORMATS or "from" not in params or not form.is_valid():
        query = {k: params[k] for k in ("from", "to") if k in params}
        return redirect(reverse("reports:index") + (f"?{urlencode(query)}" if query else ""))
    start, end = form.period
    reason = exports.reason_form(request)
    if not (request.method == "POST" and reason.is_valid()):
        period = {"from": start.isoformat(), "to": end.isoformat()}
        return exports.reason_page(
            request,
            reason,
            title=gettext("Download the report (%(format)s)") % {"format": fmt.upper()},
            description=gettext(
                "The figures from %(start)s to %(end)s as a file. It holds counts, no identities."
            )
            % {"start": date_format(start), "end": date_format(end)},
            back=f"{reverse('reports:index')}?{urlencode(period)}",
            keep={"fmt": fmt, **period},
        )
    report, extras = _figures(user, start, end)
    if fmt == "json":
        content = json.dumps(report, indent=1, ensure_ascii=False).encode()
    else:
        kind: documents.Format = "pdf" if fmt == "pdf" else "xlsx"
        content = documents.document(
            report, kind, extras=extras, language=translation.get_language()
        )
    exports.record_export(
        user,
        what=f"report {fmt} {report['centre']} {start.isoformat()} {end.isoformat()}",
        reason=reason.statement(),
    )
    response = HttpResponse(content, content_type=FORMATS[fmt])
    # What and when, never whom.
    filename = f"haven-report-{report['centre']}-{start.isoformat()}-{end.isoformat()}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
