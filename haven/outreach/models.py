"""The centre's work outside casework: trainings of professionals, delegations received and
awareness sessions (REPORT.md ``outreach.csv``)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from haven.centres.models import CentreScoped


class Kind(models.TextChoices):
    TRAINING = "training", _("Training of professionals")
    DELEGATION = "delegation", _("Delegation received")
    AWARENESS = "awareness", _("Awareness session")


class Activity(CentreScoped):
    """One training, delegation or awareness session. ``audience`` is the professional category
    trained (police, social inspection, magistrates, ...), counted as written."""

    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200, blank=True)
    participants = models.PositiveIntegerField(_("participants"))
    audience = models.CharField(
        _("audience"),
        max_length=100,
        blank=True,
        help_text=_("The professional category, for example police, magistrates, guardians."),
    )
    country = models.ForeignKey(
        "reference.Nationality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("country"),
        help_text=_("For a delegation or a training abroad."),
    )
    notes = models.CharField(_("notes"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        editable=False,
    )

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("outreach activity")
        verbose_name_plural = _("outreach activities")
        indexes = [models.Index(fields=["centre", "date"], name="outreach_centre_date")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date:%Y-%m-%d}"

    def audit_label(self) -> str:
        return str(self)
