"""The future plan (toekomstplan): goals per life domain, written with the client."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from haven.centres.models import CentreScoped


class LifeDomain(models.TextChoices):
    """The eight life domains of the psychosocial track (see DOMAIN.md)."""

    SOCIAL_NETWORK = "social_network", _("Social network")
    DAYTIME_ACTIVITIES = "daytime_activities", _("Daytime activities")
    HEALTH_WELLBEING = "health_wellbeing", _("Health & wellbeing")
    VICTIM_EXPERIENCE = "victim_experience", _("Victim experience")
    LANGUAGE_INTEGRATION = "language_integration", _("Language & integration")
    TRAINING_EMPLOYMENT = "training_employment", _("Training & employment")
    HOUSING = "housing", _("Housing")
    ADMINISTRATION_FINANCES = "administration_finances", _("Administration & finances")


class GoalStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    IN_PROGRESS = "in_progress", _("In progress")
    ACHIEVED = "achieved", _("Achieved")
    DROPPED = "dropped", _("Dropped")


class Goal(CentreScoped):
    """One goal of a client's future plan, in one life domain.

    ``version`` counts the saves: an edit names the version it was loaded with and is refused
    when someone else saved in between (no lost update). Each save adds a ``GoalRevision``.
    """

    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, related_name="goals", verbose_name=_("client")
    )
    episode = models.ForeignKey(
        "guidance.Episode",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="goals",
        verbose_name=_("guidance episode"),
    )
    domain = models.CharField(_("life domain"), max_length=30, choices=LifeDomain.choices)
    text = models.TextField(_("goal"), help_text=_("The goal in the client's own words."))
    status = models.CharField(
        _("status"), max_length=20, choices=GoalStatus.choices, default=GoalStatus.PROPOSED
    )
    next_review = models.DateField(_("next review"), null=True, blank=True)
    written_with_client = models.BooleanField(_("written with the client"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        ordering = ["domain", "-updated_at", "-id"]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        indexes = [
            models.Index(fields=["centre", "client", "domain"]),
            models.Index(fields=["centre", "next_review"]),
        ]

    def __str__(self) -> str:
        return f"{self.client.file_code} {self.domain}"

    def audit_label(self) -> str:
        return f"{self.client.file_code} {self.domain}"


class GoalRevision(models.Model):
    """The goal as it was saved at one version: the plan's evolution."""

    goal = models.ForeignKey(
        Goal, on_delete=models.CASCADE, related_name="revisions", verbose_name=_("goal")
    )
    version = models.PositiveIntegerField(_("version"))
    text = models.TextField(_("goal"))
    status = models.CharField(_("status"), max_length=20, choices=GoalStatus.choices)
    next_review = models.DateField(_("next review"), null=True, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(_("changed"), auto_now_add=True)

    class Meta:
        ordering = ["-version"]
        verbose_name = _("goal revision")
        verbose_name_plural = _("goal revisions")
        constraints = [
            models.UniqueConstraint(fields=["goal", "version"], name="goal_revision_unique")
        ]

    def __str__(self) -> str:
        return f"{self.goal_id} v{self.version}"
