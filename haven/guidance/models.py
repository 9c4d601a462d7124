"""Guidance (Dutch: begeleiding): the long-term accompaniment of one client by the centre."""

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from haven.accounts.permissions import Role
from haven.centres.models import CentreScoped
from haven.reference.codes import ExploitationForm, JudicialDistrict


class Track(models.TextChoices):
    """The three tracks (luiken) of guidance; each has its own team and its own journal."""

    PSYCHOSOCIAL = "psychosocial", _("Psychosocial")
    LEGAL = "legal", _("Legal")
    ADMINISTRATIVE = "administrative", _("Administrative")


class EndReason(models.TextChoices):
    """Why an episode ended (reden van beëindiging)."""

    AUTONOMY = "autonomy", _("Autonomy reached")
    VOLUNTARY_RETURN = "voluntary_return", _("Voluntary return")
    LEFT_WITHOUT_NOTICE = "left_without_notice", _("Left without notice")
    TRANSFERRED = "transferred", _("Transferred to a partner centre")
    PROCEDURE_STOPPED = "procedure_stopped", _("Procedure stopped")
    DECEASED = "deceased", _("Deceased")
    OTHER = "other", _("Other")


# Who may be assigned to an episode: the case workers of the centre.
WORKER_ROLES = (Role.PSYCHOSOCIAL, Role.LEGAL, Role.DIRECTOR)
# Each track's flag and the field giving the reason it does not apply.
TRACK_FIELDS = {
    Track.PSYCHOSOCIAL: ("psychosocial_track", "psychosocial_off_reason"),
    Track.LEGAL: ("legal_track", "legal_off_reason"),
    Track.ADMINISTRATIVE: ("administrative_track", "administrative_off_reason"),
}


class Episode(CentreScoped):
    """One guidance episode of a client; a client may have several (re-entry).

    Opened from an intake's decision "guidance started" or by hand. Closing an episode keeps
    it; a re-entry is a new episode, so the history of earlier ones stays.
    """

    client = models.ForeignKey(
        "clients.Client",
        on_delete=models.PROTECT,
        related_name="episodes",
        verbose_name=_("client"),
    )
    intake = models.OneToOneField(
        "intake.Intake",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="episode",
        verbose_name=_("intake"),
    )
    # The centre's own identifier of an imported episode (REPORT.md ``guidance_ref``).
    ref = models.CharField(_("reference in the history"), max_length=40, blank=True, editable=False)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    end_reason = models.CharField(
        _("end reason"), max_length=30, choices=EndReason.choices, blank=True
    )

    exploitation = models.CharField(
        _("primary form of exploitation"),
        max_length=30,
        choices=ExploitationForm.choices,
        blank=True,
        help_text=_("Leave empty until it is known."),
    )
    other_forms = models.JSONField(_("other forms of exploitation"), default=list, blank=True)
    district = models.CharField(
        _("place of exploitation (judicial district)"),
        max_length=10,
        choices=JudicialDistrict.choices,
        blank=True,
    )
    in_protection_procedure = models.BooleanField(_("in the protection procedure"), default=False)

    psychosocial_track = models.BooleanField(_("psychosocial track applies"), default=True)
    psychosocial_off_reason = models.CharField(
        _("why the psychosocial track does not apply"), max_length=300, blank=True
    )
    legal_track = models.BooleanField(_("legal track applies"), default=True)
    legal_off_reason = models.CharField(
        _("why the legal track does not apply"), max_length=300, blank=True
    )
    administrative_track = models.BooleanField(_("administrative track applies"), default=True)
    administrative_off_reason = models.CharField(
        _("why the administrative track does not apply"), max_length=300, blank=True
    )

    psychosocial_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="psychosocial_episodes",
        verbose_name=_("psychosocial worker"),
    )
    legal_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="legal_episodes",
        verbose_name=_("legal worker"),
    )
    other_workers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="other_episodes",
        verbose_name=_("other workers"),
    )
    # Set by the shelter when the client checks in during the episode (haven.shelter.services):
    # residential guidance is guidance with a stay; the overview shows tonight's room.
    residential = models.BooleanField(
        _("residential"),
        default=False,
        editable=False,
        help_text=_("The client had a stay in the shelter during the episode."),
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-start_date"]
        verbose_name = _("guidance episode")
        verbose_name_plural = _("guidance episodes")
        indexes = [
            models.Index(fields=["centre", "-start_date"]),
            models.Index(fields=["centre", "end_date"]),
            # The report's figures (haven.reports.figures): covering indexes of the episodes
            # that start, or end, in a period, and of a client's earlier episodes.
            models.Index(
                fields=["centre", "start_date", "client", "exploitation", "district"],
                name="episode_report_started",
            ),
            models.Index(
                fields=["centre", "end_date", "start_date", "client"], name="episode_report_ended"
            ),
            models.Index(fields=["client", "start_date", "end_date"], name="episode_client_dates"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="episode_ends_after_start",
                violation_error_message=_("The end date cannot be before the start date."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.client.file_code} {self.start_date:%Y-%m-%d}"

    def audit_label(self) -> str:
        return f"{self.client.file_code} {self.start_date:%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        return self.end_date is None

    @property
    def tracks(self) -> list[Track]:
        """The tracks that apply to this episode."""
        return [track for track, (flag, _reason) in TRACK_FIELDS.items() if getattr(self, flag)]

    @property
    def assigned_workers(self) -> list[Any]:
        """Its psychosocial and legal worker, then the others (uses a prefetch if there is one)."""
        named = [w for w in (self.psychosocial_worker, self.legal_worker) if w is not None]
        return [*named, *(w for w in self.other_workers.all() if w not in named)]

    @property
    def other_forms_labels(self) -> list[str]:
        return [
            str(ExploitationForm(code).label)
            for code in self.other_forms or []
            if code in ExploitationForm.values
        ]

    def clean(self) -> None:
        """The episode's own invariants (overlap with other episodes is checked by services)."""
        errors: dict[str, Any] = {}
        if self.end_date and self.start_date and self.end_date < self.start_date:
            errors["end_date"] = _("The end date cannot be before the start date.")
        if self.end_date and not self.end_reason:
            errors["end_reason"] = _("Give the reason the guidance ended.")
        if self.end_reason and not self.end_date:
            errors["end_date"] = _("Give the date the guidance ended, or leave the reason empty.")
        forms = list(self.other_forms or [])
        if self.exploitation and self.exploitation in forms:
            errors["other_forms"] = _("The primary form of exploitation is not one of the others.")
        elif len(set(forms)) != len(forms) or not set(forms) <= set(ExploitationForm.values):
            errors["other_forms"] = _("Choose each other form of exploitation once.")
        for flag, reason in TRACK_FIELDS.values():
            if not getattr(self, flag) and not getattr(self, reason).strip():
                errors[reason] = _("Say why this track does not apply.")
        for name in ("psychosocial_worker", "legal_worker"):
            worker = getattr(self, name)
            if worker is not None and (
                worker.centre_id != self.centre_id or worker.role not in WORKER_ROLES
            ):
                errors[name] = _("Choose a case worker of this centre.")
        if errors:
            raise ValidationError(errors)
