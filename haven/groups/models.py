"""Group activities (groepsactiviteiten): a dated activity with a theme, attended by clients and
volunteers of the centre."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from haven.centres.models import CentreScoped


class GroupActivity(CentreScoped):
    """One group activity of a centre: when, what about, who organises and who attends.

    Only a short description: what was said about a client belongs in the journal.
    """

    date = models.DateField(_("date"))
    starts_at = models.TimeField(_("starts at"), null=True, blank=True)
    theme = models.CharField(_("theme"), max_length=120)
    description = models.CharField(_("description"), max_length=500, blank=True)
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="organised_activities",
        verbose_name=_("organiser"),
    )
    clients = models.ManyToManyField(
        "clients.Client",
        blank=True,
        related_name="group_activities",
        verbose_name=_("clients attending"),
    )
    volunteers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="volunteered_activities",
        verbose_name=_("volunteers attending"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        editable=False,
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-date", "-starts_at", "-id"]
        verbose_name = _("group activity")
        verbose_name_plural = _("group activities")
        indexes = [models.Index(fields=["centre", "date"])]

    def __str__(self) -> str:
        return self.theme

    def audit_label(self) -> str:
        return f"group activity {self.date:%Y-%m-%d}"
