"""Criminal dossiers (strafdossiers): the case against the exploiters, which may concern several
victims, followed from the complaint to the verdict, with the civil-party claims."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from haven.centres.models import CentreScoped
from haven.reference.codes import ProsecutionOffice


class OfficeKind(models.TextChoices):
    PROSECUTOR = "prosecutor", _("Prosecutor's office")
    LABOUR_AUDITOR = "labour_auditor", _("Labour auditor's office")


class InvestigatingService(models.TextChoices):
    LOCAL_POLICE = "local_police", _("Local police zone")
    FEDERAL_POLICE = "federal_police", _("Federal police")
    SOCIAL_INSPECTION = "social_inspection", _("Social inspection")
    OTHER = "other", _("Other")


class Outcome(models.TextChoices):
    """Where the dossier stands: the codes of the dataset format (REPORT.md ``legal.csv``)."""

    PENDING = "pending", _("Pending")
    DISMISSED = "dismissed", _("Dismissed")
    NON_SUIT = "non_suit", _("Non-suit")
    COURT = "court", _("Referred to court")


class Verdict(models.TextChoices):
    PENDING = "pending", _("No verdict yet")
    CONVICTION = "conviction", _("Conviction")
    PARTIAL_ACQUITTAL = "partial_acquittal", _("Partial acquittal")
    ACQUITTAL = "acquittal", _("Acquittal")


class Dossier(CentreScoped):
    """One criminal dossier at a prosecutor's or labour auditor's office.

    ``outcome``, ``outcome_date``, ``verdict``, ``verdict_date`` and ``appealed`` are derived
    from the status timeline (``DossierEvent``) by the services, and kept here so that lists
    and the report's figures are one query.
    """

    code = models.CharField(_("dossier code"), max_length=24, editable=False)
    office_kind = models.CharField(
        _("office"), max_length=20, choices=OfficeKind.choices, default=OfficeKind.PROSECUTOR
    )
    office = models.CharField(_("district office"), max_length=8, choices=ProsecutionOffice.choices)
    notice_number = models.CharField(
        _("notice number"), max_length=60, blank=True, help_text=_("The office's file number.")
    )
    investigating_service = models.CharField(
        _("investigating service"), max_length=20, choices=InvestigatingService.choices, blank=True
    )
    investigator = models.ForeignKey(
        "partners.Partner",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("investigating service (directory)"),
    )
    # Required on the form; empty only for imported history that did not record it.
    opened_on = models.DateField(_("opened on"), null=True)
    centre_civil_party_on = models.DateField(
        _("centre's civil-party claim on"), null=True, blank=True
    )
    centre_lawyer = models.ForeignKey(
        "partners.Partner",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("centre's lawyer"),
    )
    centre_compensation_claimed = models.DecimalField(
        _("compensation claimed by the centre"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
    )
    centre_compensation_awarded = models.DecimalField(
        _("compensation awarded to the centre"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
    )

    outcome = models.CharField(
        _("outcome"),
        max_length=20,
        choices=Outcome.choices,
        default=Outcome.PENDING,
        editable=False,
    )
    outcome_date = models.DateField(_("outcome date"), null=True, blank=True, editable=False)
    verdict = models.CharField(
        _("verdict"), max_length=20, choices=Verdict.choices, blank=True, editable=False
    )
    verdict_date = models.DateField(_("verdict date"), null=True, blank=True, editable=False)
    appealed = models.BooleanField(_("appealed"), default=False, editable=False)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        editable=False,
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-opened_on", "-id"]
        verbose_name = _("criminal dossier")
        verbose_name_plural = _("criminal dossiers")
        indexes = [
            models.Index(fields=["centre", "outcome", "outcome_date"]),
            models.Index(fields=["centre", "centre_civil_party_on"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["centre", "code"], name="dossier_code_unique"),
            models.CheckConstraint(
                condition=models.Q(outcome_date__isnull=True)
                | models.Q(outcome_date__gte=models.F("opened_on")),
                name="dossier_outcome_after_opening",
                violation_error_message=_("The outcome cannot be before the dossier opened."),
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def audit_label(self) -> str:
        return self.code


class Victim(CentreScoped):
    """A client as victim in a dossier: complaint and statements, civil-party claim, lawyer,
    compensation. What a worker sees of a dossier is limited to the victims they may see."""

    dossier = models.ForeignKey(
        Dossier, on_delete=models.CASCADE, related_name="victims", verbose_name=_("dossier")
    )
    client = models.ForeignKey(
        "clients.Client",
        on_delete=models.PROTECT,
        related_name="dossier_roles",
        verbose_name=_("client"),
    )
    complaint_on = models.DateField(_("complaint filed on"), null=True, blank=True)
    statement_on = models.DateField(_("statement made on"), null=True, blank=True)
    civil_party_on = models.DateField(_("civil-party claim on"), null=True, blank=True)
    lawyer = models.ForeignKey(
        "partners.Partner",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lawyer"),
    )
    compensation_claimed = models.DecimalField(
        _("compensation claimed"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    compensation_awarded = models.DecimalField(
        _("compensation awarded"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    compensation_received = models.DecimalField(
        _("compensation received"), max_digits=12, decimal_places=2, null=True, blank=True
    )

    class Meta:
        ordering = ["dossier", "id"]
        verbose_name = _("victim in a dossier")
        verbose_name_plural = _("victims in a dossier")
        constraints = [
            models.UniqueConstraint(fields=["dossier", "client"], name="victim_once_per_dossier")
        ]

    def audit_label(self) -> str:
        return f"{self.client.file_code} {self.dossier.code}"


class EventKind(models.TextChoices):
    """A step in the dossier's status timeline."""

    INVESTIGATION = "investigation", _("Investigation")
    DISMISSED = "dismissed", _("Dismissed")
    NON_SUIT = "non_suit", _("Non-suit")
    REFERRED = "referred", _("Referred to court")
    HEARING = "hearing", _("Hearing")
    VERDICT = "verdict", _("Verdict")
    APPEAL = "appeal", _("Appeal")
    OTHER = "other", _("Other")


class DossierEvent(CentreScoped):
    """One step of a dossier: investigation, dismissal, referral, a hearing (date and court),
    a verdict, an appeal. Hearings in the future are the legal team's deadlines."""

    dossier = models.ForeignKey(
        Dossier, on_delete=models.CASCADE, related_name="events", verbose_name=_("dossier")
    )
    kind = models.CharField(_("step"), max_length=20, choices=EventKind.choices)
    date = models.DateField(_("date"))
    court = models.CharField(_("court"), max_length=200, blank=True)
    verdict = models.CharField(_("verdict"), max_length=20, choices=Verdict.choices, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
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
        ordering = ["date", "id"]
        verbose_name = _("dossier step")
        verbose_name_plural = _("dossier steps")
        indexes = [models.Index(fields=["centre", "kind", "date"])]

    def audit_label(self) -> str:
        return f"{self.dossier.code} {self.kind} {self.date:%Y-%m-%d}"
