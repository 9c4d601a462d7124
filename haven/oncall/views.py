"""The on-call rota: everyone on duty sees it, the director keeps it."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from haven.accounts.access import requires
from haven.accounts.models import User
from haven.accounts.permissions import Permission
from haven.centres.scoping import scoped_or_404
from haven.oncall import services
from haven.oncall.forms import ShiftForm
from haven.oncall.models import Shift


@requires(Permission.ONCALL_READ)
def rota(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    show_past = request.GET.get("past") == "1"
    now = timezone.now()
    return render(
        request,
        "oncall/rota.html",
        {
            "days": services.rota(user.centre, now=now, show_past=show_past),
            "now": now,
            "show_past": show_past,
            "can_manage": user.can(Permission.ONCALL_MANAGE),
        },
    )


@requires(Permission.ONCALL_MANAGE)
def shift_create(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = ShiftForm(request.POST or None, centre=user.centre)  # type: ignore[arg-type]
    if request.method == "POST" and form.is_valid():
        try:
            services.create_shift(by=user, centre=user.centre, data=form.cleaned_data)  # type: ignore[arg-type]
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Shift added to the rota."))
            return redirect("oncall:rota")
    return render(request, "oncall/form.html", {"form": form})


@requires(Permission.ONCALL_MANAGE)
def shift_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    shift = scoped_or_404(Shift, user, pk=pk)
    form = ShiftForm(request.POST or None, centre=shift.centre, shift=shift)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_shift(by=user, shift=shift, data=form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Shift saved."))
            return redirect("oncall:rota")
    return render(request, "oncall/form.html", {"form": form, "shift": shift})


@require_POST
@requires(Permission.ONCALL_MANAGE)
def shift_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    shift = scoped_or_404(Shift, user, pk=pk)
    services.delete_shift(by=user, shift=shift)
    messages.success(request, _("Shift removed from the rota."))
    return redirect("oncall:rota")
