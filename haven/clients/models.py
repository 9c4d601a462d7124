"""The people a centre supports, under a pseudonymous file code; identity kept encrypted."""

import datetime

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
    "guardian",
    "medical_alerts",
)
# Hidden from everyone but the assigned workers and the director when the address is confidential.
CONFIDENTIAL_FIELDS = ("phone", "address", "emergency_contact")
ADULT_AGE = 18


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
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    birth_year = models.PositiveSmallIntegerField(
        _("birth year (known or estimated)"), null=True, blank=True
    )
    nationality = models.ForeignKey(
        "reference.Nationality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("nationality"),
    )
    languages = models.CharField(_("languages spoken"), max_length=200, blank=True)
    unaccompanied = models.BooleanField(
        _("unaccompanied"),
        default=False,
        help_text=_("Arrived without a parent or legal guardian (for minors: NBMV/MENA)."),
    )
    vulnerabilities = models.JSONField(_("vulnerability factors"), default=list, blank=True)
    confidential_address = models.BooleanField(
        _("confidential address"),
        default=False,
        help_text=_("Address and contacts shown only to the assigned workers and the director."),
    )
    workers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="assigned_clients",
        verbose_name=_("assigned workers"),
    )

    # The current residence document's validity, kept by haven.residence.services so that every
    # list can flag an expired document without a renewal in one query (None: no document, or
    # one of indefinite validity).
    residence_valid_until = models.DateField(
        _("residence document valid until"), null=True, blank=True, editable=False
    )
    residence_renewal_pending = models.BooleanField(
        _("renewal requested"), default=False, editable=False
    )

    legal_name = EncryptedTextField(_("legal name"), blank=True)
    aliases = EncryptedTextField(_("aliases"), blank=True)
    documented_birth_date = EncryptedDateField(_("birth date on documents"), blank=True, null=True)
    phone = EncryptedTextField(_("phone"), blank=True)
    address = EncryptedTextField(_("address"), blank=True)
    emergency_contact = EncryptedTextField(_("emergency contact"), blank=True)
    guardian = EncryptedTextField(
        _("guardian"), blank=True, help_text=_("For a minor: the guardian's name and contact.")
    )
    medical_alerts = EncryptedTextField(
        _("medical alerts"),
        blank=True,
        help_text=_("Allergies, medication, conditions that matter in an emergency"),
    )

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
        indexes = [
            models.Index(fields=["centre", "pseudonym"]),
            models.Index(fields=["centre", "-created_at"]),
            # The deadlines page and the reminders start from the clients whose document is
            # watched, not from every document ever issued.
            models.Index(fields=["centre", "residence_valid_until"]),
        ]

    def __str__(self) -> str:
        return f"{self.file_code} {self.pseudonym}"

    def audit_label(self) -> str:
        return self.file_code

    def age_on(self, day: datetime.date) -> int | None:
        """Age in whole years; with only a birth year the birthday is taken as 1 July."""
        born = self.birth_date or (
            datetime.date(self.birth_year, 7, 1) if self.birth_year else None
        )
        if born is None:
            return None
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    @property
    def is_minor(self) -> bool:
        age = self.age_on(datetime.date.today())
        return age is not None and age < ADULT_AGE

    @property
    def is_unaccompanied_minor(self) -> bool:
        return self.unaccompanied and self.is_minor


class NameKey(models.Model):
    """A keyed hash of a phonetic key of a client's names, to find likely duplicates without
    decrypting every file: equal keys mean similar-sounding names (haven.clients.matching)."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="name_keys")
    centre = models.ForeignKey("centres.Centre", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=32)

    class Meta:
        indexes = [models.Index(fields=["centre", "key"])]
        constraints = [
            models.UniqueConstraint(fields=["client", "key"], name="name_key_unique_per_client")
        ]

    def __str__(self) -> str:
        return self.key
