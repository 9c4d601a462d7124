"""The rental deposit fund: the loans (overdue ones for administration & finance), one loan with
its repayments, lending, correcting, repayments, write-offs and the yearly summary."""

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from haven.accounts.access import requires
from haven.accounts.permissions import Permission
from haven.centres.scoping import scoped_or_404
from haven.clients import services as client_services
from haven.clients.models import Client
from haven.core.forms import save_form
from haven.core.paging import page_of
from haven.deposits import services
from haven.deposits.forms import LoanForm, RepaymentForm, WriteOffForm
from haven.deposits.models import Loan

PAGE_SIZE = 50
FIRST_YEAR = 1990


def _form_page(
    request: HttpRequest, form: forms.Form, *, title: str, loan: Loan | None = None, **extra: Any
) -> HttpResponse:
    return render(
        request,
        "deposits/form.html",
        {"form": form, "title": title, "loan": loan, **extra},
    )


@requires(Permission.DEPOSIT_READ)
@require_safe
def loan_list(request: HttpRequest) -> HttpResponse:
    """The loans with what was repaid, the balance and the overdue amount; ``?overdue=1`` keeps
    the overdue ones (most overdue first), ``?client=<pk>`` one client's."""
    user: Any = request.user
    today = timezone.localdate()
    overdue_only = request.GET.get("overdue") == "1"
    client = None
    rows = services.listed(user.centre, today, overdue_only=overdue_only)
    query: dict[str, str] = {}
    if request.GET.get("client"):
        client = scoped_or_404(Client, user, pk=request.GET["client"])
        rows = rows.filter(client=client)
        query["client"] = str(client.pk)
    if overdue_only:
        query["overdue"] = "1"
    page = page_of(rows, request.GET.get("page"), PAGE_SIZE)
    return render(
        request,
        "deposits/list.html",
        {
            "page": page,
            "overdue_only": overdue_only,
            "client": client,
            "page_query": urlencode(query),
            "today": today,
            "may_write": user.can(Permission.DEPOSIT_WRITE),
        },
    )


@requires(Permission.DEPOSIT_READ)
@require_safe
def loan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One loan: its plan, figures and repayments; a repayment can be recorded from here.
    Audited as a reading of the client's file."""
    user: Any = request.user
    loan = scoped_or_404(Loan, user, pk=pk)
    client_services.open_file(by=user, client=loan.client, with_identity=False, note="deposit loan")
    today = timezone.localdate()
    may_write = user.can(Permission.DEPOSIT_WRITE)
    return render(
        request,
        "deposits/detail.html",
        {
            "loan": services.loan_with_figures(loan, today),
            "repayments": list(loan.repayments.order_by("received_on", "id")),
            "today": today,
            "may_write": may_write,
            "repayment_form": RepaymentForm(initial={"received_on": today}) if may_write else None,
        },
    )


@requires(Permission.DEPOSIT_WRITE)
@require_http_methods(["GET", "POST"])
def loan_create(request: HttpRequest) -> HttpResponse:
    """Lend a deposit to ``?client=<pk>`` or to the client typed in the form."""
    user: Any = request.user
    client = None
    if request.GET.get("client"):
        client = scoped_or_404(Client, user, pk=request.GET["client"])
    form = LoanForm(request.POST or None, centre=user.centre, client=client)

    def save(data: dict[str, Any]) -> Loan:
        return services.create_loan(by=user, centre=user.centre, data=data)

    loan = save_form(request, form, save, _("Loan saved."))
    if loan is not None:
        return redirect("deposits:detail", pk=loan.pk)
    return _form_page(request, form, title=_("New deposit loan"), cancel_client=client)


@requires(Permission.DEPOSIT_WRITE)
@require_http_methods(["GET", "POST"])
def loan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    loan = scoped_or_404(Loan, user, pk=pk)
    form = LoanForm(request.POST or None, centre=loan.centre, loan=loan)

    def save(data: dict[str, Any]) -> Loan:
        return services.update_loan(by=user, loan=loan, data=data)

    if save_form(request, form, save, _("Loan saved.")) is not None:
        return redirect("deposits:detail", pk=loan.pk)
    return _form_page(request, form, title=_("Edit deposit loan"), loan=loan)


@requires(Permission.DEPOSIT_WRITE)
@require_http_methods(["GET", "POST"])
def repayment_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a repayment on a loan: never more than its balance (nothing is saved then)."""
    user: Any = request.user
    loan = scoped_or_404(Loan, user, pk=pk)
    form = RepaymentForm(request.POST or None, initial={"received_on": timezone.localdate()})

    def save(data: dict[str, Any]) -> Any:
        return services.record_repayment(by=user, loan=loan, data=data)

    if save_form(request, form, save, _("Repayment recorded.")) is not None:
        return redirect("deposits:detail", pk=loan.pk)
    return _form_page(
        request,
        form,
        title=_("Record a repayment"),
        loan=services.loan_with_figures(loan, timezone.localdate()),
    )


@requires(Permission.DEPOSIT_WRITE)
@require_http_methods(["GET", "POST"])
def loan_write_off(request: HttpRequest, pk: int) -> HttpResponse:
    """Write off what remains of a loan (date and reason), or undo a write-off."""
    user: Any = request.user
    loan = scoped_or_404(Loan, user, pk=pk)
    if request.method == "POST" and "undo" in request.POST:
        services.undo_write_off(by=user, loan=loan)
        messages.success(request, _("The write-off is undone."))
        return redirect("deposits:detail", pk=loan.pk)
    form = WriteOffForm(request.POST or None, initial={"on": timezone.localdate()})

    def save(data: dict[str, Any]) -> Loan:
        return services.write_off(by=user, loan=loan, on=data["on"], reason=data["reason"])

    if save_form(request, form, save, _("Loan written off.")) is not None:
        return redirect("deposits:detail", pk=loan.pk)
    return _form_page(
        request,
        form,
        title=_("Write off a loan"),
        loan=services.loan_with_figures(loan, timezone.localdate()),
        write_off=True,
    )


@requires(Permission.DEPOSIT_READ)
@require_safe
def year_summary(request: HttpRequest) -> HttpResponse:
    """The fund's figures of one calendar year (``?year=``; this year by default)."""
    user: Any = request.user
    this_year = timezone.localdate().year
    try:
        year = int(request.GET.get("year", this_year))
    except ValueError:
        year = this_year
    year = min(max(year, FIRST_YEAR), this_year + 1)
    return render(
        request,
        "deposits/summary.html",
        {
            "summary": services.year_summary(user.centre, year),
            "previous": year - 1 if year > FIRST_YEAR else None,
            "next": year + 1 if year <= this_year else None,
        },
    )
