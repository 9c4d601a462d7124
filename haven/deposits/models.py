"""The rental deposit fund (huurwaarborgfonds): loans of a rental guarantee to clients moving
to housing of their own, paid back by instalments."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from haven.centres.models import CentreScoped


class Loan(CentreScoped):
    """A deposit loan to a client: the amount paid to the landlord on a day, and the plan to
    pay it back (a monthly instalment from a first due date)."""

    client = models.ForeignKey(
        "clients.Client",
        on_delete=models.PROTECT,
        related_name="deposit_loans",
        verbose_name=_("client"),
    )
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2)
    paid_on = models.DateField(_("paid on"))
    landlord = models.CharField(_("landlord"), max_length=200)
    monthly_instalment = models.DecimalField(
        _("monthly instalment"), max_digits=10, decimal_places=2
    )
    first_due_on = models.DateField(_("first instalment due on"))
    notes = models.CharField(_("notes"), max_length=300, blank=True)
    written_off_on = models.DateField(_("written off on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-paid_on", "-id"]
        verbose_name = _("deposit loan")
        verbose_name_plural = _("deposit loans")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0) & models.Q(monthly_instalment__gt=0),
                name="loan_amounts_positive",
                violation_error_message=_("Amounts are more than zero."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.paid_on:%Y-%m-%d}"

    def audit_label(self) -> str:
        return f"{self.client.file_code} deposit {self.paid_on:%Y-%m-%d}"


class Repayment(CentreScoped):
    """A repayment received on a loan; never more than what remains due."""

    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="repayments")
    received_on = models.DateField(_("received on"))
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["received_on", "id"]
        verbose_name = _("repayment")
        verbose_name_plural = _("repayments")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0),
                name="repayment_positive",
                violation_error_message=_("A repayment is more than zero."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.received_on:%Y-%m-%d}"

    def audit_label(self) -> str:
        return f"{self.loan.client.file_code} repayment {self.received_on:%Y-%m-%d}"
