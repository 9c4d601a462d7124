"""Residence documents of a client, their renewals and the administrative outcomes
(regularisation, voluntary return, social rights). Every reading of a client's residence page
is written to the access log like the opening of the client's file."""

from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from haven.accounts.access import requires
from haven.accounts.permissions import Permission
from haven.centres.scoping import scoped_or_404
from haven.clients import services as client_services
from haven.clients.models import Client
from haven.core.forms import save_form
from haven.residence import services, status
from haven.residence.forms import (
    DocumentForm,
    NewDocumentForm,
    RegularisationForm,
    RenewalForm,
    RenewalRequestForm,
    ReturnForm,
    SocialRightForm,
)
from haven.residence.models import (
    Decision,
    Regularisation,
    Renewal,
    ResidenceDocument,
    SocialRight,
    VoluntaryReturn,
)


def _client_from_query(request: HttpRequest) -> Client | None:
    """The client named by ``?client=<pk>`` (404 when not of the user's centre), if any."""
    if not request.GET.get("client"):
        return None
    return scoped_or_404(Client, request.user, pk=request.GET["client"])


def _client_page(client: Client) -> str:
    return reverse("residence:client", kwargs={"pk": client.pk})


def _form_page(
    request: HttpRequest, form: forms.Form, *, title: str, client: Client | None, **extra: Any
) -> HttpResponse:
    return render(
        request,
        "residence/form.html",
        {
            "form": form,
            "title": title,
            "client": client,
            "cancel": _client_page(client) if client is not None else reverse("clients:list"),
            **extra,
        },
    )


# ---------------------------------------------------------------------------------------------
# The client's residence page and a document


@requires(Permission.RESIDENCE_READ)
@require_safe
def client_documents(request: HttpRequest, pk: int) -> HttpResponse:
    """A client's stage in the procedure, documents with their renewals, and administrative
    outcomes; audited as a reading of the client's file."""
    user: Any = request.user
    client = scoped_or_404(Client, user, pk=pk)
    client_services.open_file(by=user, client=client, with_identity=False, note="residence page")
    renewals = Renewal.objects.select_related("new_document").order_by("-requested_on", "-id")
    documents = list(
        services.documents_of(client)
        .select_related("municipality")
        .prefetch_related(Prefetch("renewals", queryset=renewals))
    )
    today = timezone.localdate()
    return render(
        request,
        "residence/client.html",
        {
            "client": client,
            "today": today,
            "stage": services.procedure_stage(client, documents),
            "current": services.current_document(documents),
            "expired": status.is_expired(client, today),
            "soon": status.expires_soon(client, today),
            "documents": documents,
            "regularisations": list(Regularisation.objects.filter(client=client)),
            "returns": list(
                VoluntaryReturn.objects.filter(client=client).select_related("country")
            ),
            "social_rights": list(
                SocialRight.objects.filter(client=client).select_related("organisation")
            ),
            "may_write": user.can(Permission.RESIDENCE_WRITE),
        },
    )


@requires(Permission.RESIDENCE_READ)
@require_safe
def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One document with its renewals; the Immigration Office reference for those who may read
    identity data (the reading is audited)."""
    user: Any = request.user
    document = scoped_or_404(ResidenceDocument, user, pk=pk)
    show_reference = user.can(Permission.CLIENT_IDENTITY_READ)
    client_services.open_file(
        by=user,
        client=document.client,
        with_identity=show_reference and bool(document.immigration_reference),
        note="residence document",
    )
    renewals = list(document.renewals.select_related("new_document"))
    renewal_of = Renewal.objects.filter(new_document=document).select_related("document").first()
    return render(
        request,
        "residence/document.html",
        {
            "document": document,
            "client": document.client,
            "renewals": renewals,
            "renewal_of": renewal_of,
            "show_reference": show_reference,
            "may_write": user.can(Permission.RESIDENCE_WRITE),
            "may_renew": not document.is_permanent
            and all(r.decision != Decision.PENDING for r in renewals),
        },
    )


@requires(Permission.RESIDENCE_WRITE)
@require_http_methods(["GET", "POST"])
def document_create(request: HttpRequest) -> HttpResponse:
    """Register a document for ``?client=<pk>`` (or a client typed in the form)."""
    user: Any = request.user
    client = _client_from_query(request)
    form = DocumentForm(request.POST or None, centre=user.centre, user=user, client=client)

    def save(data: dict[str, Any]) -> ResidenceDocument:
        return services.register_document(by=user, client=form.chosen_client(), data=data)

    document = save_form(request, form, save, _("Document registered."))
    if document is not None:
        return redirect(_client_page(document.client))
    return _form_page(request, form, title=_("New residence document"), client=client)


@requires(Permission.RESIDENCE_WRITE)
@require_http_methods(["GET", "POST"])
def document_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    document = scoped_or_404(ResidenceDocument, user, pk=pk)
    form = DocumentForm(request.POST or None, centre=user.centre, user=user, document=document)

    def save(data: dict[str, Any]) -> ResidenceDocument:
        return services.update_document(by=user, document=document, data=data)

    if save_form(request, form, save, _("Document saved.")) is not None:
        return redirect("residence:detail", pk=document.pk)
    return _form_page(request, form, title=_("Edit residence document"), client=document.client)


# ---------------------------------------------------------------------------------------------
# Renewals


@requires(Permission.RESIDENCE_WRITE)
@require_http_methods(["GET", "POST"])
def renewal_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Record that a renewal of the document (pk) was asked from the Immigration Office."""
    user: Any = request.user
    document = scoped_or_404(ResidenceDocument, user, pk=pk)
    form = RenewalRequestForm(request.POST or None, initial={"requested_on": timezone.localdate()})

    def save(data: dict[str, Any]) -> Renewal:
        return services.request_renewal(by=user, document=document, data=data)

    if save_form(request, form, save, _("Renewal request recorded.")) is not None:
        return redirect(_client_page(document.client))
    return _form_page(
        request, form, title=_("Request a renewal"), client=document.client, document=document
    )


