"""The journal (Dutch: dagboek) of guidance: dated entries per track, by their author."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.centres.models import CentreScoped
from haven.guidance.models import Track


def today() -> datetime.date:
    return timezone.localdate()


class Entry(CentreScoped):
    """One journal entry (dagboeknotitie) of one track about one client.

    Read by the track's team and the director, or by the whole team when ``whole_team`` is set.
    The author may edit it for 24 hours; afterwards it is corrected by a new entry that
    references it (``corrects``), and the old text stays readable. Entries are never deleted.
    """

    client = models.ForeignKey(
        "clients.Client",
        on_delete=models.PROTECT,
        related_name="journal_entries",
        verbose_name=_("client"),
    )
    episode = models.ForeignKey(
        "guidance.Episode",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="journal_entries",
        verbose_name=_("guidance episode"),
    )
    track = models.CharField(_("track"), max_length=20, choices=Track.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        verbose_name=_("author"),
    )
    written_at = models.DateTimeField(_("written"), auto_now_add=True)
    occurred_on = models.DateField(_("date"), default=today)
    text = models.TextField(_("text"))
    whole_team = models.BooleanField(
        _("visible to the whole team"),
        default=False,
        help_text=_("Otherwise only the track's team and the director read it."),
    )
    corrects = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="corrections",
        verbose_name=_("corrects"),
    )

    class Meta:
        ordering = ["-written_at", "-id"]
        verbose_name = _("journal entry")
        verbose_name_plural = _("journal entries")
        indexes = [models.Index(fields=["centre", "client", "-written_at"])]

    def __str__(self) -> str:
        return f"{self.client.file_code} {self.occurred_on:%Y-%m-%d} {self.track}"

    def audit_label(self) -> str:
        return f"{self.client.file_code} {self.occurred_on:%Y-%m-%d}"

    def clean(self) -> None:
        if self.occurred_on and self.occurred_on > timezone.localdate():
            raise ValidationError({"occurred_on": _("The date cannot be in the future.")})
