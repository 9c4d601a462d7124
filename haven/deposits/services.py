"""The operations of the rental deposit fund: lend, change a loan, record a repayment, write a
loan off (and undo that), and the figures: balance, what is due by a day, overdue amounts and
the fund's yearly summary.

Every figure is computed by the database (annotations and aggregates), whatever the number of
loans and repayments.

A written-off loan keeps its balance: the client still owes it, and the list shows it marked
"written off". The fund no longer expects it, though: a written-off loan is never overdue,
and from the day it is written off its balance counts as written off in the yearly summary
instead of as outstanding. Repayments after that day are refused until the write-off is
undone, so that the written-off sum stays what the fund actually lost.
"""

import calendar
import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import (
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear, Least, Round
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from haven.accounts.models import User
from haven.audit import services as audit
from haven.audit.models import Action
from haven.centres.models import Centre
from haven.clients.models import Client
from haven.deposits.models import Loan, Repayment

FIELDS = ("client", "amount", "paid_on", "landlord", "monthly_instalment", "first_due_on", "notes")
EARLIEST = datetime.date(1990, 1, 1)
NOTES_LENGTH = 300
ZERO = Decimal("0.00")
MONEY: "DecimalField[Decimal, Decimal]" = DecimalField(max_digits=14, decimal_places=2)


def euros(amount: Decimal) -> str:
    """An amount as the pages and messages show it: ``€ 1,234.50`` (grouped per language)."""
    return "€ " + number_format(amount, decimal_pos=2, force_grouping=True)


# ---------------------------------------------------------------------------------------------
# Figures


def _repaid(until: Any = None) -> Coalesce:
    """The sum of a loan's repayments (received on or before ``until``, a date or an
    expression), as a subquery: it combines with other annotations without multiplying rows."""
    rows = Repayment.objects.filter(loan=OuterRef("pk"))
    if until is not None:
        rows = rows.filter(received_on__lte=until)
    total = rows.order_by().values("loan").annotate(total=Sum("amount")).values("total")
    return Coalesce(Subquery(total, output_field=MONEY), Value(ZERO), output_field=MONEY)


def instalments_due(today: datetime.date) -> Case:
    """The number of instalments due on or before ``today``: one on the first due date and one
    a month after each, on the same day of the month or the month's last day when it is
    shorter (a plan starting on 31 January is due on 28 or 29 February, then 31 March)."""
    months = (Value(today.year) - ExtractYear("first_due_on")) * Value(12) + (
        Value(today.month) - ExtractMonth("first_due_on")
    )
    month_end = today.day == calendar.monthrange(today.year, today.month)[1]
    # This month's instalment is due already when its day has come; on the last day of the
    # month every instalment of the month has (a 31st falls on the 30th in a month of 30).
    this_month = (
        Value(1)
        if month_end
        else Case(
            When(first_due_on__day__lte=today.day, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
    )
    return Case(
        When(first_due_on__gt=today, then=Value(0)),
        default=ExpressionWrapper(months + this_month, output_field=IntegerField()),
        output_field=IntegerField(),
    )


def _cents(expression: Any) -> Round:
    """An amount rounded to cents by the database: SQLite adds decimals as floating point
    numbers (0.10 + 0.20 is not 0.30 there)."""
    return Round(expression, 2, output_field=MONEY)


def with_figures(loans: QuerySet[Loan], today: datetime.date) -> QuerySet[Loan]:
    """Loans annotated with ``repaid``, ``balance``, ``expected`` (what should be repaid by
    ``today`` under the plan) and ``overdue`` (expected minus repaid when positive; zero for a
    written-off loan)."""
    due = ExpressionWrapper(instalments_due(today) * F("monthly_instalment"), output_field=MONEY)
    return loans.annotate(
        repaid=_cents(_repaid()),
        balance=_cents(F("amount") - F("repaid")),
        expected=_cents(Least(F("amount"), due, output_field=MONEY)),
        overdue=Case(
            When(written_off_on__isnull=False, then=Value(ZERO)),
            When(expected__gt=F("repaid"), then=_cents(F("expected") - F("repaid"))),
            default=Value(ZERO),
            output_field=MONEY,
        ),
    )


def listed(centre: Centre | None, today: datetime.date, *, overdue_only: bool = False) -> Any:
    """The centre's loans for the list, with their figures; the most overdue first when only
    the overdue ones are asked for, otherwise the newest first."""
    # Any: the type checker does not know the annotated figures.
    loans: Any = with_figures(Loan.objects.for_centre(centre).select_related("client"), today)
    if overdue_only:
        return loans.filter(overdue__gt=0).order_by("-overdue", "first_due_on", "id")
    return loans.order_by("-paid_on", "-id")


def loan_with_figures(loan: Loan, today: datetime.date) -> Loan:
    """The same loan read again with its figures."""
    return with_figures(Loan.objects.filter(pk=loan.pk), today).select_related("client").get()


def balance_of(loan: Loan) -> Decimal:
    """What remains to be repaid on a loan (written off or not)."""
    repaid = Repayment.objects.filter(loan=loan).aggregate(total=Sum("amount"))["total"]
    return loan.amount - (repaid or ZERO)


@dataclass(frozen=True)
class YearSummary:
    """The fund's figures of one calendar year."""

    year: int
    loans_paid: int
    amount_paid: Decimal
    repayments_received: Decimal
    written_off: Decimal
    outstanding_at_start: Decimal
    outstanding_at_end: Decimal


def outstanding_on(centre: Centre | None, day: datetime.date) -> Decimal:
    """The sum of the balances at the end of ``day`` of the loans paid out by then and not
    written off by then."""
    total = (
        Loan.objects.for_centre(centre)
        .filter(paid_on__lte=day)
        .exclude(written_off_on__lte=day)
        .annotate(repaid=_repaid(until=day))
        .aggregate(total=Sum(F("amount") - F("repaid"), output_field=MONEY, default=ZERO))
    )
    return Decimal(total["total"]).quantize(Decimal("0.01"))


def year_summary(centre: Centre | None, year: int) -> YearSummary:
    """Loans paid out (count and sum), repayments received, balances written off, and what was
    outstanding on 31 December of the year before and of the year; a few aggregate queries.

    The written-off sum is each loan's balance on its write-off day, so that the outstanding
    sum at the end of the year is the one at its start, plus loans, minus repayments and
    write-offs.
    """
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    loans = Loan.objects.for_centre(centre)
    paid = loans.filter(paid_on__range=(first, last)).aggregate(
        count=Count("pk"), total=Sum("amount", default=ZERO)
    )
    received = (
        Repayment.objects.for_centre(centre)
        .filter(received_on__range=(first, last))
        .aggregate(total=Sum("amount", default=ZERO))
    )
    written_off = (
        loans.filter(written_off_on__range=(first, last))
        .annotate(repaid=_repaid(until=OuterRef("written_off_on")))
        .aggregate(total=Sum(F("amount") - F("repaid"), output_field=MONEY, default=ZERO))
    )
    cents = Decimal("0.01")
    return YearSummary(
        year=year,
        loans_paid=paid["count"],
        amount_paid=Decimal(paid["total"]).quantize(cents),
        repayments_received=Decimal(received["total"]).quantize(cents),
        written_off=Decimal(written_off["total"]).quantize(cents),
        outstanding_at_start=outstanding_on(centre, first - datetime.timedelta(days=1)),
        outstanding_at_end=outstanding_on(centre, last),
    )


# ---------------------------------------------------------------------------------------------
# Changes


def validate_loan(centre: Centre, data: dict[str, Any], loan: Loan | None = None) -> None:
    """Raise a ValidationError (per field) when a loan breaks a rule. A loan already repaid
    in part cannot become smaller than what was repaid, nor paid out after a repayment."""
    errors: dict[str, str] = {}
    client = data.get("client")
    if not isinstance(client, Client) or client.centre_id != centre.pk:
        errors["client"] = _("Choose a client of your centre.")
    amount = data.get("amount")
    if amount is None or amount <= 0:
        errors["amount"] = _("The amount must be more than zero.")
    instalment = data.get("monthly_instalment")
    if instalment is None or instalment <= 0:
        errors["monthly_instalment"] = _("The monthly instalment must be more than zero.")
    paid_on = data.get("paid_on")
    if paid_on is None:
        errors["paid_on"] = _("Give the date the deposit was paid.")
    elif paid_on < EARLIEST:
        errors["paid_on"] = _("A date before 1990 cannot be right; check the year.")
    first_due_on = data.get("first_due_on")
    if first_due_on is None:
        errors["first_due_on"] = _("Give the date the first instalment is due.")
    elif paid_on is not None and first_due_on < paid_on:
        errors["first_due_on"] = _("The first instalment cannot be due before the loan is paid.")
    if not (data.get("landlord") or "").strip():
        errors["landlord"] = _("Name the landlord the deposit was paid to.")
    if loan is not None:
        repayments = Repayment.objects.filter(loan=loan)
        repaid = repayments.aggregate(total=Sum("amount"))["total"] or ZERO
        if amount is not None and "amount" not in errors and amount < repaid:
            errors["amount"] = _(
                "%(repaid)s has been repaid already; the amount cannot be less."
            ) % {"repaid": euros(repaid)}
        earliest = repayments.order_by("received_on").values_list("received_on", flat=True)
        first_repayment = earliest.first()
        if paid_on is not None and first_repayment is not None and paid_on > first_repayment:
            errors["paid_on"] = _(
                "A repayment was received on %(day)s; the loan was paid out before that."
            ) % {"day": first_repayment.isoformat()}
        if (
            loan.written_off_on is not None
            and paid_on is not None
            and (paid_on > loan.written_off_on)
        ):
            errors["paid_on"] = _("The loan was written off on %(day)s, before this date.") % {
                "day": loan.written_off_on.isoformat()
            }
    if errors:
        raise ValidationError(errors)


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    values = {name: data.get(name) for name in FIELDS}
    values["landlord"] = (values["landlord"] or "").strip()
    values["notes"] = (values["notes"] or "").strip()
    return values


@transaction.atomic
def create_loan(*, by: User, centre: Centre, data: dict[str, Any]) -> Loan:
    """Record a deposit paid to a client's landlord, with its repayment plan; audited."""
    validate_loan(centre, data)
    loan = Loan(centre=centre, created_by=by, **_clean(data))
    loan.save()
    audit.record(Action.CREATE, actor=by, obj=loan, changes=audit.created(loan))
    return loan


@transaction.atomic
def update_loan(*, by: User, loan: Loan, data: dict[str, Any]) -> Loan:
    """Correct a loan or change its repayment plan; audited."""
    Loan.objects.select_for_update().get(pk=loan.pk)  # one change of a loan at a time
    validate_loan(loan.centre, data, loan)
    audit.save_changes(loan, _clean(data), by=by)
    return loan


@transaction.atomic
def record_repayment(*, by: User, loan: Loan, data: dict[str, Any]) -> Repayment:
    """Record a repayment received on a loan; audited. Never more than the balance, never
    before the loan was paid, never after it was written off. The loan's row is locked so
    that two repayments recorded at the same time cannot together exceed the balance."""
    locked = Loan.objects.select_for_update().get(pk=loan.pk)
    errors: dict[str, str] = {}
    amount = data.get("amount")
    received_on = data.get("received_on")
    if amount is None or amount <= 0:
        errors["amount"] = _("A repayment must be more than zero.")
    else:
        balance = balance_of(locked)
        if amount > balance:
            errors["amount"] = _(
                "The balance is %(balance)s; a repayment of %(amount)s is more."
            ) % {"balance": euros(balance), "amount": euros(amount)}
    if received_on is None:
        errors["received_on"] = _("Give the date the repayment was received.")
    elif received_on < locked.paid_on:
        errors["received_on"] = _(
            "The loan was paid on %(day)s; a repayment cannot be received before."
        ) % {"day": locked.paid_on.isoformat()}
    elif locked.written_off_on is not None and received_on > locked.written_off_on:
        errors["received_on"] = _(
            "The loan was written off on %(day)s; undo the write-off to record a later repayment."
        ) % {"day": locked.written_off_on.isoformat()}
    if errors or amount is None or received_on is None:
        raise ValidationError(errors)
    repayment = Repayment.objects.create(
        centre=locked.centre, loan=locked, received_on=received_on, amount=amount, created_by=by
    )
    audit.record(Action.CREATE, actor=by, obj=repayment, changes=audit.created(repayment))
    return repayment


def _with_reason(notes: str, reason: str) -> str:
    reason = reason.strip()
    if not reason:
        return notes
    joined = f"{notes} — {reason}" if notes else reason
    return joined[:NOTES_LENGTH]


@transaction.atomic
def write_off(*, by: User, loan: Loan, on: datetime.date | None, reason: str) -> Loan:
    """Write off what remains of a loan on a day, the reason added to its notes; audited. The
    balance is kept (see the module's docstring)."""
    locked = Loan.objects.select_for_update().get(pk=loan.pk)
    errors: dict[str, str] = {}
    if locked.written_off_on is not None:
        errors["on"] = _("This loan was written off on %(day)s already.") % {
            "day": locked.written_off_on.isoformat()
        }
    elif on is None:
        errors["on"] = _("Give the date of the write-off.")
    else:
        last = (
            Repayment.objects.filter(loan=locked)
            .order_by("-received_on")
            .values_list("received_on", flat=True)
            .first()
        )
        if on < locked.paid_on:
            errors["on"] = _("The loan was paid on %(day)s; it cannot be written off before.") % {
                "day": locked.paid_on.isoformat()
            }
        elif last is not None and on < last:
            errors["on"] = _(
                "A repayment was received on %(day)s; write the loan off on that day or later."
            ) % {"day": last.isoformat()}
        elif balance_of(locked) <= 0:
            errors["on"] = _("This loan is repaid in full; there is nothing to write off.")
    if not reason.strip():
        errors["reason"] = _("Say why the loan is written off.")
    if errors:
        raise ValidationError(errors)
    audit.save_changes(
        loan, {"written_off_on": on, "notes": _with_reason(locked.notes, reason)}, by=by
    )
    return loan


@transaction.atomic
def undo_write_off(*, by: User, loan: Loan) -> Loan:
    """Expect the balance again (the client pays after all); audited."""
    if loan.written_off_on is not None:
        audit.save_changes(loan, {"written_off_on": None}, by=by)
    return loan
