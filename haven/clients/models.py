"""The people a centre supports, under a pseudonymous file code; identity kept encrypted."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from haven.centres.models import CentreScoped
from haven.core.fields import EncryptedDateField, EncryptedTextField


class Gender(models.TextChoices):
    FEMALE = "F", _("Female")
    MALE = "M", _("Male")
    OTHER = "X", _("Other (X)")
    UNKNOWN = "U", _("Unknown")


IDENTITY_FIELDS = (
    "legal_name",
    "aliases",
    "documented_birth_date",
    "phone",
    "address",
    "emergency_contact",
)


class Client(CentreScoped):
    """A person the centre supports (Dutch: cliënt). Daily work uses the file code and pseudonym.

    The identity block (legal name, aliases, birth date on documents, phone, address, emergency
    contact) is encrypted at rest and shown only to roles with ``clients:identity:read``.
    """

    file_code = models.CharField(_("file code"), max_length=20, editable=False)
    pseudonym = models.CharField(
        _("pseudonym"), max_length=60, help_text=_("The name used in daily work and notes.")
    )
    gender = models.CharField(
        _("gender"), max_length=1, choices=Gender.choices, default=Gender.UNKNOWN
    )
    birth_year = models.PositiveSmallIntegerField(
        _("birth year (known or estimated)"), null=True, blank=True
    )
    nationality = models.CharField(
        _("nationality"),
        max_length=4,
        blank=True,
        help_text=_("ISO country code, e.g. RO, NG, ZZ for unknown."),
    )
    languages = models.CharField(_("languages spoken"), max_length=200, blank=True)

    legal_name = EncryptedTextField(_("legal name"), blank=True)
    aliases = EncryptedTextField(_("aliases"), blank=True)
    documented_birth_date = EncryptedDateField(_("birth date on documents"), blank=True, null=True)
    phone = EncryptedTextField(_("phone"), blank=True)
    address = EncryptedTextField(_("address"), blank=True)
    emergency_contact = EncryptedTextField(_("emergency contact"), blank=True)

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        editable=False,
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        constraints = [
            models.UniqueConstraint(fields=["centre", "file_code"], name="client_file_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.file_code} {self.pseudonym}"

    def audit_label(self) -> str:
        return self.file_code
