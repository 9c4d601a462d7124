"""The pages of the rental deposit fund: lending, repaying, writing off, the overdue list, the
yearly summary; who may read and who may change; another centre's loans."""

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from haven.accounts.models import User
from haven.accounts.permissions import Role
from haven.audit.models import Action, AuditEntry
from haven.centres.models import Centre
from haven.clients.models import Client
from haven.deposits.models import Loan, Repayment
from haven.deposits.testing import make_loan, make_repayment

pytestmark = pytest.mark.django_db


def months_ago(n: int) -> datetime.date:
    today = timezone.localdate()
    year, month = divmod(today.year * 12 + today.month - 1 - n, 12)
    return datetime.date(year, month + 1, 1)


def test_finance_lends_a_deposit_to_a_client_and_records_a_repayment(
    users: dict[Role, User], client_a: Client, signed_in: Any
) -> None:
    finance = users[Role.ADMIN_FINANCE]
    http = signed_in(finance)
    page = http.get(reverse("deposits:create") + f"?client={client_a.pk}").content.decode()
    assert client_a.file_code in page and 'type="date"' in page
    response = http.post(
        reverse("deposits:create"),
        {
            "client": client_a.pseudonym,
            "amount": "1200.00",
            "paid_on": "2026-03-01",
            "landlord": "Fictional Homes",
            "monthly_instalment": "100",
            "first_due_on": "2026-04-01",
            "notes": "",
        },
    )
    loan = Loan.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("deposits:detail", kwargs={"pk": loan.pk})
    assert (loan.client, loan.amount, loan.created_by) == (client_a, Decimal("1200.00"), finance)
    created = AuditEntry.objects.get(action=Action.CREATE, object_type="deposits.loan")
    assert created.object_label == f"{client_a.file_code} deposit 2026-03-01"

    http.post(
        reverse("deposits:repay", kwargs={"pk": loan.pk}),
        {"received_on": "2026-04-02", "amount": "250.00"},
    )
    page = http.get(reverse("deposits:detail", kwargs={"pk": loan.pk})).content.decode()
    assert page.count('data-testid="repayment"') == 1
    assert "€ 950.00" in page  # the balance
    assert client_a.legal_name not in page
    assert AuditEntry.objects.filter(
        action=Action.VIEW, object_id=str(client_a.pk), note="deposit loan"
    ).exists()


