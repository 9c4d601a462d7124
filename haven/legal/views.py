"""Criminal dossiers: list, detail, and their victims and steps."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from haven.accounts.access import requires
from haven.accounts.permissions import Permission
from haven.legal.access import visible_dossiers


@requires(Permission.DOSSIER_READ)
def dossier_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    return render(request, "legal/list.html", {"dossiers": visible_dossiers(user)[:50]})


@requires(Permission.DOSSIER_READ)
def dossier_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    dossier = visible_dossiers(user).filter(pk=pk).first()
    if dossier is None:
        raise Http404
    return render(request, "legal/detail.html", {"dossier": dossier})
