"""Test helpers of the rental deposit fund (used by the access matrix and this app's tests)."""

import datetime
from decimal import Decimal
from typing import Any

from haven.centres.models import Centre
from haven.deposits.models import Loan, Repayment
from haven.factories import ClientFactory


def make_loan(centre: Centre, **values: Any) -> Loan:
    """A saved loan of 1,200 to a new client, paid on 1 March 2026, 100 a month from April."""
    if "client" not in values:
        values["client"] = ClientFactory(centre=centre)
    values.setdefault("amount", Decimal("1200.00"))
    values.setdefault("paid_on", datetime.date(2026, 3, 1))
    values.setdefault("landlord", "Example Rentals (fictional)")
    values.setdefault("monthly_instalment", Decimal("100.00"))
    values.setdefault("first_due_on", datetime.date(2026, 4, 1))
    return Loan.objects.create(centre=centre, **values)


def make_repayment(loan: Loan, amount: str, received_on: datetime.date) -> Repayment:
    """A saved repayment on a loan (no rule checked: use the service to test the rules)."""
    return Repayment.objects.create(
        centre=loan.centre, loan=loan, amount=Decimal(amount), received_on=received_on
    )


# URL names whose pk addresses another model than a loan (see the matrix).
MATRIX_OBJECTS: dict[str, Any] = {}