def test_a_repayment_larger_than_the_balance_is_refused_on_the_page_with_what_was_typed(
    users: dict[Role, User], signed_in: Any
) -> None:
    finance = users[Role.ADMIN_FINANCE]
    loan = make_loan(finance.centre)
    make_repayment(loan, "850.00", datetime.date(2026, 4, 1))
    response = signed_in(finance).post(
        reverse("deposits:repay", kwargs={"pk": loan.pk}),
        {"received_on": "2026-05-01", "amount": "400.00"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "The balance is € 350.00; a repayment of € 400.00 is more." in page
    assert 'value="400.00"' in page and 'value="2026-05-01"' in page
    assert Repayment.objects.filter(loan=loan).count() == 1


def test_a_loan_form_with_mistakes_keeps_what_was_typed(
    users: dict[Role, User], client_a: Client, signed_in: Any
) -> None:
    response = signed_in(users[Role.DIRECTOR]).post(
        reverse("deposits:create"),
        {
            "client": client_a.file_code,
            "amount": "-5",
            "paid_on": "2026-03-01",
            "landlord": "Fictional Homes",
            "monthly_instalment": "50",
            "first_due_on": "2026-01-01",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "The amount must be more than zero." in page
    assert 'value="Fictional Homes"' in page
    assert not Loan.objects.exists()


def test_the_overdue_filter_keeps_the_loans_behind_their_plan(
    users: dict[Role, User], signed_in: Any
) -> None:
    finance = users[Role.ADMIN_FINANCE]
    centre = finance.centre
    behind = make_loan(centre, paid_on=months_ago(7), first_due_on=months_ago(6))
    on_time = make_loan(centre, paid_on=months_ago(7), first_due_on=months_ago(6))
    make_repayment(on_time, "700.00", months_ago(1))
    written_off = make_loan(
        centre, paid_on=months_ago(7), first_due_on=months_ago(6), written_off_on=months_ago(1)
    )
    http = signed_in(finance)
    everything = http.get(reverse("deposits:list")).content.decode()
    assert everything.count('data-testid="loan"') == 3
    overdue = http.get(reverse("deposits:list") + "?overdue=1").content.decode()
    assert overdue.count('data-testid="loan"') == 1
    assert behind.client.file_code in overdue
    assert "€ 700.00" in overdue  # seven instalments of 100 due, nothing repaid
    assert on_time.client.file_code not in overdue
    assert written_off.client.file_code not in overdue


def test_the_yearly_summary_page_shows_the_year_asked_for(
    users: dict[Role, User], signed_in: Any
) -> None:
    centre = users[Role.ADMIN_FINANCE].centre
    loan = make_loan(centre, amount=Decimal("1500.00"), paid_on=datetime.date(2024, 5, 1))
    make_repayment(loan, "125.00", datetime.date(2024, 8, 1))
    http = signed_in(users[Role.PSYCHOSOCIAL])
    page = http.get(reverse("deposits:summary") + "?year=2024").content.decode()
    assert "1 loan · € 1,500.00" in page
    assert "€ 125.00" in page and "€ 1,375.00" in page
    assert "Rental deposit fund 2024" in page
    assert http.get(reverse("deposits:summary") + "?year=nonsense").status_code == 200


def test_a_loan_is_written_off_from_its_page_and_the_write_off_undone(
    users: dict[Role, User], signed_in: Any
) -> None:
    director = users[Role.DIRECTOR]
    loan = make_loan(director.centre)
    http = signed_in(director)
    url = reverse("deposits:write_off", kwargs={"pk": loan.pk})
    http.post(url, {"on": "2026-09-01", "reason": "returned home"})
    loan.refresh_from_db()
    assert loan.written_off_on == datetime.date(2026, 9, 1) and "returned home" in loan.notes
    assert "Undo the write-off" in http.get(url).content.decode()
    http.post(url, {"undo": "1"})
    loan.refresh_from_db()
    assert loan.written_off_on is None
    assert AuditEntry.objects.filter(action=Action.UPDATE, object_id=str(loan.pk)).count() == 2


def test_a_loan_is_corrected_and_the_change_audited(
    users: dict[Role, User], signed_in: Any
) -> None:
    finance = users[Role.ADMIN_FINANCE]
    loan = make_loan(finance.centre)
    url = reverse("deposits:edit", kwargs={"pk": loan.pk})
    assert loan.client.file_code in signed_in(finance).get(url).content.decode()
    signed_in(finance).post(
        url,
        {
            "client": loan.client.file_code,
            "amount": "1200.00",
            "paid_on": "2026-03-01",
            "landlord": "Example Rentals (fictional)",
            "monthly_instalment": "75.00",
            "first_due_on": "2026-04-01",
            "notes": "",
        },
    )
    loan.refresh_from_db()
    assert loan.monthly_instalment == Decimal("75.00")
    entry = AuditEntry.objects.get(action=Action.UPDATE, object_type="deposits.loan")
    assert entry.changes == {"monthly_instalment": {"from": "100.00", "to": "75.00"}}


def test_psychosocial_workers_read_the_fund_but_cannot_change_it(
    users: dict[Role, User], signed_in: Any
) -> None:
    loan = make_loan(users[Role.DIRECTOR].centre)
    http = signed_in(users[Role.PSYCHOSOCIAL])
    page = http.get(reverse("deposits:detail", kwargs={"pk": loan.pk})).content.decode()
    assert "€ 1,200.00" in page
    assert reverse("deposits:repay", kwargs={"pk": loan.pk}) not in page
    posted = http.post(
        reverse("deposits:repay", kwargs={"pk": loan.pk}),
        {"received_on": "2026-04-01", "amount": "100.00"},
    )
    assert posted.status_code == 403
    assert http.post(reverse("deposits:create"), {}).status_code == 403
    assert http.post(reverse("deposits:write_off", kwargs={"pk": loan.pk}), {}).status_code == 403
    assert not Repayment.objects.exists()


def test_night_staff_and_volunteers_do_not_see_the_fund(
    users: dict[Role, User], signed_in: Any
) -> None:
    loan = make_loan(users[Role.DIRECTOR].centre)
    for role in (Role.NIGHT_STAFF, Role.VOLUNTEER):
        http = signed_in(users[role])
        assert http.get(reverse("deposits:list")).status_code == 403
        assert http.get(reverse("deposits:detail", kwargs={"pk": loan.pk})).status_code == 403


def test_another_centres_loan_answers_not_found_and_the_attempt_is_logged(
    outsider: User, centre_a: Centre, signed_in: Any
) -> None:
    loan = make_loan(centre_a)
    http = signed_in(outsider)
    assert http.get(reverse("deposits:detail", kwargs={"pk": loan.pk})).status_code == 404
    response = http.post(
        reverse("deposits:repay", kwargs={"pk": loan.pk}),
        {"received_on": "2026-04-01", "amount": "100.00"},
    )
    assert response.status_code == 404
    assert not Repayment.objects.exists()
    assert AuditEntry.objects.filter(action=Action.DENIED, centre=centre_a).exists()
    assert loan.client.file_code not in http.get(reverse("deposits:list")).content.decode()
