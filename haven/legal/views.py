"""Criminal dossiers: the list, a dossier with its status timeline and victims, and the forms
to open and change a dossier, its victims and its steps.

A worker reaches a dossier only through a victim whose file is open to them (assigned, the
director, or a granted break-the-glass); of its other victims they learn only how many there
are. Another centre's dossier answers 404 and is logged as refused.
"""

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Min, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from haven.accounts.access import requires
from haven.accounts.permissions import Permission
from haven.centres.scoping import scoped_or_404
from haven.clients.models import Client
from haven.core.forms import save_form
from haven.core.paging import page_of
from haven.legal import services
from haven.legal.access import visible_dossiers, visible_victims
from haven.legal.forms import DossierForm, EventForm, VictimForm
from haven.legal.models import Dossier, DossierEvent, EventKind, Outcome, Victim

PAGE_SIZE = 50


def _dossier(user: Any, pk: int) -> Dossier:
    """The dossier if the user may see one of its victims; 404 otherwise (another centre's is
    logged as refused by ``scoped_or_404``)."""
    dossier = scoped_or_404(Dossier, user, pk=pk)
    if not visible_dossiers(user).filter(pk=dossier.pk).exists():
        raise Http404
    return dossier


def _victim(user: Any, pk: int) -> Victim:
    victim = scoped_or_404(Victim, user, pk=pk)
    if not visible_victims(user).filter(pk=victim.pk).exists():
        raise Http404
    return victim


def _event(user: Any, pk: int) -> DossierEvent:
    event = scoped_or_404(DossierEvent, user, pk=pk)
    _dossier(user, event.dossier_id)
    return event


def _detail_url(dossier_id: int, anchor: str = "") -> str:
    url = reverse("legal:detail", kwargs={"pk": dossier_id})
    return f"{url}#{anchor}" if anchor else url


@requires(Permission.DOSSIER_READ)
@require_safe
def dossier_list(request: HttpRequest) -> HttpResponse:
    """The dossiers the user may see, newest first; filter by outcome, search by dossier code
    or notice number."""
    user: Any = request.user
    query = request.GET.get("q", "").strip()
    outcome = request.GET.get("outcome", "")
    if outcome not in Outcome.values:
        outcome = ""
    rows = visible_dossiers(user)
    if outcome:
        rows = rows.filter(outcome=outcome)
    if query:
        rows = rows.filter(Q(code__icontains=query) | Q(notice_number__icontains=query))
    today = timezone.localdate()
    rows = rows.annotate(
        next_hearing=Min(
            "events__date", filter=Q(events__kind=EventKind.HEARING, events__date__gte=today)
        ),
        victim_count=Count("victims", distinct=True),
    ).prefetch_related(
        Prefetch(
            "victims",
            queryset=visible_victims(user).select_related("client").order_by("id"),
            to_attr="shown",
        )
    )
    # An aggregate drops the model's ordering: name it again (newest first).
    page = page_of(rows.order_by("-opened_on", "-id"), request.GET.get("page"), PAGE_SIZE)
    for dossier in page:
        dossier.hidden = dossier.victim_count - len(dossier.shown)
    filters = {k: v for k, v in (("q", query), ("outcome", outcome)) if v}
    return render(
        request,
        "legal/list.html",
        {
            "page": page,
            "query": query,
            "outcome": outcome,
            "outcomes": Outcome.choices,
            "page_query": urlencode(filters),
            "may_write": user.can(Permission.DOSSIER_WRITE),
        },
    )


