"""Letters about a client: choose the letter and its language, download it as PDF."""

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from haven.accounts.access import requires
from haven.accounts.permissions import Permission
from haven.centres.scoping import scoped_or_404
from haven.clients.models import Client
from haven.letters import services
from haven.letters.forms import LetterForm


@requires(Permission.LETTER_CREATE)
@require_http_methods(["GET", "POST"])
def letter_create(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the form. POST: the PDF as a download (audited), or the form with what is missing."""
    user: Any = request.user
    client = scoped_or_404(Client, user, pk=pk)
    form = LetterForm(request.POST or None, client=client, user=user)
    if request.method == "POST" and form.is_valid():
        kind, language = form.cleaned_data["kind"], form.cleaned_data["language"]
        try:
            pdf = services.render_letter(
                by=user,
                client=client,
                kind=kind,
                language=language,
                document=form.cleaned_data["document"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            response = HttpResponse(pdf, content_type="application/pdf")
            name = services.filename(client, kind, language)
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            response["Cache-Control"] = "no-store"
            return response
    return render(
        request,
        "letters/form.html",
        {"form": form, "client": client, "guided": services.open_episode(client) is not None},
    )
