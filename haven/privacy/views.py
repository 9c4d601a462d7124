"""The data subject's rights (a client's privacy page, export, erasure) and the retention
policy. Thin: the rules live in haven.privacy.services and haven.privacy.retention."""

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from haven.accounts.access import requires
from haven.accounts.permissions import Permission
from haven.accounts.reauth import requires_recent_auth
from haven.audit import services as audit
from haven.audit.models import Action
from haven.centres.scoping import scoped_or_404
from haven.clients.models import Client
from haven.privacy import records, retention, services
from haven.privacy.forms import ErasureForm, ExportForm, FindForm, RetentionPolicyForm
from haven.privacy.models import Erasure


@requires(Permission.PRIVACY_EXPORT)
@require_safe
def index(request: HttpRequest) -> HttpResponse:
    """Find a client by file code (the DPO reads no client list)."""
    user: Any = request.user
    form = FindForm(request.GET or None)
    if form.is_valid():
        client = (
            Client.objects.for_centre(user.centre)
            .filter(file_code__iexact=form.cleaned_data["code"].strip())
            .first()
        )
        if client is not None:
            return redirect("privacy:client", pk=client.pk)
        form.add_error("code", _("No client of your centre has this file code."))
    return render(
        request,
        "privacy/index.html",
        {"form": form, "can_manage_retention": user.can(Permission.RETENTION_MANAGE)},
    )


@requires(Permission.PRIVACY_EXPORT)
@require_safe
def client_privacy(request: HttpRequest, pk: int) -> HttpResponse:
    """What Haven holds on one person, the ways to act on it, and who read the file."""
    user: Any = request.user
    client = scoped_or_404(Client, user, pk=pk)
    with transaction.atomic():
        audit.record(Action.VIEW, actor=user, obj=client, note="privacy page")
    return render(
        request,
        "privacy/client.html",
        {
            "client": client,
            "counts": records.counts(client),
            "erasure": Erasure.objects.filter(client=client).first(),
            "trail": services.trail(client),
        },
    )


@requires(Permission.PRIVACY_EXPORT)
@require_http_methods(["GET", "POST"])
def export(request: HttpRequest, pk: int) -> HttpResponse:
    client = scoped_or_404(Client, request.user, pk=pk)  # 404 before asking for a password
    return _export(request, client)


@requires_recent_auth
def _export(request: HttpRequest, client: Client) -> HttpResponse:
    from haven.core.exports import offer_encrypted

    form = ExportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        files = services.export_subject(by=request.user, client=client, reason=form.reason())
        name = f"haven-subject-{client.file_code}-{timezone.localdate():%Y%m%d}.zip"
        return offer_encrypted(request, files, name)
    return render(request, "privacy/export.html", {"client": client, "form": form})


@requires(Permission.PRIVACY_ERASE)
@require_http_methods(["GET", "POST"])
def erase(request: HttpRequest, pk: int) -> HttpResponse:
    client = scoped_or_404(Client, request.user, pk=pk)
    return _erase(request, client)


@requires_recent_auth
def _erase(request: HttpRequest, client: Client) -> HttpResponse:
    erasure = Erasure.objects.filter(client=client).first()
    form = ErasureForm(request.POST or None, file_code=client.file_code)
    if erasure is None and request.method == "POST" and form.is_valid():
        services.erase_client(by=request.user, client=client, ground=form.cleaned_data["ground"])
        messages.success(request, _("File %(code)s erased.") % {"code": client.file_code})
        return redirect("privacy:client", pk=client.pk)
    return render(
        request,
        "privacy/erase.html",
        {
            "client": client,
            "form": form,
            "erasure": erasure,
            "plan": services.erasure_plan(client),
            "birth_date_kept": services._birth_date_kept(client),
        },
    )


@requires(Permission.RETENTION_MANAGE)
@require_http_methods(["GET", "POST"])
def retention_policy(request: HttpRequest) -> HttpResponse:
    """The centre's retention periods, and what applying them today would change."""
    user: Any = request.user
    policy = retention.policy_of(user.centre)
    form = RetentionPolicyForm(request.POST or None, instance=policy)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            if policy.pk is None:  # the defaults, first changed now
                form.save()
                audit.record(
                    Action.CREATE, actor=user, obj=form.instance, changes=audit.created(policy)
                )
            else:
                audit.save_changes(policy, form.cleaned_data, by=user, centre=user.centre)
        messages.success(request, _("Retention policy saved."))
        return redirect("privacy:retention")
    preview = retention.plan(user.centre, timezone.localdate())
    return render(request, "privacy/retention.html", {"form": form, "preview": preview})
