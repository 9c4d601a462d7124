"""The figures and rules of the rental deposit fund: balances, repayments never more than the
balance, what is overdue under a plan (months, month ends), write-offs and the yearly summary."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from haven.accounts.models import User
from haven.accounts.permissions import Role
from haven.audit.models import Action, AuditEntry
from haven.centres.models import Centre
from haven.deposits import services
from haven.deposits.models import Loan, Repayment
from haven.deposits.testing import make_loan, make_repayment

pytestmark = pytest.mark.django_db

D = datetime.date


def figures(loan: Loan, today: datetime.date) -> Loan:
    return services.loan_with_figures(loan, today)


def repay(by: User, loan: Loan, amount: str, day: datetime.date) -> Repayment:
    return services.record_repayment(
        by=by, loan=loan, data={"amount": Decimal(amount), "received_on": day}
    )


@pytest.fixture
def finance(users: dict[Role, User]) -> User:
    return users[Role.ADMIN_FINANCE]


def test_the_balance_is_the_amount_less_the_repayments(finance: User) -> None:
    loan = make_loan(finance.centre, amount=Decimal("1200.00"))
    repay(finance, loan, "100.00", D(2026, 4, 2))
    repay(finance, loan, "250.50", D(2026, 5, 3))
    loan = figures(loan, D(2026, 5, 3))
    assert loan.repaid == Decimal("350.50")
    assert loan.balance == Decimal("849.50")
    assert services.balance_of(loan) == Decimal("849.50")


def test_cents_add_up_exactly_to_a_balance_of_zero(finance: User) -> None:
    loan = make_loan(finance.centre, amount=Decimal("0.30"), monthly_instalment=Decimal("0.10"))
    repay(finance, loan, "0.10", D(2026, 4, 1))
    repay(finance, loan, "0.20", D(2026, 5, 1))
    loan = figures(loan, D(2027, 1, 1))
    assert (loan.balance, loan.overdue) == (Decimal("0.00"), Decimal("0.00"))
    with pytest.raises(ValidationError):
        repay(finance, loan, "0.01", D(2026, 6, 1))


def test_a_repayment_larger_than_the_balance_is_refused_and_nothing_is_saved(
    finance: User,
) -> None:
    loan = make_loan(finance.centre, amount=Decimal("1200.00"))
    repay(finance, loan, "850.00", D(2026, 4, 1))
    entries = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as refused:
        repay(finance, loan, "400.00", D(2026, 5, 1))
    assert refused.value.message_dict["amount"] == [
        "The balance is € 350.00; a repayment of € 400.00 is more."
    ]
    assert Repayment.objects.filter(loan=loan).count() == 1
    assert AuditEntry.objects.count() == entries
    repay(finance, loan, "350.00", D(2026, 5, 1))
    assert services.balance_of(loan) == Decimal("0.00")


def test_a_repayment_is_more_than_zero_and_not_before_the_loan_was_paid(finance: User) -> None:
    loan = make_loan(finance.centre, paid_on=D(2026, 3, 1))
    with pytest.raises(ValidationError) as refused:
        services.record_repayment(
            by=finance, loan=loan, data={"amount": Decimal("0"), "received_on": D(2026, 2, 28)}
        )
    assert set(refused.value.message_dict) == {"amount", "received_on"}
    assert not Repayment.objects.exists()


def test_a_repayment_is_audited(finance: User) -> None:
    loan = make_loan(finance.centre)
    repayment = repay(finance, loan, "100.00", D(2026, 4, 1))
    entry = AuditEntry.objects.get(action=Action.CREATE, object_type="deposits.repayment")
    assert entry.object_id == str(repayment.pk)
    assert entry.object_label.startswith(loan.client.file_code)
    assert entry.changes["amount"]["to"] == "100.00"
    assert entry.actor == finance


@pytest.mark.parametrize(
    ("today", "due"),
    [
        (D(2026, 3, 31), 0),  # before the first due date
        (D(2026, 4, 1), 1),  # the first instalment, on its day
        (D(2026, 4, 30), 1),
        (D(2026, 5, 1), 2),
        (D(2026, 12, 31), 9),
        (D(2027, 1, 1), 10),  # across the year
        (D(2030, 1, 1), 12),  # never more than the amount (12 × 100)
    ],
)
def test_what_is_due_counts_the_instalments_since_the_first_due_date(
    centre_a: Centre, today: datetime.date, due: int
) -> None:
    loan = make_loan(centre_a, first_due_on=D(2026, 4, 1))
    assert figures(loan, today).expected == Decimal(100 * due)


@pytest.mark.parametrize(
    ("first", "today", "due"),
    [
        (D(2026, 1, 31), D(2026, 2, 27), 1),
        (D(2026, 1, 31), D(2026, 2, 28), 2),  # February has no 31st: due on its last day
        (D(2026, 1, 31), D(2026, 3, 30), 2),
        (D(2026, 1, 31), D(2026, 3, 31), 3),
        (D(2026, 1, 31), D(2026, 4, 30), 4),  # April's last day
        (D(2028, 1, 30), D(2028, 2, 29), 2),  # a leap year's February
        (D(2025, 11, 15), D(2026, 2, 14), 3),  # November, December, January
        (D(2025, 11, 15), D(2026, 2, 15), 4),
    ],
)
def test_an_instalment_due_on_a_day_a_month_lacks_falls_on_the_month_end(
    centre_a: Centre, first: datetime.date, today: datetime.date, due: int
) -> None:
    loan = make_loan(centre_a, paid_on=first - datetime.timedelta(days=20), first_due_on=first)
    assert figures(loan, today).expected == Decimal(100 * due)


def test_overdue_is_what_was_due_less_what_was_repaid(finance: User) -> None:
    loan = make_loan(finance.centre, first_due_on=D(2026, 4, 1))
    repay(finance, loan, "150.00", D(2026, 4, 5))
    assert figures(loan, D(2026, 4, 30)).overdue == Decimal("0.00")  # paid ahead
    assert figures(loan, D(2026, 5, 1)).overdue == Decimal("50.00")
    assert figures(loan, D(2026, 6, 15)).overdue == Decimal("150.00")
    today = D(2026, 6, 15)
    listed = services.listed(finance.centre, today, overdue_only=True)
    assert [row.pk for row in listed] == [loan.pk]
    assert listed[0].overdue == Decimal("150.00")


def test_a_written_off_loan_keeps_its_balance_but_is_never_overdue(finance: User) -> None:
    loan = make_loan(finance.centre, first_due_on=D(2026, 4, 1))
    repay(finance, loan, "100.00", D(2026, 4, 1))
    services.write_off(by=finance, loan=loan, on=D(2026, 9, 1), reason="left without address")
    loan = figures(loan, D(2027, 1, 1))
    assert loan.written_off_on == D(2026, 9, 1)
    assert (loan.balance, loan.overdue) == (Decimal("1100.00"), Decimal("0.00"))
    assert "left without address" in loan.notes
    assert not services.listed(finance.centre, D(2027, 1, 1), overdue_only=True).exists()
    entry = AuditEntry.objects.filter(action=Action.UPDATE, object_type="deposits.loan").get()
    assert entry.changes["written_off_on"] == {"from": None, "to": "2026-09-01"}


def test_no_repayment_is_recorded_after_a_write_off_until_it_is_undone(finance: User) -> None:
    loan = make_loan(finance.centre)
    services.write_off(by=finance, loan=loan, on=D(2026, 9, 1), reason="no contact")
    with pytest.raises(ValidationError) as refused:
        repay(finance, loan, "100.00", D(2026, 10, 1))
    assert "received_on" in refused.value.message_dict
    services.undo_write_off(by=finance, loan=loan)
    repay(finance, loan, "100.00", D(2026, 10, 1))
    assert services.balance_of(loan) == Decimal("1100.00")


def test_a_loan_is_written_off_once_after_its_last_repayment_with_a_reason(
    finance: User,
) -> None:
    loan = make_loan(finance.centre)
    repay(finance, loan, "100.00", D(2026, 6, 1))
    for on, reason in [(D(2026, 5, 1), "gone"), (D(2026, 7, 1), " ")]:
        with pytest.raises(ValidationError):
            services.write_off(by=finance, loan=loan, on=on, reason=reason)
    services.write_off(by=finance, loan=loan, on=D(2026, 7, 1), reason="gone")
    with pytest.raises(ValidationError):
        services.write_off(by=finance, loan=loan, on=D(2026, 8, 1), reason="again")


def test_a_loan_cannot_be_made_smaller_than_what_was_repaid(finance: User) -> None:
    loan = make_loan(finance.centre)
    repay(finance, loan, "500.00", D(2026, 4, 1))
    data = {name: getattr(loan, name) for name in services.FIELDS}
    with pytest.raises(ValidationError) as refused:
        services.update_loan(by=finance, loan=loan, data={**data, "amount": Decimal("400.00")})
    assert "amount" in refused.value.message_dict
    loan.refresh_from_db()
    assert loan.amount == Decimal("1200.00")


def test_a_loan_needs_a_plan_that_starts_after_it_is_paid(finance: User) -> None:
    data = {
        "client": make_loan(finance.centre).client,
        "amount": Decimal("900.00"),
        "paid_on": D(2026, 3, 1),
        "landlord": "Fictional Homes",
        "monthly_instalment": Decimal("0"),
        "first_due_on": D(2026, 2, 1),
        "notes": "",
    }
    with pytest.raises(ValidationError) as refused:
        services.create_loan(by=finance, centre=finance.centre, data=data)
    assert set(refused.value.message_dict) == {"monthly_instalment", "first_due_on"}
    assert Loan.objects.count() == 1


def test_the_yearly_summary_adds_up_across_two_years(
    finance: User, outsider: User, centre_b: Centre
) -> None:
    centre = finance.centre
    # A: 1,000 paid in March 2024; 200 repaid in 2024 and 300 in 2025.
    a = make_loan(
        centre, amount=Decimal("1000.00"), paid_on=D(2024, 3, 1), first_due_on=D(2024, 4, 1)
    )
    repay(finance, a, "200.00", D(2024, 6, 1))
    repay(finance, a, "300.00", D(2025, 2, 1))
    # B: 600 paid in November 2024, 100 repaid, written off in June 2025 (500 lost).
    b = make_loan(
        centre, amount=Decimal("600.00"), paid_on=D(2024, 11, 1), first_due_on=D(2024, 12, 1)
    )
    repay(finance, b, "100.00", D(2024, 12, 15))
    services.write_off(by=finance, loan=b, on=D(2025, 6, 30), reason="returned home")
    # C: 800 paid in May 2025; 50 repaid on 31 December 2025, 100 on 2 January 2026.
    c = make_loan(
        centre, amount=Decimal("800.00"), paid_on=D(2025, 5, 1), first_due_on=D(2025, 6, 1)
    )
    repay(finance, c, "50.00", D(2025, 12, 31))
    repay(finance, c, "100.00", D(2026, 1, 2))
    # Another centre's loan counts for that centre only.
    make_loan(centre_b, amount=Decimal("5000.00"), paid_on=D(2024, 5, 1))

    y2024 = services.year_summary(centre, 2024)
    assert (y2024.loans_paid, y2024.amount_paid) == (2, Decimal("1600.00"))
    assert y2024.repayments_received == Decimal("300.00")
    assert y2024.written_off == Decimal("0.00")
    assert (y2024.outstanding_at_start, y2024.outstanding_at_end) == (
        Decimal("0"),
        Decimal("1300.00"),
    )

    with CaptureQueriesContext(connection) as queries:
        y2025 = services.year_summary(centre, 2025)
    assert len(queries) <= 5
    assert (y2025.loans_paid, y2025.amount_paid) == (1, Decimal("800.00"))
    assert y2025.repayments_received == Decimal("350.00")
    assert y2025.written_off == Decimal("500.00")
    assert y2025.outstanding_at_start == Decimal("1300.00")
    assert y2025.outstanding_at_end == Decimal("1250.00")  # A 500 + C 750; B written off

    y2026 = services.year_summary(centre, 2026)
    assert (y2026.loans_paid, y2026.repayments_received) == (0, Decimal("100.00"))
    assert y2026.outstanding_at_end == Decimal("1150.00")
    assert services.year_summary(centre_b, 2024).amount_paid == Decimal("5000.00")


def test_the_list_computes_its_figures_in_one_query_whatever_the_number_of_loans(
    centre_a: Centre,
) -> None:
    for n in range(5):
        loan = make_loan(centre_a)
        make_repayment(loan, f"{n + 1}0.00", D(2026, 4, 1))
    with CaptureQueriesContext(connection) as queries:
        rows = list(services.listed(centre_a, D(2026, 6, 1)))
        codes = {row.client.file_code for row in rows}
    assert len(queries) == 1
    assert len(codes) == 5
    assert sorted(row.balance for row in rows) == [Decimal(f"11{n}0.00") for n in (5, 6, 7, 8, 9)]
    # Three instalments of 100 due by 1 June, 10 to 50 repaid.
    assert sorted(row.overdue for row in rows) == [Decimal(f"2{n}0.00") for n in (5, 6, 7, 8, 9)]
