"""The nationality list: administrators search it, add entries (Tibet) and correct names."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from haven.accounts.access import requires
from haven.accounts.models import User
from haven.accounts.permissions import Permission
from haven.reference import services
from haven.reference.forms import NationalityEditForm, NationalityForm
from haven.reference.models import Nationality

PAGE_SIZE = 100


def _list_query(request: HttpRequest) -> str:
    """The list's search, carried through the forms so that it is there on return."""
    query = request.GET.get("q", "").strip()
    return urlencode({"q": query}) if query else ""


def _back_to_list(request: HttpRequest) -> HttpResponseRedirect:
    url = reverse("reference:nationality_list")
    query = _list_query(request)
    return HttpResponseRedirect(f"{url}?{query}" if query else url)


@requires(Permission.REFERENCE_MANAGE)
def nationality_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    page = Paginator(services.search(query), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "reference/nationality_list.html",
        {
            "page": page,
            "query": query,
            "page_query": _list_query(request),
        },
    )


@requires(Permission.REFERENCE_MANAGE)
def nationality_create(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = NationalityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            nationality = services.create_nationality(by=user, data=form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("%(name)s (%(code)s) added to the nationalities.")
                % {"name": nationality.name, "code": nationality.code},
            )
            return _back_to_list(request)
    return render(
        request,
        "reference/nationality_form.html",
        {"form": form, "list_query": _list_query(request)},
    )


@requires(Permission.REFERENCE_MANAGE)
def nationality_edit(request: HttpRequest, pk: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    nationality = get_object_or_404(Nationality, pk=pk)
    form = NationalityEditForm(request.POST or None, nationality=nationality)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_nationality(by=user, nationality=nationality, data=form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Saved."))
            return _back_to_list(request)
    return render(
        request,
        "reference/nationality_form.html",
        {"form": form, "nationality": nationality, "list_query": _list_query(request)},
    )
