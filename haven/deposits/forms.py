"""The forms of the rental deposit fund; the rules are checked by the services when saving."""

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from haven.centres.models import Centre
from haven.clients import services as client_services
from haven.clients.models import Client
from haven.deposits import services
from haven.deposits.models import Loan, Repayment

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MONEY_INPUT = forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01", "min": "0.01"})


def _label(model: Any, name: str) -> Any:
    return capfirst(getattr(model._meta.get_field(name), "verbose_name", name))


def _money(label: Any, **kwargs: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        max_digits=10,
        decimal_places=2,
        min_value=Decimal("0.01"),
        widget=MONEY_INPUT,
        error_messages={"min_value": _("The amount must be more than zero.")},
        **kwargs,
    )


class LoanForm(forms.Form):
    """A new loan or a correction of one: who, how much, to which landlord, and the plan."""

    client = forms.CharField(
        label=_("Client"),
        max_length=60,
        help_text=_("File code or pseudonym."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    amount = _money(_label(Loan, "amount"), help_text=_("In euros, for example 1200.00."))
    paid_on = forms.DateField(label=_label(Loan, "paid_on"), widget=DATE)
    landlord = forms.CharField(label=_label(Loan, "landlord"), max_length=200)
    monthly_instalment = _money(_label(Loan, "monthly_instalment"))
    first_due_on = forms.DateField(
        label=_label(Loan, "first_due_on"),
        widget=DATE,
        help_text=_(
            "An instalment is due on this day of every month (on the last day of a shorter month)."
        ),
    )
    notes = forms.CharField(
        label=_label(Loan, "notes"),
        required=False,
        max_length=300,
        help_text=_("Practical notes only: the agreement, the landlord's reference."),
    )

    def __init__(
        self,
        *args: Any,
        centre: Centre,
        loan: Loan | None = None,
        client: Client | None = None,
        **kwargs: Any,
    ) -> None:
        self.centre = centre
        initial = kwargs.setdefault("initial", {})
        if loan is not None:
            initial.update({name: getattr(loan, name) for name in services.FIELDS})
            initial["client"] = loan.client.file_code
        elif client is not None:
            initial["client"] = client.file_code
        super().__init__(*args, **kwargs)

    def clean_client(self) -> Client | None:
        return client_services.client_for(self.centre, self.cleaned_data["client"])


class RepaymentForm(forms.Form):
    received_on = forms.DateField(label=_label(Repayment, "received_on"), widget=DATE)
    amount = _money(_label(Repayment, "amount"))


class WriteOffForm(forms.Form):
    on = forms.DateField(label=_("Written off on"), widget=DATE)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=200,
        help_text=_("Added to the loan's notes, for example: the client left without an address."),
    )
