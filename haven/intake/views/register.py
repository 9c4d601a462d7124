"""Intake views: register (full form by day, quick form at night), the intake page, completing."""

from typing import cast

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _

from haven.accounts.access import requires
from haven.accounts.models import User
from haven.accounts.permissions import Permission
from haven.centres.models import Centre
from haven.centres.scoping import scoped_or_404
from haven.intake import services
from haven.intake.forms import IntakeForm, PersonForm, QuickIntakeForm
from haven.intake.models import Intake


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _centre(request: HttpRequest) -> Centre:
    # Views that reach here declared an intake permission: only centre roles hold one.
    return cast(Centre, _user(request).centre)


@requires(Permission.INTAKE_CREATE)
def register(request: HttpRequest) -> HttpResponse:
    """The full intake: how it came in, about whom, who takes it up."""
    user, centre = _user(request), _centre(request)
    data = request.POST if request.method == "POST" else None
    form = IntakeForm(data, centre=centre, with_key=True)
    person = PersonForm(data, centre=centre, may_create=user.can(Permission.CLIENT_CREATE))
    if request.method == "POST" and form.is_valid() and person.is_valid():
        link = person.link() or {}
        intake = services.register_intake(
            user,
            centre,
            {**form.intake_data(), "client": link.get("client")},
            submission_key=form.cleaned_data["submission_key"],
            new_client_data=link.get("new_client_data"),
        )
        messages.success(request, _("Intake %(code)s saved.") % {"code": intake.code})
        return redirect("intake:detail", pk=intake.pk)
    return render(request, "intake/register.html", {"form": form, "person": person})


@requires(Permission.INTAKE_CREATE)
def quick(request: HttpRequest) -> HttpResponse:
    """The night's quick intake: eight fields on a phone, saved in one step."""
    form = QuickIntakeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        intake = services.register_quick_intake(
            _user(request),
            _centre(request),
            form.intake_data(),
            submission_key=form.cleaned_data["submission_key"],
        )
        messages.success(
            request,
            _("Intake %(code)s saved. The day team will complete it.") % {"code": intake.code},
        )
        return redirect("intake:detail", pk=intake.pk)
    return render(request, "intake/quick.html", {"form": form})


@requires(Permission.INTAKE_READ)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything about one intake; the person by file code and pseudonym only."""
    intake = scoped_or_404(Intake, request.user, pk=pk)
    return render(request, "intake/detail.html", {"intake": intake})


@requires(Permission.INTAKE_UPDATE)
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Complete an intake: its details, the assigned worker, the person it is about."""
    user = _user(request)
    intake = scoped_or_404(Intake, user, pk=pk)
    data = request.POST if request.method == "POST" else None
    form = IntakeForm(data, instance=intake, centre=intake.centre)
    person = PersonForm(
        data,
        centre=intake.centre,
        current=intake.client,
        may_create=user.can(Permission.CLIENT_CREATE),
    )
    if request.method == "POST" and form.is_valid() and person.is_valid():
        with transaction.atomic():
            services.update_intake(user, intake, form.intake_data())
            link = person.link()
            if link is not None:
                services.link_person(user, intake, **link)
        messages.success(request, _("Intake %(code)s saved.") % {"code": intake.code})
        return redirect("intake:detail", pk=intake.pk)
    return render(request, "intake/edit.html", {"form": form, "person": person, "intake": intake})


urls: list[URLPattern] = [
    path("new/", register, name="register"),
    path("quick/", quick, name="quick"),
    path("<int:pk>/", detail, name="detail"),
    path("<int:pk>/edit/", edit, name="edit"),
]
