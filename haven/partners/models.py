"""The directory of lawyers and partner services (partners) a centre works with."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from haven.centres.models import CentreScoped


class PartnerKind(models.TextChoices):
    LAWYER = "lawyer", _("Lawyer")
    LOCAL_POLICE = "local_police", _("Local police zone")
    FEDERAL_POLICE = "federal_police", _("Federal police")
    SOCIAL_INSPECTION = "social_inspection", _("Social inspection")
    PROSECUTOR = "prosecutor", _("Prosecutor's office")
    LABOUR_AUDITOR = "labour_auditor", _("Labour auditor's office")
    IMMIGRATION_OFFICE = "immigration_office", _("Immigration Office")
    MUNICIPALITY = "municipality", _("Municipality")
    WELFARE_CENTRE = "welfare_centre", _("Public social welfare centre")
    HEALTH_INSURANCE = "health_insurance", _("Health insurance fund")
    GUARDIANSHIP = "guardianship", _("Guardianship Service")
    PARTNER_CENTRE = "partner_centre", _("Partner centre")
    RETURN_ORGANISATION = "return_organisation", _("Return organisation")
    OTHER = "other", _("Other")


class Partner(CentreScoped):
    """A lawyer or a partner service in a centre's directory (partner, advocaat).

    Professional contact details only: a partner is an organisation or a professional, never a
    client, so nothing here is encrypted. Partners are deactivated, never deleted, so that the
    documents and dossiers that name them keep their history.
    """

    kind = models.CharField(_("kind"), max_length=30, choices=PartnerKind.choices)
    name = models.CharField(
        _("name"), max_length=200, help_text=_("The lawyer's name, or the service's name.")
    )
    organisation = models.CharField(
        _("organisation"), max_length=200, blank=True, help_text=_("Law firm, zone, department.")
    )
    contact_person = models.CharField(_("contact person"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.TextField(_("address"), blank=True)
    languages = models.CharField(_("languages"), max_length=200, blank=True)
    notes = models.CharField(_("notes"), max_length=500, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["kind", "name", "id"]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        indexes = [models.Index(fields=["centre", "kind", "name"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})" if self.organisation else self.name

    def audit_label(self) -> str:
        return str(self)
