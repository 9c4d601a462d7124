"""Guidance episodes: the centre's list, a new episode, an episode, its edit and its closing."""

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from haven.accounts.access import requires
from haven.accounts.permissions import Permission
from haven.centres.scoping import scoped_or_404
from haven.clients.models import Client
from haven.core.paging import page_of
from haven.guidance import services
from haven.guidance.forms import CloseForm, EpisodeForm, NewEpisodeForm
from haven.guidance.models import Episode

PAGE_SIZE = 50
STATES = {"active", "closed", "all"}


@requires(Permission.GUIDANCE_READ)
@require_safe
def episode_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    state = request.GET.get("state", "active")
    if state not in STATES:
        state = "active"
    page = page_of(services.episodes(user.centre, state), request.GET.get("page"), PAGE_SIZE)
    return render(
        request,
        "guidance/list.html",
        {
            "page": page,
            "state": state,
            "page_query": urlencode({"state": state}),
            "states": [
                ("active", _("Active")),
                ("closed", _("Closed")),
                ("all", _("All")),
            ],
        },
    )


@requires(Permission.GUIDANCE_MANAGE)
@require_http_methods(["GET", "POST"])
def episode_create(request: HttpRequest) -> HttpResponse:
    """A new episode; ``?client=<id>`` fills in the file code of the client it is for."""
    user: Any = request.user
    initial: dict[str, Any] = {"start_date": timezone.localdate()}
    client_id = request.GET.get("client", "")
    if client_id.isdigit():
        chosen = Client.objects.for_centre(user.centre).filter(pk=int(client_id)).first()
        if chosen is not None:
            initial["file_code"] = chosen.file_code
    form = NewEpisodeForm(request.POST or None, initial=initial, centre=user.centre)
    if request.method == "POST" and form.is_valid():
        assert form.client is not None
        data = dict(form.cleaned_data)
        data.pop("file_code")
        try:
            episode = services.open_episode(
                by=user, client=form.client, start_date=data.pop("start_date"), data=data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Guidance episode opened."))
            return redirect("guidance:detail", pk=episode.pk)
    return render(request, "guidance/form.html", {"form": form})


@requires(Permission.GUIDANCE_READ)
@require_safe
def episode_detail(request: HttpRequest, pk: int) -> HttpResponse:
    episode = scoped_or_404(Episode, request.user, pk=pk)
    return render(
        request,
        "guidance/detail.html",
        {
            "episode": episode,
            "client": episode.client,
        },
    )


@requires(Permission.GUIDANCE_MANAGE)
@require_http_methods(["GET", "POST"])
def episode_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    episode = scoped_or_404(Episode, user, pk=pk)
    form = EpisodeForm(request.POST or None, instance=episode, centre=user.centre)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_episode(by=user, episode=episode, data=form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("guidance:detail", pk=episode.pk)
    return render(request, "guidance/form.html", {"form": form, "episode": episode})


@requires(Permission.GUIDANCE_MANAGE)
@require_http_methods(["GET", "POST"])
def episode_close(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    episode = scoped_or_404(Episode, user, pk=pk)
    form = CloseForm(request.POST or None, initial={"end_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.close_episode(by=user, episode=episode, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Guidance episode closed."))
            return redirect("guidance:detail", pk=episode.pk)
    return render(request, "guidance/close.html", {"form": form, "episode": episode})
