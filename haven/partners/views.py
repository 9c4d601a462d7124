"""The partner directory: search the list, see a partner, add, change, deactivate and
reactivate one (never delete: documents and dossiers keep naming it)."""

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from haven.accounts.access import requires
from haven.accounts.permissions import Permission
from haven.centres.scoping import scoped_or_404
from haven.core.paging import page_of
from haven.partners import services
from haven.partners.forms import PartnerForm, SearchForm
from haven.partners.models import Partner

PAGE_SIZE = 50


@requires(Permission.PARTNER_READ)
@require_safe
def partner_list(request: HttpRequest) -> HttpResponse:
    """The directory, active partners by default, filtered by kind and name or organisation."""
    user: Any = request.user
    search = SearchForm(request.GET)
    filters = search.filters()
    partners = services.search(user.centre, **filters)
    page = page_of(partners, request.GET.get("page"), PAGE_SIZE)
    query = {
        key: value
        for key, value in (
            ("q", filters["query"]),
            ("kind", filters["kind"]),
            ("show", filters["show"]),
        )
        if value and not (key == "show" and value == "active")
    }
    return render(
        request,
        "partners/list.html",
        {
            "page": page,
            "search": search,
            "filtered": bool(query),
            "page_query": urlencode(query),
            "may_manage": user.can(Permission.PARTNER_MANAGE),
        },
    )


@requires(Permission.PARTNER_READ)
@require_safe
def partner_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    partner = scoped_or_404(Partner, user, pk=pk)
    return render(
        request,
        "partners/detail.html",
        {
            "partner": partner,
            "usage": services.usage(partner),
            "may_manage": user.can(Permission.PARTNER_MANAGE),
        },
    )


@requires(Permission.PARTNER_MANAGE)
@require_http_methods(["GET", "POST"])
def partner_create(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    form = PartnerForm(request.POST or None, initial={"kind": request.GET.get("kind", "")})
    if request.method == "POST" and form.is_valid():
        try:
            partner = services.create_partner(by=user, centre=user.centre, data=form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("%(partner)s added to the directory.") % {"partner": partner}
            )
            return redirect("partners:detail", pk=partner.pk)
    return render(request, "partners/form.html", {"form": form})


@requires(Permission.PARTNER_MANAGE)
@require_http_methods(["GET", "POST"])
def partner_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    partner = scoped_or_404(Partner, user, pk=pk)
    # The form works on a copy: a refused change must not alter the partner shown.
    form = PartnerForm(request.POST or None, instance=Partner.objects.get(pk=partner.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_partner(by=user, partner=partner, data=form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Partner saved."))
            return redirect("partners:detail", pk=partner.pk)
    return render(request, "partners/form.html", {"form": form, "partner": partner})


@require_POST
@requires(Permission.PARTNER_MANAGE)
def partner_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    """No longer offered in forms; the documents and dossiers naming the partner keep it."""
    partner = scoped_or_404(Partner, request.user, pk=pk)
    services.set_active(by=request.user, partner=partner, active=False)  # type: ignore[arg-type]
    messages.success(request, _("Partner deactivated: no longer offered in forms."))
    return redirect("partners:detail", pk=partner.pk)


@require_POST
@requires(Permission.PARTNER_MANAGE)
def partner_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    partner = scoped_or_404(Partner, request.user, pk=pk)
    services.set_active(by=request.user, partner=partner, active=True)  # type: ignore[arg-type]
    messages.success(request, _("Partner reactivated."))
    return redirect("partners:detail", pk=partner.pk)
