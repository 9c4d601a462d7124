"""The shelter (opvanghuis): houses, wings and rooms, who sleeps where, and the house log.

A *stay* is one client's time in the shelter, from check-in to check-out; it is a chain of
room assignments, so a room move is not a new stay (REPORT.md, shelter). The client sleeps in
an assignment's room the nights ``d`` with ``start <= d < end`` (an open assignment: every
night from its start).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from haven.centres.models import CentreScoped


class House(CentreScoped):
    """A shelter house of a centre (most centres have one)."""

    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("house")
        verbose_name_plural = _("houses")

    def __str__(self) -> str:
        return self.name

    def audit_label(self) -> str:
        return self.name


class Wing(CentreScoped):
    """A part of a house, e.g. the wing of 5 rooms for residents close to autonomy."""

    house = models.ForeignKey(House, on_delete=models.PROTECT, related_name="wings")
    name = models.CharField(_("name"), max_length=100)
    description = models.CharField(_("description"), max_length=300, blank=True)

    class Meta:
        ordering = ["house", "name", "id"]
        verbose_name = _("wing")
        verbose_name_plural = _("wings")

    def __str__(self) -> str:
        return self.name

    def audit_label(self) -> str:
        return self.name


class Room(CentreScoped):
    """An individual room. Capacity changes over time: a room counts from ``opened_on`` and,
    once closed, until the day before ``closed_on``."""

    wing = models.ForeignKey(Wing, on_delete=models.PROTECT, related_name="rooms")
    code = models.CharField(_("room"), max_length=20, help_text=_("As written on the door."))
    opened_on = models.DateField(_("opened on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    notes = models.CharField(_("notes"), max_length=300, blank=True)

    class Meta:
        ordering = ["code", "id"]
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        constraints = [
            models.UniqueConstraint(fields=["centre", "code"], name="room_code_unique"),
            models.CheckConstraint(
                condition=models.Q(closed_on__isnull=True)
                | models.Q(closed_on__gt=models.F("opened_on")),
                name="room_closes_after_opening",
                violation_error_message=_("A room closes after it opens."),
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def audit_label(self) -> str:
        return f"room {self.code}"


class OutOfService(CentreScoped):
    """A room out of service (repairs, damage) from a day until a day (excluded), or until
    further notice."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="out_of_service")
    start = models.DateField(_("from"))
    end = models.DateField(_("until"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=200)

    class Meta:
        ordering = ["-start", "id"]
        verbose_name = _("room out of service")
        verbose_name_plural = _("rooms out of service")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__isnull=True) | models.Q(end__gt=models.F("start")),
                name="out_of_service_ends_after_start",
                violation_error_message=_("The end is after the start."),
            )
        ]

    def __str__(self) -> str:
        return self.reason

    def audit_label(self) -> str:
        return f"room {self.room.code} out of service {self.start:%Y-%m-%d}"


class CheckOutReason(models.TextChoices):
    OWN_HOUSING = "own_housing", _("Moved to own housing")
    PARTNER_SHELTER = "partner_shelter", _("Moved to a partner's shelter")
    LEFT_WITHOUT_NOTICE = "left_without_notice", _("Left without notice")
    RETURNED_HOME = "returned_home", _("Returned home")
    OTHER = "other", _("Other")


