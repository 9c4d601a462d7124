"""Appointments and contacts (Dutch: afspraken en contacten) of a centre's workers.

Done appointments are the source of the psychosocial figures of the annual report: hours of
individual conversations, interpreter hours and group sessions (``services.hours``).
"""

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from haven.centres.models import CentreScoped
from haven.guidance.models import Track

MAX_DURATION_MINUTES = 720


class Kind(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual conversation")
    PHONE = "phone", _("Phone call")
    HOME_VISIT = "home_visit", _("Home visit")
    ACCOMPANY_POLICE = "accompany_police", _("Accompaniment to the police")
    ACCOMPANY_COURT = "accompany_court", _("Accompaniment to court")
    ACCOMPANY_MEDICAL = "accompany_medical", _("Accompaniment to a doctor")
    GROUP = "group", _("Group activity")
    # Coaching in the search for housing of one's own (individual session; a group session is
    # a group activity).
    HOUSING_SEARCH = "housing_search", _("Housing search coaching")


class Place(models.TextChoices):
    HOME = "home", _("At home")
    OFFICE = "office", _("At the office")
    ELSEWHERE = "elsewhere", _("Elsewhere")


class Status(models.TextChoices):
    PLANNED = "planned", _("Planned")
    DONE = "done", _("Done")
    MISSED = "missed", _("Missed")
    CANCELLED = "cancelled", _("Cancelled")


class Appointment(CentreScoped):
    """One appointment or contact of a worker, with a client or (for a group activity) without.

    ``notes`` are practical (what to bring, where to meet), never the content of the
    conversation: that belongs in the journal.
    """

    client = models.ForeignKey(
        "clients.Client",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appointments",
        verbose_name=_("client"),
    )
    starts_at = models.DateTimeField(_("starts at"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"),
        default=60,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_DURATION_MINUTES)],
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.INDIVIDUAL)
    place = models.CharField(_("place"), max_length=10, choices=Place.choices, default=Place.OFFICE)
    place_detail = models.CharField(_("place details"), max_length=200, blank=True)
    track = models.CharField(
        _("track"), max_length=20, choices=Track.choices, default=Track.PSYCHOSOCIAL
    )
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="appointments",
        verbose_name=_("worker"),
    )
    interpreter_language = models.CharField(_("interpreter language"), max_length=60, blank=True)
    interpreter_minutes = models.PositiveSmallIntegerField(
        _("interpreter minutes"),
        default=0,
        validators=[MaxValueValidator(MAX_DURATION_MINUTES)],
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    notes = models.CharField(_("practical notes"), max_length=300, blank=True)

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
        ordering = ["starts_at"]
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        indexes = [
            models.Index(fields=["centre", "starts_at"]),
            models.Index(fields=["centre", "worker", "starts_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.starts_at:%Y-%m-%d %H:%M} {self.get_kind_display()}"

    def audit_label(self) -> str:
        code = self.client.file_code if self.client is not None else self.kind
        return f"{code} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def ends_at(self) -> datetime.datetime:
        return self.starts_at + datetime.timedelta(minutes=self.duration_minutes)