@requires(Permission.RESIDENCE_WRITE)
@require_http_methods(["GET", "POST"])
def renewal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The renewal's progress: the prosecutor's view and the decision."""
    user: Any = request.user
    renewal = scoped_or_404(Renewal, user, pk=pk)
    form = RenewalForm(request.POST or None, renewal=renewal)

    def save(data: dict[str, Any]) -> Renewal:
        return services.update_renewal(by=user, renewal=renewal, data=data)

    if save_form(request, form, save, _("Renewal saved.")) is not None:
        return redirect(_client_page(renewal.document.client))
    return _form_page(
        request,
        form,
        title=_("Renewal request"),
        client=renewal.document.client,
        document=renewal.document,
    )


@requires(Permission.RESIDENCE_WRITE)
@require_http_methods(["GET", "POST"])
def renewal_new_document(request: HttpRequest, pk: int) -> HttpResponse:
    """Register the new document a renewal (pk) gave: the renewal is granted."""
    user: Any = request.user
    renewal = scoped_or_404(Renewal, user, pk=pk)
    if renewal.new_document_id:
        messages.info(request, _("The new document of this renewal is already recorded."))
        return redirect("residence:detail", pk=renewal.new_document_id)
    form = NewDocumentForm(request.POST or None, centre=user.centre, user=user, renewal=renewal)

    def save(data: dict[str, Any]) -> ResidenceDocument:
        return services.record_new_document(by=user, renewal=renewal, data=data)

    if save_form(request, form, save, _("New document registered.")) is not None:
        return redirect(_client_page(renewal.document.client))
    return _form_page(
        request,
        form,
        title=_("New document after the renewal"),
        client=renewal.document.client,
        document=renewal.document,
    )


# ---------------------------------------------------------------------------------------------
# Regularisation, voluntary return, social rights


@requires(Permission.RESIDENCE_WRITE)
@require_http_methods(["GET", "POST"])
def regularisation_create(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    client = _client_from_query(request)
    form = RegularisationForm(request.POST or None, centre=user.centre, client=client)

    def save(data: dict[str, Any]) -> Regularisation:
        return services.record_regularisation(by=user, client=form.chosen_client(), data=data)

    saved = save_form(request, form, save, _("Regularisation recorded."))
    if saved is not None:
        return redirect(_client_page(saved.client))
    return _form_page(request, form, title=_("Regularisation"), client=client)


@requires(Permission.RESIDENCE_WRITE)
@require_http_methods(["GET", "POST"])
def regularisation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    record = scoped_or_404(Regularisation, user, pk=pk)
    form = RegularisationForm(request.POST or None, centre=user.centre, record=record)

    def save(data: dict[str, Any]) -> Regularisation:
        return services.update_regularisation(by=user, regularisation=record, data=data)

    if save_form(request, form, save, _("Regularisation saved.")) is not None:
        return redirect(_client_page(record.client))
    return _form_page(request, form, title=_("Regularisation"), client=record.client)


@requires(Permission.RESIDENCE_WRITE)
@require_http_methods(["GET", "POST"])
def return_create(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    client = _client_from_query(request)
    form = ReturnForm(request.POST or None, centre=user.centre, client=client)

    def save(data: dict[str, Any]) -> VoluntaryReturn:
        return services.record_return(by=user, client=form.chosen_client(), data=data)

    saved = save_form(request, form, save, _("Voluntary return recorded."))
    if saved is not None:
        return redirect(_client_page(saved.client))
    return _form_page(request, form, title=_("Voluntary return"), client=client)


@requires(Permission.RESIDENCE_WRITE)
@require_http_methods(["GET", "POST"])
def return_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    record = scoped_or_404(VoluntaryReturn, user, pk=pk)
    form = ReturnForm(request.POST or None, centre=user.centre, record=record)

    def save(data: dict[str, Any]) -> VoluntaryReturn:
        return services.update_return(by=user, voluntary_return=record, data=data)

    if save_form(request, form, save, _("Voluntary return saved.")) is not None:
        return redirect(_client_page(record.client))
    return _form_page(request, form, title=_("Voluntary return"), client=record.client)


@requires(Permission.RESIDENCE_WRITE)
@require_http_methods(["GET", "POST"])
def social_right_create(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    client = _client_from_query(request)
    form = SocialRightForm(request.POST or None, centre=user.centre, client=client)

    def save(data: dict[str, Any]) -> SocialRight:
        return services.record_social_right(by=user, client=form.chosen_client(), data=data)

    saved = save_form(request, form, save, _("Social right recorded."))
    if saved is not None:
        return redirect(_client_page(saved.client))
    return _form_page(request, form, title=_("Social right"), client=client)


@requires(Permission.RESIDENCE_WRITE)
@require_http_methods(["GET", "POST"])
def social_right_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a social right, or end it."""
    user: Any = request.user
    record = scoped_or_404(SocialRight, user, pk=pk)
    form = SocialRightForm(request.POST or None, centre=user.centre, record=record)

    def save(data: dict[str, Any]) -> SocialRight:
        return services.update_social_right(by=user, right=record, data=data)

    if save_form(request, form, save, _("Social right saved.")) is not None:
        return redirect(_client_page(record.client))
    return _form_page(request, form, title=_("Social right"), client=record.client)
