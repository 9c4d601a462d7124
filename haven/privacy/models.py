"""The data subject's rights and the centre's retention policy (GDPR art. 15-17, art. 5(1)(e))."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.centres.models import Centre, CentreScoped

YEARS = [MinValueValidator(1), MaxValueValidator(100)]


class RetentionPolicy(models.Model):
    """How long a centre keeps what identifies a person (Dutch: bewaartermijnen).

    Applied by ``haven retention``; the statistics fields stay, so the report's figures do not
    change. A centre without a row keeps the defaults.
    """

    centre = models.OneToOneField(Centre, on_delete=models.CASCADE, related_name="retention_policy")
    anonymise_clients_after_years = models.PositiveSmallIntegerField(
        _("erase a client's identity and notes, years after their last guidance ended"),
        default=10,
        validators=YEARS,
    )
    close_intakes_without_guidance_after_years = models.PositiveSmallIntegerField(
        _("erase closed intakes that led to no guidance, years after the decision"),
        default=5,
        validators=YEARS,
        help_text=_(
            "The intake's free text; and the person's identity when they never had guidance."
        ),
    )
    audit_anonymise_after_years = models.PositiveSmallIntegerField(
        _("anonymise audit entries older than (years)"),
        default=10,
        validators=YEARS,
        help_text=_("Who did what is blanked; the entries themselves stay, never deleted."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("retention policy")
        verbose_name_plural = _("retention policies")

    def __str__(self) -> str:
        return f"{self.centre.code} retention"

    def audit_label(self) -> str:
        return self.centre.code


class Source(models.TextChoices):
    REQUEST = "request", _("On the person's request")
    RETENTION = "retention", _("Retention period ended")


class Erasure(CentreScoped):
    """A client whose identity and notes were replaced by tombstones (right to erasure or the
    end of the retention period). The file code and the statistics fields stay.

    Kept so that an erased file is never erased twice and says when it was erased; the ground
    stated is in the audit entry of the erasure as well.
    """

    client = models.OneToOneField(
        "clients.Client", on_delete=models.PROTECT, related_name="erasure"
    )
    at = models.DateTimeField(_("erased at"), default=timezone.now)
    source = models.CharField(_("why"), max_length=12, choices=Source.choices)
    ground = models.CharField(_("legal ground and reason"), max_length=300)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )

    class Meta:
        ordering = ["-at"]
        verbose_name = _("erasure")
        verbose_name_plural = _("erasures")

    def __str__(self) -> str:
        return f"{self.client.file_code} {self.at:%Y-%m-%d}"

    def audit_label(self) -> str:
        return self.client.file_code
