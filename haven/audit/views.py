from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

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
        request, "audit/search.html", {"form": form, "page": page, "query": query.urlencode()}
    )
