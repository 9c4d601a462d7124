"""Residence documents of the protection procedure and the administrative track's outcomes.

Verblijfsdocumenten: Annex 15, attestation of immatriculation (AI), A card, B card and the
documents of other routes; their renewals (verlenging); regularisation, voluntary return and
social rights (OCMW/CPAS, health insurance).
"""

import calendar
import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from haven.centres.models import CentreScoped
from haven.core.fields import EncryptedTextField


class DocumentType(models.TextChoices):
    """Codes of the dataset format (REPORT.md ``residence.csv``), plus other routes."""

    ANNEX15 = "annex15", _("Annex 15 (reflection period)")
    AI = "ai", _("Attestation of immatriculation")
    A_CARD = "a_card", _("A card (temporary stay)")
    B_CARD = "b_card", _("B card (indefinite stay)")
    MINOR_AI = "minor_ai", _("Attestation of immatriculation model A (minor)")
    HUMANITARIAN_TEMPORARY = "humanitarian_temporary", _("Humanitarian stay, temporary")
    HUMANITARIAN_PERMANENT = "humanitarian_permanent", _("Humanitarian stay, permanent")
    EU_REGISTRATION = "eu_registration", _("EU citizen's registration")
    ASYLUM = "asylum", _("Asylum procedure")
    OTHER = "other", _("Other")


