"""Intake views: the queue (with its filters, remembered), the night's intakes, the CSV export."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import cast

from django.core.paginator import Page
from django.http import HttpRequest, HttpResponse, QueryDict, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.timesince import timesince
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from haven.accounts.access import requires
from haven.accounts.models import User
from haven.accounts.permissions import Permission
from haven.centres.models import Centre
from haven.core import exports
from haven.core.paging import page_of
from haven.intake import services
from haven.intake.forms import QueueFilterForm
from haven.intake.models import Intake

PAGE_SIZE = 50
# The queue's last filters, restored when the queue is opened again without any.
REMEMBERED = "intake_queue_filters"


@dataclass(frozen=True)
class Row:
    intake: Intake
    age: str


def _rows(intakes: Iterable[Intake]) -> list[Row]:
    now = timezone.now()
    return [Row(intake, timesince(intake.received_at, now, depth=1)) for intake in intakes]


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _centre(request: HttpRequest) -> Centre:
    return cast(Centre, _user(request).centre)


def _page(intakes: object, request: HttpRequest) -> Page:
    return page_of(intakes, request.GET.get("page"), PAGE_SIZE)


@requires(Permission.INTAKE_READ)
def intake_queue(request: HttpRequest) -> HttpResponse:
    """Open intakes with their age and worker; filters remembered between visits."""
    if "clear" in request.GET:
        request.session.pop(REMEMBERED, None)
        return redirect("intake:queue")
    remembered = request.session.get(REMEMBERED)
    if not request.GET and remembered:
        return redirect(f"{reverse('intake:queue')}?{remembered}")
    form = QueueFilterForm(request.GET or None, centre=_centre(request))
    query = form.query_string()
    if query:
        request.session[REMEMBERED] = query
    elif any(name in request.GET for name in form.fields):
        request.session.pop(REMEMBERED, None)  # every filter emptied: nothing to remember
    page = _page(services.queue(_centre(request), form.filters()), request)
    return render(
        request,
        "intake/queue.html",
        {
            "form": form,
            "page": page,
            "rows": _rows(page),
            "page_query": query,
            "filtered": bool(query),
            "may_export": _user(request).can(Permission.INTAKE_EXPORT),
        },
    )


@requires(Permission.INTAKE_READ)
def since_last_shift(request: HttpRequest) -> HttpResponse:
    """What came in since the office last closed: the morning team's first look."""
    centre, now = _centre(request), timezone.now()
    page = _page(services.since_last_shift(centre, now), request)
    return render(
        request,
        "intake/since_last_shift.html",
        {"page": page, "rows": _rows(page), "since": services.last_closing(centre, now)},
    )


@requires(Permission.INTAKE_EXPORT)
@require_http_methods(["GET", "POST"])
def export(request: HttpRequest) -> HttpResponseBase:
    """The filtered queue as CSV for a spreadsheet. GET asks why (keeping the queue's
    filters), POST gives the file and records who took it and why in the audit log. The CSV
    holds codes and pseudonyms, no identity field: a plain file, not an encrypted one."""
    user, centre = _user(request), _centre(request)
    reason = exports.reason_form(request)
    posted = request.method == "POST"
    filters = request.POST.get("filters", "") if posted else request.GET.urlencode()
    form = QueueFilterForm(QueryDict(filters) or None, centre=centre)
    if posted and reason.is_valid():
        intakes = services.queue(centre, form.filters())
        exports.record_export(
            user,
            what=_export_label(form),
            reason=reason.statement(),
            count=intakes.count(),
        )
        response = StreamingHttpResponse(
            services.export_csv(intakes), content_type="text/csv; charset=utf-8"
        )
        # The file name says what and when, never whom.
        filename = f"intakes-{centre.code}-{timezone.localdate().isoformat()}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    query = form.query_string()
    return exports.reason_page(
        request,
        reason,
        title=gettext("Export the intakes as CSV"),
        description=gettext(
            "The intakes of the queue as it is filtered now, as a CSV file for a spreadsheet: "
            "intake numbers, file codes and pseudonyms, no identities."
        ),
        back=reverse("intake:queue") + (f"?{query}" if query else ""),
        keep={"filters": query},
    )


def _export_label(form: QueueFilterForm) -> str:
    """What was exported, for the audit log: the filters, the search words left out (they
    may be a pseudonym)."""
    filters = QueryDict(form.query_string())
    text = "&".join(
        "q=…" if name == "q" else urlencode({name: str(value)}) for name, value in filters.items()
    )
    return f"intakes CSV ({text})" if text else "intakes CSV"


urls: list[URLPattern] = [
    path("", intake_queue, name="queue"),
    path("since-last-shift/", since_last_shift, name="since_last_shift"),
    path("export.csv", export, name="export"),
]
