"""Tasks and reminders (Dutch: taken): something a worker must do by a date, often for a client."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from haven.centres.models import CentreScoped


class Task(CentreScoped):
    """One task of one worker (the assignee), due on a date, about a client or not.

    Only the title and short notes: what was said or decided belongs in the journal.
    """

    title = models.CharField(_("title"), max_length=200)
    notes = models.CharField(_("notes"), max_length=500, blank=True)
    due_on = models.DateField(_("due on"))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="tasks",
        verbose_name=_("assignee"),
    )
    client = models.ForeignKey(
        "clients.Client",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name=_("client"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        editable=False,
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True, editable=False)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
        verbose_name=_("done by"),
    )

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        indexes = [
            models.Index(fields=["centre", "assignee", "done_at", "due_on"]),
            models.Index(fields=["centre", "client", "due_on"]),
        ]

    def __str__(self) -> str:
        return self.title

    def audit_label(self) -> str:
        code = self.client.file_code if self.client is not None else "task"
        return f"{code} {self.due_on:%Y-%m-%d}"

    @property
    def is_done(self) -> bool:
        return self.done_at is not None
