"""Client files: list and search by pseudonym, the file itself (every opening audited), edits."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from haven.accounts.access import requires
from haven.accounts.permissions import Permission
from haven.centres.scoping import scoped_or_404
from haven.clients import services
from haven.clients.forms import ClientForm, IdentityForm
from haven.clients.models import Client


@requires(Permission.CLIENT_READ)
def client_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    clients = services.search(request.user.centre, query)  # type: ignore[union-attr]
    page = Paginator(clients, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "clients/list.html",
        {"page": page, "query": query, "page_query": urlencode({"q": query}) if query else ""},
    )


@requires(Permission.CLIENT_CREATE)
def client_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    with_identity = user.can(Permission.CLIENT_IDENTITY_UPDATE)  # type: ignore[union-attr]
    form = ClientForm(request.POST or None)
    identity = IdentityForm(request.POST or None, prefix="id") if with_identity else None
    if request.method == "POST" and form.is_valid() and (identity is None or identity.is_valid()):
        data = dict(form.cleaned_data)
        if identity is not None:
            data.update(identity.cleaned_data)
        client = services.create_client(by=user, centre=user.centre, data=data)  # type: ignore[arg-type, union-attr]
        messages.success(request, _("File %(code)s created.") % {"code": client.file_code})
        return redirect("clients:detail", pk=client.pk)
    return render(request, "clients/form.html", {"form": form, "identity": identity})


@requires(Permission.CLIENT_READ)
def client_detail(request: HttpRequest, pk: int) -> HttpResponse:
    client = scoped_or_404(Client, request.user, pk=pk)
    show_identity = request.user.can(Permission.CLIENT_IDENTITY_READ)  # type: ignore[union-attr]
    services.open_file(by=request.user, client=client, with_identity=show_identity)  # type: ignore[arg-type]
    identity = IdentityForm(instance=client) if show_identity else None
    return render(request, "clients/detail.html", {"client": client, "identity": identity})


@requires(Permission.CLIENT_UPDATE)
def client_edit(request: HttpRequest, pk: int) -> HttpResponse:
    client = scoped_or_404(Client, request.user, pk=pk)
    form = ClientForm(request.POST or None, instance=client)
    if request.method == "POST" and form.is_valid():
        services.update_client(by=request.user, client=client, data=form.cleaned_data)  # type: ignore[arg-type]
        messages.success(request, _("Saved."))
        return redirect("clients:detail", pk=client.pk)
    return render(request, "clients/form.html", {"form": form, "client": client})


@requires(Permission.CLIENT_IDENTITY_UPDATE)
def identity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    client = scoped_or_404(Client, request.user, pk=pk)
    form = IdentityForm(request.POST or None, instance=client)
    if request.method == "POST" and form.is_valid():
        services.update_client(by=request.user, client=client, data=form.cleaned_data)  # type: ignore[arg-type]
        messages.success(request, _("Identity saved."))
        return redirect("clients:detail", pk=client.pk)
    return render(request, "clients/identity_form.html", {"form": form, "client": client})
