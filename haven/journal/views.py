"""The journal's pages: the entries the reader may see, a new entry, edit, correction."""

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from haven.accounts.access import requires
from haven.accounts.permissions import Permission
from haven.audit import services as audit
from haven.audit.models import Action
from haven.centres.scoping import scoped_or_404
from haven.clients.models import Client
from haven.core.paging import page_of
from haven.journal import services
from haven.journal.forms import EntryForm, EntryTextForm
from haven.journal.models import Entry

PAGE_SIZE = 30


def _client_of(request: HttpRequest) -> Client | None:
    pk = request.GET.get("client", "").strip()
    return scoped_or_404(Client, request.user, pk=pk) if pk else None


def _readable_or_404(request: HttpRequest, pk: int) -> Entry:
    """The entry, if it is of the reader's centre and the reader may read it; 404 otherwise."""
    entry = scoped_or_404(Entry, request.user, pk=pk)
    if not services.may_read(request.user, entry):
        raise Http404
    return entry


# Every role that reads guidance reaches the journal; which entries it reads is the service's.
@requires(Permission.GUIDANCE_READ)
@require_safe
def entry_list(request: HttpRequest) -> HttpResponse:
    client = _client_of(request)
    query = request.GET.get("q", "").strip()
    entries = services.search(services.visible_entries(request.user, client), query)
    page = page_of(entries, request.GET.get("page"), PAGE_SIZE)
    params = {"client": client.pk if client else "", "q": query}
    return render(
        request,
        "journal/list.html",
        {
            "page": page,
            "client": client,
            "query": query,
            "page_query": urlencode({k: v for k, v in params.items() if v}),
            "may_write": bool(services.writable_tracks(request.user)),
        },
    )


@requires(Permission.GUIDANCE_READ)
@require_http_methods(["GET", "POST"])
def entry_create(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    client = _client_of(request)
    form = EntryForm(request.POST if request.method == "POST" else None, user=user, client=client)
    if not services.writable_tracks(user):
        messages.error(request, _("Your role writes in no track's journal."))
        return redirect("journal:list")
    if request.method == "POST" and form.is_valid():
        assert form.client is not None
        entry = services.create_entry(by=user, client=form.client, data=form.cleaned_data)
        messages.success(request, _("Journal entry saved."))
        return redirect("journal:detail", pk=entry.pk)
    return render(request, "journal/form.html", {"form": form, "client": client})


@requires(Permission.GUIDANCE_READ)
@require_safe
def entry_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    entry = _readable_or_404(request, pk)
    audit.record(Action.VIEW, actor=user, obj=entry)
    corrections = services.visible_entries(user).filter(corrects=entry).order_by("written_at")
    return render(
        request,
        "journal/detail.html",
        {
            "entry": entry,
            "corrections": corrections,
            "may_edit": services.may_edit(user, entry),
            "may_correct": services.may_correct(user, entry),
        },
    )


@requires(Permission.GUIDANCE_READ)
@require_http_methods(["GET", "POST"])
def entry_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The author's edit within 24 hours; later (or for anyone else) the correction form."""
    user: Any = request.user
    entry = _readable_or_404(request, pk)
    if not services.may_edit(user, entry):
        if entry.author_id == user.pk:
            messages.info(request, _("Entries can be edited for 24 hours; add a correction."))
        return redirect("journal:correct", pk=entry.pk)
    initial = {"occurred_on": entry.occurred_on, "text": entry.text, "whole_team": entry.whole_team}
    form = EntryTextForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.edit_entry(by=user, entry=entry, data=form.cleaned_data)
        messages.success(request, _("Journal entry saved."))
        return redirect("journal:detail", pk=entry.pk)
    return render(request, "journal/form.html", {"form": form, "entry": entry, "editing": True})


@requires(Permission.GUIDANCE_READ)
@require_http_methods(["GET", "POST"])
def entry_correct(request: HttpRequest, pk: int) -> HttpResponse:
    """A new entry that corrects this one; the old text stays readable."""
    user: Any = request.user
    entry = _readable_or_404(request, pk)
    if not services.may_correct(user, entry):
        messages.error(request, _("Only the team of this track can correct this entry."))
        return redirect("journal:detail", pk=entry.pk)
    initial = {"text": entry.text, "whole_team": entry.whole_team}
    form = EntryTextForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        correction = services.correct_entry(by=user, entry=entry, data=form.cleaned_data)
        messages.success(request, _("Correction saved."))
        return redirect("journal:detail", pk=correction.pk)
    return render(request, "journal/form.html", {"form": form, "entry": entry, "correcting": True})
