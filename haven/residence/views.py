"""Residence documents of a client, their renewals and the administrative outcomes."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from haven.accounts.access import requires
from haven.accounts.permissions import Permission
from haven.centres.scoping import scoped_or_404
from haven.clients.models import Client


@requires(Permission.RESIDENCE_READ)
def client_documents(request: HttpRequest, pk: int) -> HttpResponse:
    """A client's documents, stage in the procedure and administrative outcomes."""
    client = scoped_or_404(Client, request.user, pk=pk)
    return render(request, "residence/client.html", {"client": client})
