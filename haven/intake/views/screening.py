"""Intake views: the screening checklist and the decision."""

from typing import cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from haven.accounts.access import requires
from haven.accounts.models import User
from haven.accounts.permissions import Permission
from haven.centres.scoping import scoped_or_404
from haven.intake import decisions
from haven.intake.models import Intake, Screening
from haven.intake.screening_forms import DecisionForm, ScreeningForm


@requires(Permission.INTAKE_SCREEN)
@require_http_methods(["GET", "POST"])
def screening(request: HttpRequest, pk: int) -> HttpResponse:
    """The indicator checklist of an intake: a first screening, or the current one to edit."""
    user = cast(User, request.user)
    intake = scoped_or_404(Intake, user, pk=pk)
    current = Screening.objects.filter(intake=intake).first()
    form = ScreeningForm(request.POST or None, screening=current)
    if request.method == "POST" and form.is_valid():
        try:
            decisions.screen(by=user, intake=intake, data=form.screening_data())
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Screening of %(code)s saved.") % {"code": intake.code})
            return redirect("intake:detail", pk=intake.pk)
    return render(request, "intake/screening_form.html", {"intake": intake, "form": form})


@requires(Permission.INTAKE_DECIDE)
@require_http_methods(["GET", "POST"])
def decision(request: HttpRequest, pk: int) -> HttpResponse:
    """The decision on an intake, or a change of it; the current decision is shown above."""
    user = cast(User, request.user)
    intake = scoped_or_404(Intake, user, pk=pk)
    offer_client = intake.client_id is None and user.can(Permission.CLIENT_CREATE)
    form = DecisionForm(request.POST or None, intake=intake, offer_client=offer_client)
    if request.method == "POST" and form.is_valid():
        try:
            decisions.decide(by=user, intake=intake, data=form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Decision on %(code)s saved.") % {"code": intake.code})
            return redirect("intake:detail", pk=intake.pk)
    return render(request, "intake/decision_form.html", {"intake": intake, "form": form})


urls: list[URLPattern] = [
    path("<int:pk>/screening/", screening, name="screening"),
    path("<int:pk>/decision/", decision, name="decision"),
]
