"""The shelter board, check-in, moves and check-out, planned arrivals, the house log and the
rooms admin. Views are thin: the rules live in ``services``."""

from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from haven.accounts.access import requires
from haven.accounts.permissions import Permission
from haven.centres.scoping import scoped_or_404
from haven.clients import services as client_services
from haven.core.forms import save_form
from haven.core.paging import page_of
from haven.shelter import services
from haven.shelter.board import board as board_of
from haven.shelter.forms import (
    ArrivalForm,
    CheckInForm,
    CheckOutForm,
    HouseForm,
    LogForm,
    MoveForm,
    OutOfServiceForm,
    RoomForm,
    StayForm,
    WingForm,
)
from haven.shelter.models import (
    House,
    LogEntry,
    OutOfService,
    PlannedArrival,
    Room,
    Stay,
    Wing,
)

LOG_PAGE_SIZE = 50


def _form_page(
    request: HttpRequest, form: forms.BaseForm, *, title: str, cancel: str, **extra: Any
) -> HttpResponse:
    return render(
        request,
        "shelter/form.html",
        {"form": form, "title": title, "cancel": cancel, **extra},
    )


# ---------------------------------------------------------------------------------------------
# The board and a stay


@requires(Permission.SHELTER_READ)
@require_safe
def board(request: HttpRequest) -> HttpResponse:
    """Every open room tonight with its status, arrivals and departures of the day; the
    important handover notes of the last 24 hours for those who keep the house log."""
    user: Any = request.user
    night = services.tonight()
    may_log = user.can(Permission.HOUSE_LOG)
    return render(
        request,
        "shelter/board.html",
        {
            "board": board_of(user.centre, night),
            "may_write": user.can(Permission.SHELTER_WRITE),
            "may_manage": user.can(Permission.SHELTER_MANAGE),
            "may_log": may_log,
            "notes": list(services.recent_important(user.centre)[:10]) if may_log else [],
        },
    )


@requires(Permission.SHELTER_READ)
@require_safe
def stay_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A stay and its chain of rooms; a reading of the client's file."""
    user: Any = request.user
    stay = scoped_or_404(Stay, user, pk=pk)
    client_services.open_file(by=user, client=stay.client, with_identity=False, note="stay page")
    assignments = list(stay.assignments.select_related("room__wing").order_by("start", "id"))
    return render(
        request,
        "shelter/stay.html",
        {
            "stay": stay,
            "assignments": assignments,
            "current": assignments[-1] if assignments and stay.check_out is None else None,
            "may_write": user.can(Permission.SHELTER_WRITE),
            "may_see_client": user.can(Permission.CLIENT_READ),
        },
    )


def _stay_page(stay: Stay) -> str:
    return reverse("shelter:stay", kwargs={"pk": stay.pk})


@requires(Permission.SHELTER_WRITE)
@require_http_methods(["GET", "HEAD", "POST"])
def check_in(request: HttpRequest) -> HttpResponse:
    """Check a client into a room (``?room=<pk>`` proposes the room)."""
    user: Any = request.user
    initial: dict[str, Any] = {}
    if request.GET.get("room"):
        initial["room"] = scoped_or_404(Room, user, pk=request.GET["room"]).pk
    form = CheckInForm(
        request.POST or None, centre=user.centre, day=services.tonight(), initial=initial
    )
    stay = save_form(
        request,
        form,
        lambda data: services.check_in(
            by=user,
            client=data["client"],
            room=data["room"],
            day=data["day"],
            planned_departure=data.get("planned_departure"),
            notes=data.get("notes", ""),
        ),
        _("Checked in."),
    )
    if stay is not None:
        return redirect("shelter:board")
    return _form_page(
        request, form, title=_("Check in"), cancel=reverse("shelter:board"), submit=_("Check in")
    )


@requires(Permission.SHELTER_WRITE)
@require_http_methods(["GET", "HEAD", "POST"])
def move(request: HttpRequest, pk: int) -> HttpResponse:
    """Move the client of a stay to another room (the stay goes on)."""
    user: Any = request.user
    stay = scoped_or_404(Stay, user, pk=pk)
    form = MoveForm(request.POST or None, centre=user.centre, day=services.tonight())
    moved = save_form(
        request,
        form,
        lambda data: services.move(by=user, stay=stay, room=data["room"], day=data["day"]),
        _("Moved."),
    )
    if moved is not None:
        return redirect(_stay_page(stay))
    return _form_page(
        request,
        form,
        title=_("Move %(client)s to another room") % {"client": stay.client.pseudonym},
        cancel=_stay_page(stay),
        submit=_("Move"),
        stay=stay,
    )


