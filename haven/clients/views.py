"""Client files: list and search by pseudonym, the file itself (every opening audited), edits,
and the check for likely duplicates before a new file is opened."""

import datetime
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from haven.accounts.access import requires
from haven.accounts.permissions import Permission
from haven.audit import services as audit
from haven.audit.models import Action
from haven.centres.scoping import scoped_or_404
from haven.clients import glass, services
from haven.clients.forms import BreakGlassForm, ClientForm, IdentityForm
from haven.clients.models import CONFIDENTIAL_FIELDS, Client
from haven.core.paging import page_of
from haven.guidance import overview
from haven.reference.codes import Vulnerability

PAGE_SIZE = 50


@requires(Permission.CLIENT_READ)
@require_safe
def client_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    clients = services.search(request.user.centre, query)  # type: ignore[union-attr]
    page = page_of(clients, request.GET.get("page"), PAGE_SIZE)
    return render(
        request,
        "clients/list.html",
        {"page": page, "query": query, "page_query": urlencode({"q": query}) if query else ""},
    )


@requires(Permission.CLIENT_CREATE)
@require_http_methods(["GET", "POST"])
def client_create(request: HttpRequest) -> HttpResponse:
    """A new file; before it is opened, the worker sees the centre's likely duplicates and
    either opens one of them or confirms that this is someone new (``confirm_new=1``)."""
    user: Any = request.user
    with_identity = user.can(Permission.CLIENT_IDENTITY_UPDATE)
    posted = request.POST if request.method == "POST" else None
    form = ClientForm(posted, centre=user.centre)
    identity = IdentityForm(posted, prefix="id") if with_identity else None
    candidates: list[Any] = []
    if posted is not None and form.is_valid() and (identity is None or identity.is_valid()):
        data = dict(form.cleaned_data)
        if identity is not None:
            data.update(identity.cleaned_data)
        if posted.get("confirm_new") != "1":
            candidates = services.find_duplicates(by=user, data=data)
        if not candidates:
            client = services.create_client(by=user, centre=user.centre, data=data)
            messages.success(request, _("File %(code)s created.") % {"code": client.file_code})
            return redirect("clients:detail", pk=client.pk)
    return render(
        request,
        "clients/form.html",
        {"form": form, "identity": identity, "candidates": candidates, "searched": False},
    )


@requires(Permission.CLIENT_CREATE)
@require_http_methods(["GET", "POST"])
def duplicates(request: HttpRequest) -> HttpResponse:
    """The likely duplicates of the person being registered: a fragment of the new-client form,
    fetched while the worker types. The names travel in the body of a POST, never in a URL
    (URLs end up in logs); a GET answers with no candidates. Opened as a page of its own
    (not by htmx), it is a whole page."""
    user: Any = request.user
    candidates: list[Any] = []
    if request.method == "POST":
        form = ClientForm(request.POST, centre=user.centre)
        identity = IdentityForm(request.POST, prefix="id")
        form.is_valid()  # whatever is valid so far is enough to search with
        identity.is_valid()
        candidates = services.find_duplicates(
            by=user, data={**form.cleaned_data, **identity.cleaned_data}
        )
    fragment = request.headers.get("HX-Request") == "true"
    return render(
        request,
        "clients/_duplicates.html" if fragment else "clients/duplicates.html",
        {"candidates": candidates, "searched": request.method == "POST"},
    )


@requires(Permission.CLIENT_READ)
@require_safe
def client_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The client overview: key facts on top, the identity block for those who may see it,
    and the timeline of what happened (a fixed number of queries however long it is)."""
    user: Any = request.user
    client = scoped_or_404(Client, user, pk=pk)
    visible = services.visible_identity(user, client)
    withheld = bool(visible) and any(name not in visible for name in CONFIDENTIAL_FIELDS)
    services.open_file(
        by=user,
        client=client,
        with_identity=bool(visible),
        note="identity shown, confidential contacts withheld" if withheld else "",
    )
    identity = [
        {
            "label": Client._meta.get_field(name).verbose_name,  # type: ignore[union-attr]
            "value": value,
            "is_date": isinstance(value, datetime.date),
        }
        for name, value in visible.items()
    ]
    vulnerabilities = [
        Vulnerability(code).label for code in client.vulnerabilities if code in Vulnerability.values
    ]
    facts = overview.key_facts(client)
    with glass.using(request):
        timeline = overview.timeline(user, client)
        sealed = services.sealed_tracks(user, client)
    return render(
        request,
        "clients/detail.html",
        {
            "client": client,
            "identity": identity,
            "withheld": withheld,
            "vulnerabilities": vulnerabilities,
            "facts": facts,
            "workers": facts.workers,
            "timeline": timeline,
            "may_break_glass": bool(sealed) and user.can(Permission.BREAK_GLASS),
        },
    )


@requires(Permission.EMERGENCY_CARD_READ)
@require_safe
def emergency_card(request: HttpRequest, pk: int) -> HttpResponse:
    """What a night worker needs when a resident is unwell, and nothing more; every opening
    is audited."""
    user: Any = request.user
    client = scoped_or_404(Client, user, pk=pk)
    card = services.emergency_card(user, client)
    services.open_file(by=user, client=client, with_identity=False, note="emergency card")
    return render(request, "clients/emergency_card.html", {"client": client, "card": card})


@requires(Permission.BREAK_GLASS)
@require_http_methods(["GET", "POST"])
def break_glass(request: HttpRequest, pk: int) -> HttpResponse:
    """Read a client's journals and plan from outside the assigned team: with a stated reason,
    for the rest of the session, written to the audit log."""
    user: Any = request.user
    client = scoped_or_404(Client, user, pk=pk)
    form = BreakGlassForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        glass.grant(request, client.pk)
        audit.record(Action.BREAK_GLASS, actor=user, obj=client, note=form.cleaned_data["reason"])
        messages.success(
            request,
            _("Access granted for this session; your reason is in the access log."),
        )
        return redirect("clients:detail", pk=client.pk)
    return render(request, "clients/break_glass.html", {"client": client, "form": form})


@requires(Permission.CLIENT_UPDATE)
@require_http_methods(["GET", "POST"])
def client_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    client = scoped_or_404(Client, user, pk=pk)
    lock = client.confidential_address and not services.may_see_confidential(user, client)
    form = ClientForm(
        request.POST or None, instance=client, centre=user.centre, lock_confidential=lock
    )
    if request.method == "POST" and form.is_valid():
        services.update_client(by=user, client=client, data=form.cleaned_data)
        messages.success(request, _("Saved."))
        return redirect("clients:detail", pk=client.pk)
    return render(request, "clients/form.html", {"form": form, "client": client})


@requires(Permission.CLIENT_IDENTITY_UPDATE)
@require_http_methods(["GET", "POST"])
def identity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit the identity block; a worker who may not see the confidential contacts gets a form
    without them (so they can neither read nor overwrite them)."""
    user: Any = request.user
    client = scoped_or_404(Client, user, pk=pk)
    hidden = services.hidden_identity_fields(user, client)
    form = IdentityForm(request.POST or None, instance=client, hidden=hidden)
    if request.method == "POST" and form.is_valid():
        services.update_client(by=user, client=client, data=form.cleaned_data)
        messages.success(request, _("Identity saved."))
        return redirect("clients:detail", pk=client.pk)
    return render(
        request,
        "clients/identity_form.html",
        {"form": form, "client": client, "withheld": bool(hidden)},
    )