@requires(Permission.DOSSIER_WRITE)
@require_http_methods(["GET", "POST"])
def dossier_create(request: HttpRequest) -> HttpResponse:
    """Open a dossier with its first victim (``?client=<pk>`` fills it in)."""
    user: Any = request.user
    client = None
    if request.GET.get("client"):
        client = scoped_or_404(Client, user, pk=request.GET["client"])
    form = DossierForm(request.POST or None, centre=user.centre, client=client)
    if request.method == "POST" and form.is_valid():
        try:
            dossier = services.create_dossier(
                by=user, data=form.cleaned_data, victims=[form.cleaned_data["client"]]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Dossier %(code)s opened.") % {"code": dossier.code})
            return redirect("legal:detail", pk=dossier.pk)
    cancel = reverse("clients:detail", kwargs={"pk": client.pk}) if client else ""
    return render(
        request,
        "legal/form.html",
        {
            "form": form,
            "title": _("New criminal dossier"),
            "cancel_url": cancel or reverse("legal:list"),
        },
    )


@requires(Permission.DOSSIER_READ)
@require_safe
def dossier_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One dossier: office, investigation, status timeline, the centre's claim, and the
    victims the user may see (the others only counted). Every reading is audited."""
    user: Any = request.user
    dossier = _dossier(user, pk)
    shown, hidden = services.shown_victims(user, dossier)
    events = list(dossier.events.all())
    services.open_dossier(by=user, dossier=dossier, shown=shown)
    today = timezone.localdate()
    next_hearing = next(
        (e for e in events if e.kind == EventKind.HEARING and e.date >= today), None
    )
    return render(
        request,
        "legal/detail.html",
        {
            "dossier": dossier,
            "victims": shown,
            "hidden": hidden,
            "events": events,
            "today": today,
            "next_hearing": next_hearing,
            "may_write": user.can(Permission.DOSSIER_WRITE),
        },
    )


@requires(Permission.DOSSIER_WRITE)
@require_http_methods(["GET", "POST"])
def dossier_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change the dossier and the centre's own civil-party claim."""
    user: Any = request.user
    dossier = _dossier(user, pk)
    form = DossierForm(request.POST or None, instance=dossier, centre=dossier.centre)
    if (
        save_form(
            request,
            form,
            lambda data: services.update_dossier(by=user, dossier=dossier, data=data),
            _("Saved."),
        )
        is not None
    ):
        return redirect("legal:detail", pk=dossier.pk)
    return render(
        request,
        "legal/form.html",
        {
            "form": form,
            "dossier": dossier,
            "title": _("Edit dossier %(code)s") % {"code": dossier.code},
            "cancel_url": _detail_url(dossier.pk),
        },
    )


@requires(Permission.DOSSIER_WRITE)
@require_http_methods(["GET", "POST"])
def victim_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Name another victim of the dossier, among the clients whose file is open to the user."""
    user: Any = request.user
    dossier = _dossier(user, pk)
    form = VictimForm(request.POST or None, centre=dossier.centre)
    if (
        save_form(
            request,
            form,
            lambda data: services.add_victim(
                by=user, dossier=dossier, client=data["client"], data=data
            ),
            _("Victim added."),
        )
        is not None
    ):
        return redirect(_detail_url(dossier.pk, "victims"))
    return render(
        request,
        "legal/form.html",
        {
            "form": form,
            "dossier": dossier,
            "title": _("Add a victim to %(code)s") % {"code": dossier.code},
            "cancel_url": _detail_url(dossier.pk, "victims"),
        },
    )


@requires(Permission.DOSSIER_WRITE)
@require_http_methods(["GET", "POST"])
def victim_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """A victim's complaint and statement, civil-party claim, lawyer and compensation."""
    user: Any = request.user
    victim = _victim(user, pk)
    form = VictimForm(request.POST or None, instance=victim, centre=victim.centre)
    if (
        save_form(
            request,
            form,
            lambda data: services.update_victim(by=user, victim=victim, data=data),
            _("Saved."),
        )
        is not None
    ):
        return redirect(_detail_url(victim.dossier_id, "victims"))
    return render(
        request,
        "legal/form.html",
        {
            "form": form,
            "dossier": victim.dossier,
            "title": _("%(client)s in %(code)s")
            % {
                "client": f"{victim.client.file_code} · {victim.client.pseudonym}",
                "code": victim.dossier.code,
            },
            "cancel_url": _detail_url(victim.dossier_id, "victims"),
        },
    )


@requires(Permission.DOSSIER_WRITE)
@require_http_methods(["GET", "POST"])
def victim_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """Take a victim named by mistake out of the dossier (asks first)."""
    user: Any = request.user
    victim = _victim(user, pk)
    back = _detail_url(victim.dossier_id, "victims")
    if request.method == "POST":
        try:
            services.remove_victim(by=user, victim=victim)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Victim removed from the dossier."))
        return redirect(back)
    return render(
        request,
        "legal/confirm.html",
        {
            "dossier": victim.dossier,
            "title": _("Remove %(client)s from %(code)s?")
            % {"client": victim.client.file_code, "code": victim.dossier.code},
            "explanation": _(
                "Only for a client named by mistake: the client's complaint, claim and "
                "compensation in this dossier are removed with it."
            ),
            "action": _("Remove"),
            "cancel_url": back,
        },
    )


@requires(Permission.DOSSIER_WRITE)
@require_http_methods(["GET", "POST"])
def event_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a step to the status timeline (``?kind=hearing`` chooses the kind)."""
    user: Any = request.user
    dossier = _dossier(user, pk)
    initial = {"kind": request.GET.get("kind")} if request.GET.get("kind") else {}
    form = EventForm(request.POST or None, initial=initial)
    if (
        save_form(
            request,
            form,
            lambda data: services.add_event(by=user, dossier=dossier, data=data),
            _("Step added."),
        )
        is not None
    ):
        return redirect(_detail_url(dossier.pk, "timeline"))
    return render(
        request,
        "legal/form.html",
        {
            "form": form,
            "dossier": dossier,
            "title": _("New step in %(code)s") % {"code": dossier.code},
            "cancel_url": _detail_url(dossier.pk, "timeline"),
        },
    )


@requires(Permission.DOSSIER_WRITE)
@require_http_methods(["GET", "POST"])
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct a step (a hearing postponed, a verdict's date)."""
    user: Any = request.user
    event = _event(user, pk)
    form = EventForm(request.POST or None, event=event)
    if (
        save_form(
            request,
            form,
            lambda data: services.update_event(by=user, event=event, data=data),
            _("Step saved."),
        )
        is not None
    ):
        return redirect(_detail_url(event.dossier_id, "timeline"))
    return render(
        request,
        "legal/form.html",
        {
            "form": form,
            "dossier": event.dossier,
            "title": _("Edit a step of %(code)s") % {"code": event.dossier.code},
            "cancel_url": _detail_url(event.dossier_id, "timeline"),
        },
    )


@requires(Permission.DOSSIER_WRITE)
@require_http_methods(["GET", "POST"])
def event_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete a step recorded by mistake (asks first)."""
    user: Any = request.user
    event = _event(user, pk)
    back = _detail_url(event.dossier_id, "timeline")
    if request.method == "POST":
        try:
            services.delete_event(by=user, event=event)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Step deleted."))
        return redirect(back)
    return render(
        request,
        "legal/confirm.html",
        {
            "dossier": event.dossier,
            "title": _("Delete this step of %(code)s?") % {"code": event.dossier.code},
            "event": event,
            "action": _("Delete"),
            "cancel_url": back,
        },
    )