@requires(Permission.SHELTER_WRITE)
@require_http_methods(["GET", "HEAD", "POST"])
def check_out(request: HttpRequest, pk: int) -> HttpResponse:
    """End a stay, with the reason the client left."""
    user: Any = request.user
    stay = scoped_or_404(Stay, user, pk=pk)
    form = CheckOutForm(request.POST or None, initial={"day": timezone.localdate()})
    done = save_form(
        request,
        form,
        lambda data: services.check_out(by=user, stay=stay, day=data["day"], reason=data["reason"]),
        _("Checked out."),
    )
    if done is not None:
        return redirect("shelter:board")
    return _form_page(
        request,
        form,
        title=_("Check out %(client)s") % {"client": stay.client.pseudonym},
        cancel=_stay_page(stay),
        submit=_("Check out"),
        stay=stay,
    )


@requires(Permission.SHELTER_WRITE)
@require_http_methods(["GET", "HEAD", "POST"])
def stay_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a stay's planned departure and notes."""
    user: Any = request.user
    stay = scoped_or_404(Stay, user, pk=pk)
    form = StayForm(
        request.POST or None,
        initial={"planned_departure": stay.planned_departure, "notes": stay.notes},
    )
    done = save_form(
        request,
        form,
        lambda data: services.update_stay(
            by=user,
            stay=stay,
            planned_departure=data.get("planned_departure"),
            notes=data.get("notes", ""),
        ),
        _("Stay saved."),
    )
    if done is not None:
        return redirect(_stay_page(stay))
    return _form_page(
        request, form, title=_("Planned departure"), cancel=_stay_page(stay), stay=stay
    )


# ---------------------------------------------------------------------------------------------
# Planned arrivals


@requires(Permission.SHELTER_WRITE)
@require_http_methods(["GET", "HEAD", "POST"])
def arrival_create(request: HttpRequest) -> HttpResponse:
    """Reserve a room for a client's arrival (``?room=<pk>`` proposes the room)."""
    user: Any = request.user
    initial: dict[str, Any] = {}
    if request.GET.get("room"):
        initial["room"] = scoped_or_404(Room, user, pk=request.GET["room"]).pk
    form = ArrivalForm(
        request.POST or None, centre=user.centre, day=services.tonight(), initial=initial
    )
    arrival = save_form(
        request,
        form,
        lambda data: services.plan_arrival(
            by=user,
            client=data["client"],
            room=data["room"],
            arrives_on=data["arrives_on"],
            note=data.get("note", ""),
        ),
        _("Arrival planned: the room is reserved."),
    )
    if arrival is not None:
        return redirect("shelter:board")
    return _form_page(request, form, title=_("Plan an arrival"), cancel=reverse("shelter:board"))


@require_POST
@requires(Permission.SHELTER_WRITE)
def arrival_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    arrival = scoped_or_404(PlannedArrival, user, pk=pk)
    services.cancel_arrival(by=user, arrival=arrival)
    messages.success(request, _("Arrival cancelled: the room is free again."))
    return redirect("shelter:board")


# ---------------------------------------------------------------------------------------------
# The house log


@requires(Permission.HOUSE_LOG)
@require_http_methods(["GET", "HEAD", "POST"])
def house_log(request: HttpRequest) -> HttpResponse:
    """The handover notes between shifts, newest first; a note is added at the top."""
    user: Any = request.user
    form = LogForm(request.POST or None, centre=user.centre)
    entry = save_form(
        request,
        form,
        lambda data: services.write_log(
            by=user, house=data["house"], text=data["text"], important=data["important"]
        ),
        _("Note added to the house log."),
    )
    if entry is not None:
        return redirect("shelter:log")
    entries = LogEntry.objects.for_centre(user.centre).select_related("author", "house")
    return render(
        request,
        "shelter/log.html",
        {
            "form": form,
            "page": page_of(entries, request.GET.get("page"), LOG_PAGE_SIZE),
            "has_house": House.objects.for_centre(user.centre).exists(),
        },
    )


# ---------------------------------------------------------------------------------------------
# Rooms admin


@requires(Permission.SHELTER_MANAGE)
@require_safe
def rooms(request: HttpRequest) -> HttpResponse:
    """The houses, wings and rooms (closed ones too) with their periods out of service."""
    user: Any = request.user
    periods: Any = Prefetch(
        "out_of_service", queryset=OutOfService.objects.order_by("-start", "-id")
    )
    room_list: Any = Room.objects.prefetch_related(periods).order_by("code")
    houses = (
        House.objects.for_centre(user.centre)
        .prefetch_related(
            Prefetch("wings", queryset=Wing.objects.order_by("name", "id")),
            Prefetch("wings__rooms", queryset=room_list),
        )
        .order_by("name", "id")
    )
    return render(request, "shelter/rooms.html", {"houses": houses, "today": timezone.localdate()})


