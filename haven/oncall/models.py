"""The on-call rota (wachtdienst): who answers the centre's phone outside office hours."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from haven.centres.models import CentreScoped


class ShiftRole(models.TextChoices):
    FIRST = "first", pgettext_lazy("shift role", "On call")
    BACKUP = "backup", _("Back-up")


class Shift(CentreScoped):
    """One person on call for a period, with the phone number to reach them."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="oncall_shifts",
        verbose_name=_("staff member"),
    )
    role = models.CharField(
        _("role"), max_length=10, choices=ShiftRole.choices, default=ShiftRole.FIRST
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    phone = models.CharField(_("on-call phone"), max_length=40)

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("on-call shift")
        verbose_name_plural = _("on-call shifts")
        indexes = [models.Index(fields=["centre", "starts_at", "ends_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="shift_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.starts_at:%Y-%m-%d %H:%M}"

    def audit_label(self) -> str:
        return f"{self.user.username} {self.starts_at:%Y-%m-%d %H:%M}"
