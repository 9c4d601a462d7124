"""Guidance (Dutch: begeleiding): the long-term accompaniment of one client by the centre."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from haven.centres.models import CentreScoped


class Episode(CentreScoped):
    """One guidance episode of a client; a client may have several (re-entry).

    Opened from an intake's decision "guidance started"; the guidance issue extends it
    (tracks, workers, end reason, exploitation).
    """

    client = models.ForeignKey(
        "clients.Client",
        on_delete=models.PROTECT,
        related_name="episodes",
        verbose_name=_("client"),
    )
    intake = models.OneToOneField(
        "intake.Intake",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="episode",
        verbose_name=_("intake"),
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-start_date"]
        verbose_name = _("guidance episode")
        verbose_name_plural = _("guidance episodes")
        indexes = [models.Index(fields=["centre", "-start_date"])]

    def __str__(self) -> str:
        return f"{self.client.file_code} {self.start_date:%Y-%m-%d}"

    def audit_label(self) -> str:
        return f"{self.client.file_code} {self.start_date:%Y-%m-%d}"
