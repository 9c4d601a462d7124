"""Intakes (Dutch: aanmelding): every request for help that reaches the centre; its screening."""

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.centres.models import Centre, CentreQuerySet, CentreScoped
from haven.reference.codes import JudicialDistrict, RecruitmentMethod


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("E-mail")
    IN_PERSON = "in_person", _("In person")
    REPORTING_POINT = "reporting_point", _("National reporting point")
    OUTREACH = "outreach", _("Outreach")
    OTHER = "other", _("Other")


class Referrer(models.TextChoices):
    """Who brought the intake (aanmelder), the seed report's ten categories."""

    VICTIM = "victim", _("The victim")
    SOCIAL_SECTOR = "social_sector", _("Social sector")
    PRIVATE_PERSON = "private_person", _("Private person")
    JUDICIAL = "judicial", _("Judicial services (police, inspection, prosecutor)")
    MINORS_SERVICE = "minors_service", _("Services for unaccompanied minors")
    LEGAL_SERVICE = "legal_service", _("Legal services (lawyers)")
    MEDICAL = "medical", _("Medical sector")
    PARTNER_CENTRE = "partner_centre", _("Partner centre")
    DIPLOMATIC = "diplomatic", _("Diplomatic sector")
    UNKNOWN = "unknown", _("Unknown")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("Normal")
    URGENT = "urgent", _("Urgent (within days)")
    IMMEDIATE = "immediate", _("Immediate (danger now)")


class Outcome(models.TextChoices):
    """The decision on an intake. First meeting planned keeps the intake open."""

    FIRST_MEETING = "first_meeting", _("First meeting planned")
    GUIDANCE_STARTED = "guidance_started", _("Guidance started")
    REFERRED_PARTNER_CENTRE = "referred_partner_centre", _("Referred to a partner centre")
    REFERRED_OTHER_SERVICE = "referred_other_service", _("Referred to another service")
    DECLINED = "declined", _("The person declined the procedure (their own choice)")
    NO_FOLLOW_UP = "no_follow_up", _("No follow-up")


OPEN_OUTCOMES = ("", Outcome.FIRST_MEETING)


class IndicatorConclusion(models.TextChoices):
    YES = "yes", _("Indicators of trafficking present")
    NO = "no", _("No indicators")
    UNCLEAR = "unclear", _("Unclear")


class IntakeQuerySet(CentreQuerySet):
    def open(self) -> "IntakeQuerySet":
        return self.filter(outcome__in=OPEN_OUTCOMES)


class Intake(CentreScoped):
    """A request for help (aanmelding): how it came in, about whom, and what was decided."""

    code = models.CharField(_("intake number"), max_length=24, editable=False)
    received_at = models.DateTimeField(_("received at"))
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    referrer = models.CharField(_("referred by"), max_length=20, choices=Referrer.choices)
    referrer_organisation = models.CharField(
        _("referring organisation"),
        max_length=200,
        blank=True,
        help_text=_("E.g. the police zone, the social service, the partner centre."),
    )
    referrer_contact = models.CharField(_("contact person"), max_length=200, blank=True)
    client = models.ForeignKey(
        "clients.Client",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="intakes",
        verbose_name=_("person"),
        help_text=_("Empty while the person is still anonymous."),
    )
    languages = models.CharField(_("languages spoken"), max_length=200, blank=True)
    summary = models.TextField(_("situation"), blank=True)
    urgency = models.CharField(
        _("urgency"), max_length=12, choices=Urgency.choices, default=Urgency.NORMAL
    )
    shelter_tonight = models.BooleanField(_("needs shelter tonight"), default=False)
    on_call = models.BooleanField(
        _("on call"),
        default=False,
        editable=False,
        help_text=_("Received outside the centre's office hours."),
    )
    quick = models.BooleanField(_("quick intake"), default=False, editable=False)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True, editable=False)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_intakes",
        verbose_name=_("assigned worker"),
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("registered by"),
        editable=False,
    )
    registered_at = models.DateTimeField(_("registered"), auto_now_add=True)
    # A form carries a fresh key; a second submission with the same key is the same intake.
    submission_key = models.UUIDField(default=uuid.uuid4, editable=False)

    outcome = models.CharField(
        _("decision"), max_length=30, choices=Outcome.choices, blank=True, db_index=True
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    outcome_detail = models.CharField(
        _("details of the decision"),
        max_length=300,
        blank=True,
        help_text=_("Which partner centre or service, or why there is no follow-up."),
    )
    first_meeting_on = models.DateField(_("first meeting on"), null=True, blank=True)
    # The screening's conclusion, copied by Screening.save (and by the bulk writers of the
    # demo and the history import): the report and the queue count intakes with
    # indicators from an index of this table instead of joining every screening.
    indicators = models.CharField(
        _("indicators"),
        max_length=10,
        choices=IndicatorConclusion.choices,
        blank=True,
        editable=False,
    )

    objects = IntakeQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("intake")
        verbose_name_plural = _("intakes")
        constraints = [
            models.UniqueConstraint(fields=["centre", "code"], name="intake_code_unique"),
            models.UniqueConstraint(
                fields=["centre", "submission_key"], name="intake_submission_once"
            ),
        ]
        indexes = [
            models.Index(fields=["centre", "-received_at"]),
            models.Index(fields=["centre", "outcome", "-received_at"]),
            models.Index(fields=["centre", "channel", "-received_at"]),
            models.Index(fields=["centre", "referrer", "-received_at"]),
            models.Index(fields=["centre", "on_call", "-received_at"]),
            models.Index(fields=["centre", "assigned_to", "-received_at"]),
            models.Index(fields=["centre", "indicators", "-received_at"]),
        ]

    def __str__(self) -> str:
        return self.code

    def audit_label(self) -> str:
        return self.code

    @property
    def is_open(self) -> bool:
        return self.outcome in OPEN_OUTCOMES


class Screening(models.Model):
    """The screening of an intake for trafficking indicators (indicatoren)."""

    intake = models.OneToOneField(Intake, on_delete=models.CASCADE, related_name="screening")
    indicators = models.JSONField(_("indicators observed"), default=list, blank=True)
    conclusion = models.CharField(
        _("conclusion"), max_length=10, choices=IndicatorConclusion.choices, db_index=True
    )
    methods_of_control = models.JSONField(_("methods of control"), default=list, blank=True)
    suspected_forms = models.JSONField(
        _("suspected forms of exploitation"), default=list, blank=True
    )
    place = models.CharField(
        _("place of exploitation"), max_length=10, choices=JudicialDistrict.choices, blank=True
    )
    recruitment = models.CharField(
        _("recruitment method"), max_length=30, choices=RecruitmentMethod.choices, blank=True
    )
    notes = models.TextField(_("notes"), blank=True)
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("screened by"),
    )
    first_screened_at = models.DateTimeField(
        _("first screened"), default=timezone.now, editable=False
    )
    screened_at = models.DateTimeField(_("screened"), auto_now=True)

    class Meta:
        verbose_name = _("screening")
        verbose_name_plural = _("screenings")

    def __str__(self) -> str:
        return f"{self.intake.code}: {self.conclusion}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        # The intake's copy of the conclusion (Intake.indicators), in the same transaction.
        Intake.objects.filter(pk=self.intake_id).exclude(indicators=self.conclusion).update(
            indicators=self.conclusion
        )

    def audit_label(self) -> str:
        return self.intake.code

    @property
    def centre(self) -> Centre:
        return self.intake.centre
