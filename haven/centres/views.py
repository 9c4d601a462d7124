from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from haven.accounts.access import requires
from haven.accounts.permissions import Permission
from haven.centres import services
from haven.centres.forms import CentreForm


@requires(Permission.CENTRE_CONFIGURE)
def centre_list(request: HttpRequest) -> HttpResponse:
    centres = services.visible_to(request.user)  # type: ignore[arg-type]
    can_create = request.user.can(Permission.CENTRE_CREATE)  # type: ignore[union-attr]
    return render(request, "centres/list.html", {"centres": centres, "can_create": can_create})


@requires(Permission.CENTRE_CREATE)
def centre_create(request: HttpRequest) -> HttpResponse:
    form = CentreForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        centre = services.create_centre(by=request.user, data=form.cleaned_data)  # type: ignore[arg-type]
        messages.success(request, _("Centre %(code)s created.") % {"code": centre.code})
        return redirect("centres:list")
    return render(request, "centres/form.html", {"form": form})


@requires(Permission.CENTRE_CONFIGURE)
def centre_edit(request: HttpRequest, pk: int) -> HttpResponse:
    centre = get_object_or_404(services.visible_to(request.user), pk=pk)  # type: ignore[arg-type]
    form = CentreForm(request.POST or None, instance=centre)
    if request.method == "POST" and form.is_valid():
        services.update_centre(by=request.user, centre=centre, data=form.cleaned_data)  # type: ignore[arg-type]
        messages.success(request, _("Centre settings saved."))
        return redirect("centres:list")
    return render(request, "centres/form.html", {"form": form, "centre": centre})
