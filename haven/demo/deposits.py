"""What the rental deposit fund adds to the demo history: loans and their repayments.

Some of the residents who leave the shelter for housing of their own borrow the rental deposit
(``haven.deposits``): paid to the landlord a few days before the move, paid back by a monthly
instalment from the second month after it. Most repay on time, some late, a few stop paying:
their loan is written off after a year or so, or is overdue today. A repayment is never more
than what remains due. Assumptions: the constants below (the seed report gives no figures).
"""

import datetime
import random
from collections.abc import Callable
from decimal import Decimal

from haven.demo.bulk import Writer
from haven.deposits.models import Loan, Repayment

WRITTEN = (Loan, Repayment)
LOAN_SHARE = 0.3  # of the stays that end with a move to housing of one's own
LATE_PAYER, DEFAULTER = 0.17, 0.07
LANDLORDS = [
    "Private landlord (fictional)",
    "Social housing company (fictional)",
    "Woonhaven Voorbeeld (fictional)",
    "Immo Exemple (fictional)",
    "Social rental agency (fictional)",
]


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day of the month ``months`` later (the demo's due days are the 1st)."""
    month = day.month - 1 + months
    return day.replace(year=day.year + month // 12, month=month % 12 + 1)


def loan(
    rng: random.Random,
    writers: dict[type, Writer],
    *,
    centre: int,
    client: int,
    moved_out: datetime.date,
    today: datetime.date,
    by: int,
    aware: Callable[[datetime.date], datetime.datetime],
) -> None:
    """A deposit loan for a client who moved out on ``moved_out``, and its repayments so far."""
    paid = moved_out - datetime.timedelta(days=rng.randint(3, 25))
    amount = Decimal(rng.randrange(800, 1801, 50))
    monthly = Decimal(rng.randrange(50, 151, 10))
    first_due = add_months(moved_out.replace(day=1), 2)
    draw = rng.random()
    defaulter = draw < DEFAULTER
    late = not defaulter and draw < DEFAULTER + LATE_PAYER
    stops_after = rng.randint(0, 8) if defaulter else -1
    loan_id = writers[Loan].next_id()
    repayments = writers[Repayment]
    balance, due, paid_count = amount, first_due, 0
    last = None
    while balance > 0 and due <= today and paid_count != stops_after:
        delay = rng.randint(10, 50) if late and rng.random() < 0.4 else rng.randint(-5, 4)
        received = due + datetime.timedelta(days=delay)
        if received > today:
            break
        payment = min(monthly, balance)
        balance -= payment
        repayments.add(
            {
                "centre_id": centre,
                "loan_id": loan_id,
                "received_on": received,
                "amount": payment,
                "created_by_id": by,
                "created_at": aware(received),
            }
        )
        last, paid_count = received, paid_count + 1
        due = add_months(due, 1)
    written_off = None
    if defaulter and balance > 0:
        # Written off after a year or so without payments; until then it shows as overdue.
        candidate = (last or first_due) + datetime.timedelta(days=rng.randint(300, 450))
        written_off = candidate if candidate <= today else None
    writers[Loan].add(
        {
            "id": loan_id,
            "centre_id": centre,
            "client_id": client,
            "amount": amount,
            "paid_on": paid,
            "landlord": rng.choice(LANDLORDS),
            "monthly_instalment": monthly,
            "first_due_on": first_due,
            "notes": "Written off: no payments for a year." if written_off else "",
            "written_off_on": written_off,
            "created_by_id": by,
            "created_at": aware(paid),
        }
    )
