"""Centres and the one mechanism that keeps each centre's case data to itself."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


def default_office_days() -> list[int]:
    return [0, 1, 2, 3, 4]


def default_reminder_days() -> list[int]:
    return [30, 14, 7]


class Centre(models.Model):
    """A specialised centre (or the national rapporteur's office) sharing one installation."""

    code = models.CharField(
        _("code"),
        max_length=8,
        unique=True,
        help_text=_("Two to eight capital letters that start every file code, e.g. BXL."),
    )
    name = models.CharField(_("name"), max_length=200)
    languages = models.JSONField(
        _("working languages"),
        default=list,
        help_text=_("The languages the centre works and writes in."),
    )
    office_days = models.JSONField(_("office days"), default=default_office_days)
    office_opens = models.TimeField(_("office opens"), default=datetime.time(9, 0))
    office_closes = models.TimeField(_("office closes"), default=datetime.time(17, 0))
    address = models.TextField(_("address"), blank=True)
    reminder_days = models.JSONField(
        _("reminders before a document expires (days)"),
        default=default_reminder_days,
        help_text=_("Workers are reminded this many days before a residence document expires."),
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    is_case_holding = models.BooleanField(
        _("holds case files"),
        default=True,
        help_text=_("Off for an office that only sees aggregate figures (national rapporteur)."),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("centre")
        verbose_name_plural = _("centres")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        self.code = (self.code or "").upper()
        if not self.code.isalpha():
            raise ValidationError({"code": _("Use letters only, e.g. BXL.")})
        days = self.reminder_days
        if not (
            isinstance(days, list)
            and days
            and all(isinstance(d, int) and 0 < d <= 365 for d in days)
            and len(set(days)) == len(days)
        ):
            raise ValidationError(
                {"reminder_days": _("Give distinct numbers of days between 1 and 365.")}
            )
        self.reminder_days = sorted(days, reverse=True)
        if self.office_closes <= self.office_opens:
            raise ValidationError({"office_closes": _("The office must close after it opens.")})
        allowed = {code for code, _name in settings.LANGUAGES}
        unknown = [lang for lang in self.languages if lang not in allowed]
        if unknown:
            raise ValidationError(
                {
                    "languages": _("Choose among the listed languages, not: %(codes)s")
                    % {"codes": ", ".join(unknown)}
                }
            )

    def is_office_hours(self, moment: datetime.datetime) -> bool:
        """Whether a moment (aware) falls within the centre's office hours, in local time."""
        from django.utils import timezone

        local = timezone.localtime(moment)
        return (
            local.weekday() in self.office_days
            and self.office_opens <= local.time() < self.office_closes
        )

    def office_days_display(self) -> list[str]:
        return [str(Weekday(day).label) for day in sorted(self.office_days)]


class CentreQuerySet(models.QuerySet):
    """Case data are always read through ``for_centre``: the one place isolation lives."""

    def for_centre(self, centre: Centre | None) -> "CentreQuerySet":
        if centre is None:
            return self.none()
        return self.filter(centre=centre)


class CentreScoped(models.Model):
    """Base for every record of case data: it belongs to exactly one centre."""

    centre = models.ForeignKey(
        Centre, on_delete=models.PROTECT, related_name="+", verbose_name=_("centre")
    )

    objects = CentreQuerySet.as_manager()

    class Meta:
        abstract = True