# Documents of indefinite validity: they have no valid-until date.
PERMANENT = frozenset({DocumentType.B_CARD, DocumentType.HUMANITARIAN_PERMANENT})
# The protection procedure's own documents (Aliens Act art. 61/2–61/5).
PROTECTION = frozenset(
    {
        DocumentType.ANNEX15,
        DocumentType.AI,
        DocumentType.MINOR_AI,
        DocumentType.A_CARD,
        DocumentType.B_CARD,
    }
)
# The standard validity of each type: ("days", n) or ("months", n). Types without one are
# given a valid-until date by hand.
VALIDITY: dict[str, tuple[str, int]] = {
    DocumentType.ANNEX15: ("days", 45),
    DocumentType.AI: ("months", 3),
    DocumentType.MINOR_AI: ("months", 3),
    DocumentType.A_CARD: ("months", 6),
    DocumentType.HUMANITARIAN_TEMPORARY: ("months", 12),
    DocumentType.EU_REGISTRATION: ("months", 60),
}


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later, or the last day of that month when it is shorter
    (30 November + 3 months = 28 or 29 February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def proposed_valid_until(document: str, issued_on: datetime.date) -> datetime.date | None:
    """The valid-until date a document of this type issued on that day normally has."""
    if document not in VALIDITY:
        return None
    unit, amount = VALIDITY[document]
    if unit == "days":
        return issued_on + datetime.timedelta(days=amount)
    return add_months(issued_on, amount)


class WorkAccess(models.TextChoices):
    UNKNOWN = "", _("Not recorded")
    NONE = "none", _("No access to work")
    LIMITED = "limited", _("Limited access (work permit)")
    FULL = "full", _("Full access to the labour market")


class ResidenceDocument(CentreScoped):
    """One residence document of a client (verblijfsdocument), as issued.

    A renewal gives a new document; the old one stays, so a client's documents are their
    history in the procedure. The client's current document is the one issued last.
    """

    client = models.ForeignKey(
        "clients.Client",
        on_delete=models.PROTECT,
        related_name="residence_documents",
        verbose_name=_("client"),
    )
    document = models.CharField(_("document"), max_length=30, choices=DocumentType.choices)
    issued_on = models.DateField(_("issued on"))
    valid_until = models.DateField(
        _("valid until"),
        null=True,
        blank=True,
        help_text=_("Leave empty to use the standard validity of the type."),
    )
    municipality = models.ForeignKey(
        "partners.Partner",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issuing municipality"),
    )
    # The Immigration Office's file number identifies the person: encrypted like identity.
    immigration_reference = EncryptedTextField(_("Immigration Office reference"), blank=True)
    work_access = models.CharField(
        _("access to work"), max_length=10, choices=WorkAccess.choices, blank=True
    )
    notes = models.CharField(_("notes"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        editable=False,
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-issued_on", "-id"]
        verbose_name = _("residence document")
        verbose_name_plural = _("residence documents")
        indexes = [
            models.Index(fields=["centre", "valid_until"]),
            models.Index(fields=["centre", "issued_on"]),
            models.Index(fields=["client", "issued_on"]),
            # The report: documents issued by kind, and a client's first permanent document,
            # read from the index alone.
            models.Index(
                fields=["centre", "document", "issued_on", "client"], name="document_report"
            ),
            models.Index(fields=["client", "document", "issued_on"], name="document_client_kind"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True)
                | models.Q(valid_until__gte=models.F("issued_on")),
                name="residence_document_valid_after_issue",
                violation_error_message=_("The valid-until date cannot be before the issue date."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_document_display()} {self.issued_on:%Y-%m-%d}"

    def audit_label(self) -> str:
        return f"{self.client.file_code} {self.document} {self.issued_on:%Y-%m-%d}"

    @property
    def is_permanent(self) -> bool:
        return self.document in PERMANENT


class ProsecutorView(models.TextChoices):
    PENDING = "pending", _("Not yet given")
    FAVOURABLE = "favourable", _("Favourable")
    UNFAVOURABLE = "unfavourable", _("Unfavourable")


class Decision(models.TextChoices):
    PENDING = "pending", _("Pending")
    GRANTED = "granted", _("Granted")
    REFUSED = "refused", _("Refused")


class Renewal(CentreScoped):
    """A request to the Immigration Office to renew (or follow up) a document (verlenging):
    the date it was sent, the prosecutor's view, the decision and the new document."""

    document = models.ForeignKey(
        ResidenceDocument,
        on_delete=models.PROTECT,
        related_name="renewals",
        verbose_name=_("document renewed"),
    )
    requested_on = models.DateField(_("request sent to the Immigration Office on"))
    prosecutor_view = models.CharField(
        _("prosecutor's view"),
        max_length=20,
        choices=ProsecutorView.choices,
        default=ProsecutorView.PENDING,
    )
    prosecutor_view_on = models.DateField(_("view given on"), null=True, blank=True)
    decision = models.CharField(
        _("decision"), max_length=20, choices=Decision.choices, default=Decision.PENDING
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    new_document = models.OneToOneField(
        ResidenceDocument,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="renewal_of",
        verbose_name=_("new document"),
    )
    notes = models.CharField(_("notes"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        editable=False,
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-requested_on", "-id"]
        verbose_name = _("renewal request")
        verbose_name_plural = _("renewal requests")
        indexes = [models.Index(fields=["centre", "decision", "requested_on"])]

    def __str__(self) -> str:
        return f"{self.requested_on:%Y-%m-%d}"

    def audit_label(self) -> str:
        return f"{self.document.client.file_code} renewal {self.requested_on:%Y-%m-%d}"


class Reminder(models.Model):
    """That the reminder ``days_before`` a document's expiry was given (once per threshold)."""

    document = models.ForeignKey(
        ResidenceDocument, on_delete=models.CASCADE, related_name="reminders"
    )
    days_before = models.PositiveSmallIntegerField()
    sent_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["document", "days_before"], name="reminder_once_per_threshold"
            )
        ]

    def __str__(self) -> str:
        return f"{self.days_before}"


class RegularisationBasis(models.TextChoices):
    TRAFFICKING = "trafficking", _("Trafficking procedure")
    HUMANITARIAN = "humanitarian", _("Humanitarian grounds")
    OTHER = "other", _("Other")


class Regularisation(CentreScoped):
    """A client's stay regularised for good (regularisatie)."""

    client = models.ForeignKey(
        "clients.Client",
        on_delete=models.PROTECT,
        related_name="regularisations",
        verbose_name=_("client"),
    )
    basis = models.CharField(_("basis"), max_length=20, choices=RegularisationBasis.choices)
    decided_on = models.DateField(_("date"))
    notes = models.CharField(_("notes"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-decided_on", "-id"]
        verbose_name = _("regularisation")
        verbose_name_plural = _("regularisations")
        indexes = [models.Index(fields=["centre", "decided_on"])]

    def audit_label(self) -> str:
        return f"{self.client.file_code} regularisation {self.decided_on:%Y-%m-%d}"


class VoluntaryReturn(CentreScoped):
    """A voluntary return to the home country or another (vrijwillige terugkeer)."""

    client = models.ForeignKey(
        "clients.Client",
        on_delete=models.PROTECT,
        related_name="voluntary_returns",
        verbose_name=_("client"),
    )
    returned_on = models.DateField(_("date"))
    country = models.ForeignKey(
        "reference.Nationality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("country"),
    )
    organisation = models.CharField(_("organisation assisting"), max_length=200, blank=True)
    notes = models.CharField(_("notes"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-returned_on", "-id"]
        verbose_name = _("voluntary return")
        verbose_name_plural = _("voluntary returns")
        indexes = [models.Index(fields=["centre", "returned_on"])]

    def audit_label(self) -> str:
        return f"{self.client.file_code} return {self.returned_on:%Y-%m-%d}"


class SocialRightKind(models.TextChoices):
    WELFARE = "welfare", _("Public social welfare centre (OCMW/CPAS)")
    HEALTH_INSURANCE = "health_insurance", _("Health insurance")
    OTHER = "other", _("Other")


class SocialRight(CentreScoped):
    """A social right opened for a client: support by a public social welfare centre, health
    insurance, ... from a date, until a date when it ends."""

    client = models.ForeignKey(
        "clients.Client",
        on_delete=models.PROTECT,
        related_name="social_rights",
        verbose_name=_("client"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=SocialRightKind.choices)
    organisation = models.ForeignKey(
        "partners.Partner",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    start_on = models.DateField(_("from"))
    end_on = models.DateField(_("until"), null=True, blank=True)
    notes = models.CharField(_("notes"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-start_on", "-id"]
        verbose_name = _("social right")
        verbose_name_plural = _("social rights")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_on__isnull=True)
                | models.Q(end_on__gte=models.F("start_on")),
                name="social_right_ends_after_start",
                violation_error_message=_("The end date cannot be before the start date."),
            )
        ]

    def audit_label(self) -> str:
        return f"{self.client.file_code} {self.kind} {self.start_on:%Y-%m-%d}"