def _fields(form: forms.BaseModelForm) -> dict[str, Any]:
    return {name: form.cleaned_data.get(name) for name in form._meta.fields or ()}


def _rooms_page() -> str:
    return reverse("shelter:rooms")


@requires(Permission.SHELTER_MANAGE)
@require_http_methods(["GET", "HEAD", "POST"])
def house_create(request: HttpRequest) -> HttpResponse:
    return _house(request, None)


@requires(Permission.SHELTER_MANAGE)
@require_http_methods(["GET", "HEAD", "POST"])
def house_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _house(request, scoped_or_404(House, request.user, pk=pk))


def _house(request: HttpRequest, house: House | None) -> HttpResponse:
    user: Any = request.user
    form = HouseForm(request.POST or None, instance=house)
    saved = save_form(
        request,
        form,
        lambda data: services.save_house(
            by=user, centre=user.centre, data=_fields(form), house=house
        ),
        _("House saved."),
    )
    if saved is not None:
        return redirect(_rooms_page())
    title = _("Edit house") if house else _("New house")
    return _form_page(request, form, title=title, cancel=_rooms_page())


@requires(Permission.SHELTER_MANAGE)
@require_http_methods(["GET", "HEAD", "POST"])
def wing_create(request: HttpRequest) -> HttpResponse:
    return _wing(request, None)


@requires(Permission.SHELTER_MANAGE)
@require_http_methods(["GET", "HEAD", "POST"])
def wing_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _wing(request, scoped_or_404(Wing, request.user, pk=pk))


def _wing(request: HttpRequest, wing: Wing | None) -> HttpResponse:
    user: Any = request.user
    form = WingForm(request.POST or None, instance=wing, centre=user.centre)
    saved = save_form(
        request,
        form,
        lambda data: services.save_wing(by=user, centre=user.centre, data=_fields(form), wing=wing),
        _("Wing saved."),
    )
    if saved is not None:
        return redirect(_rooms_page())
    title = _("Edit wing") if wing else _("New wing")
    return _form_page(request, form, title=title, cancel=_rooms_page())


@requires(Permission.SHELTER_MANAGE)
@require_http_methods(["GET", "HEAD", "POST"])
def room_create(request: HttpRequest) -> HttpResponse:
    return _room(request, None)


@requires(Permission.SHELTER_MANAGE)
@require_http_methods(["GET", "HEAD", "POST"])
def room_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _room(request, scoped_or_404(Room, request.user, pk=pk))


def _room(request: HttpRequest, room: Room | None) -> HttpResponse:
    user: Any = request.user
    form = RoomForm(request.POST or None, instance=room, centre=user.centre)
    saved = save_form(
        request,
        form,
        lambda data: services.save_room(by=user, centre=user.centre, data=_fields(form), room=room),
        _("Room saved."),
    )
    if saved is not None:
        return redirect(_rooms_page())
    title = _("Room %(room)s") % {"room": room.code} if room else _("New room")
    return _form_page(request, form, title=title, cancel=_rooms_page(), room=room)


@requires(Permission.SHELTER_MANAGE)
@require_http_methods(["GET", "HEAD", "POST"])
def out_of_service_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Put a room (pk) out of service for a period."""
    room = scoped_or_404(Room, request.user, pk=pk)
    return _out_of_service(request, room, None)


@requires(Permission.SHELTER_MANAGE)
@require_http_methods(["GET", "HEAD", "POST"])
def out_of_service_edit(request: HttpRequest, pk: int) -> HttpResponse:
    period = scoped_or_404(OutOfService, request.user, pk=pk)
    return _out_of_service(request, period.room, period)


def _out_of_service(request: HttpRequest, room: Room, period: OutOfService | None) -> HttpResponse:
    user: Any = request.user
    form = OutOfServiceForm(request.POST or None, instance=period)
    saved = save_form(
        request,
        form,
        lambda data: services.save_out_of_service(
            by=user, room=room, data=_fields(form), period=period
        ),
        _("Saved."),
    )
    if saved is not None:
        return redirect(_rooms_page())
    return _form_page(
        request,
        form,
        title=_("Room %(room)s out of service") % {"room": room.code},
        cancel=_rooms_page(),
    )