class Stay(CentreScoped):
    """One client's stay in the shelter (verblijf), from check-in to check-out.

    ``check_in`` and ``check_out`` are kept equal to the first assignment's start and the last
    assignment's end by the services (so that lists and figures need no join).
    """

    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, related_name="stays", verbose_name=_("client")
    )
    check_in = models.DateField(_("check-in"))
    check_out = models.DateField(_("check-out"), null=True, blank=True)
    check_out_reason = models.CharField(
        _("reason for leaving"), max_length=30, choices=CheckOutReason.choices, blank=True
    )
    planned_departure = models.DateField(_("planned departure"), null=True, blank=True)
    notes = models.CharField(_("notes"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-check_in", "-id"]
        verbose_name = _("stay")
        verbose_name_plural = _("stays")
        indexes = [
            models.Index(fields=["centre", "check_out"]),
            models.Index(fields=["client", "check_in"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(check_out__isnull=True)
                | models.Q(check_out__gt=models.F("check_in")),
                name="stay_check_out_after_check_in",
                violation_error_message=_("The check-out is after the check-in."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.check_in:%Y-%m-%d}"

    def audit_label(self) -> str:
        return f"{self.client.file_code} stay {self.check_in:%Y-%m-%d}"


class Assignment(CentreScoped):
    """A room assignment of a stay: the client sleeps in ``room`` the nights ``start <= d <
    end`` (every night from ``start`` while ``end`` is empty). The rows of REPORT.md's
    ``stays.csv``."""

    stay = models.ForeignKey(Stay, on_delete=models.CASCADE, related_name="assignments")
    room = models.ForeignKey(Room, on_delete=models.PROTECT, related_name="assignments")
    start = models.DateField(_("from"))
    end = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        ordering = ["start", "id"]
        verbose_name = _("room assignment")
        verbose_name_plural = _("room assignments")
        indexes = [
            models.Index(fields=["centre", "start"]),
            models.Index(fields=["centre", "end"]),
            models.Index(fields=["room", "start"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__isnull=True) | models.Q(end__gt=models.F("start")),
                name="assignment_ends_after_start",
                violation_error_message=_("A room is left after it is taken."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.room.code} {self.start:%Y-%m-%d}"

    def audit_label(self) -> str:
        return f"{self.stay.client.file_code} room {self.room.code} {self.start:%Y-%m-%d}"


class PlannedArrival(CentreScoped):
    """A room reserved for an arrival on a day (the room shows as reserved until then)."""

    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, related_name="+", verbose_name=_("client")
    )
    room = models.ForeignKey(Room, on_delete=models.PROTECT, related_name="planned_arrivals")
    arrives_on = models.DateField(_("arrives on"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    cancelled = models.BooleanField(_("cancelled"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["arrives_on", "id"]
        verbose_name = _("planned arrival")
        verbose_name_plural = _("planned arrivals")

    def __str__(self) -> str:
        return f"{self.arrives_on:%Y-%m-%d}"

    def audit_label(self) -> str:
        return f"{self.client.file_code} arrival {self.arrives_on:%Y-%m-%d}"


class WaitingStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    ADMITTED = "admitted", _("Admitted")
    REFERRED = "referred", _("Referred to a partner centre")
    WITHDRAWN = "withdrawn", _("No longer needed")


class WaitingEntry(CentreScoped):
    """A person waiting for a room when the shelter is full; leaves the list admitted,
    referred to a partner centre (counted in the intake outcomes) or withdrawn."""

    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, related_name="+", verbose_name=_("client")
    )
    since = models.DateField(_("waiting since"))
    urgent = models.BooleanField(_("urgent"), default=False)
    note = models.CharField(_("note"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=WaitingStatus.choices, default=WaitingStatus.WAITING
    )
    closed_on = models.DateField(_("left the list on"), null=True, blank=True)
    referred_to = models.ForeignKey(
        "partners.Partner",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("referred to"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-urgent", "since", "id"]
        verbose_name = _("waiting list entry")
        verbose_name_plural = _("waiting list")

    def __str__(self) -> str:
        return f"{self.since:%Y-%m-%d}"

    def audit_label(self) -> str:
        return f"{self.client.file_code} waiting {self.since:%Y-%m-%d}"


class LogEntry(CentreScoped):
    """A note in the house log (overdrachtsboek) for the handover between shifts. Refer to
    residents by pseudonym; what concerns one client's guidance belongs in the journal."""

    house = models.ForeignKey(House, on_delete=models.PROTECT, related_name="log")
    at = models.DateTimeField(_("written"), auto_now_add=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("author"),
    )
    text = models.TextField(_("note"))
    important = models.BooleanField(_("important for the next shift"), default=False)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("house log entry")
        verbose_name_plural = _("house log")
        indexes = [models.Index(fields=["centre", "-at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M}"

    def audit_label(self) -> str:
        return f"house log {self.at:%Y-%m-%d %H:%M}"
