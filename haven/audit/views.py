from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from haven.accounts.access import requires
from haven.accounts.permissions import Permission
from haven.audit import services
from haven.audit.forms import AuditSearchForm
from haven.core.paging import page_of


@requires(Permission.AUDIT_READ)
def search(request: HttpRequest) -> HttpResponse:
    """Who did what, when, to which record: for the director and the data protection officer."""
    form = AuditSearchForm(request.GET or None)
    entries = services.search(request.user.centre)  # type: ignore[union-attr]
    if form.is_valid():
        entries = services.search(request.user.centre, **form.cleaned_data)  # type: ignore[union-attr]
    page = page_of(entries, request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/search.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "verification": services.last_verification(),
        },
    )


@require_POST
@requires(Permission.AUDIT_READ)
def verify(request: HttpRequest) -> HttpResponse:
    """Walk the audit chain now; the outcome is shown on the audit page and recorded."""
    outcome = services.verify_chain(by=request.user)
    if outcome.problem is None:
        messages.success(
            request, _("The audit chain is intact: %(count)d entries.") % {"count": outcome.count}
        )
    else:
        messages.error(request, str(outcome.problem))
    return redirect("audit:search")
