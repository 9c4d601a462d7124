"""The audit log: every change of case data and every read of a person's file, never deleted."""

from collections.abc import Iterable
from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from haven.centres.models import Centre


class Action(models.TextChoices):
    CREATE = "create", pgettext_lazy("audit action", "created")
    UPDATE = "update", pgettext_lazy("audit action", "changed")
    DELETE = "delete", pgettext_lazy("audit action", "deleted")
    VIEW = "view", pgettext_lazy("audit action", "viewed")
    DENIED = "denied", _("refused (other centre)")
    LOGIN = "login", _("signed in")
    LOGIN_FAILED = "login_failed", _("failed sign-in")
    LOGOUT = "logout", _("signed out")
    SECOND_FACTOR_RESET = "2fa_reset", _("second factor reset")
    KEY_ROTATION = "key_rotation", _("keys rotated")
    BREAK_GLASS = "break_glass", _("access with a stated reason (break the glass)")
    ANONYMISED = "anonymised", _("old entries anonymised")
    CHAIN_VERIFIED = "chain_verified", _("audit chain verified")


class AppendOnlyQuerySet(models.QuerySet):
    """Entries are only ever appended to the hash chain (haven.audit.chain), never changed."""

    def create(self, **kwargs: Any) -> "AuditEntry":
        from haven.audit.chain import append

        return append([self.model(**kwargs)])[0]

    def bulk_create(self, objs: Iterable["AuditEntry"], *args: Any, **kwargs: Any) -> list:
        from haven.audit.chain import append

        return append(objs)

    def update(self, **kwargs: Any) -> NoReturn:
        raise PermissionError("audit entries are never changed")

    def bulk_update(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise PermissionError("audit entries are never changed")

    def delete(self) -> NoReturn:
        raise PermissionError("audit entries are never deleted")


class AuditEntry(models.Model):
    """One thing that happened: who, when, from where, to which object, what changed.

    Identity values never appear here: a change of an encrypted field is recorded as changed,
    without its old or new value.
    """

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    centre = models.ForeignKey(
        Centre, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("centre")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    actor_name = models.CharField(_("user name"), max_length=150, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_label = models.CharField(_("object"), max_length=200, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    # The hash chain (haven.audit.chain); set once, at insert.
    who_digest = models.CharField(max_length=64, blank=True, editable=False)
    digest = models.CharField(max_length=64, blank=True, editable=False)
    chain = models.CharField(max_length=64, blank=True, editable=False)
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True, editable=False)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [
            models.Index(fields=["centre", "-at"]),
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["actor", "-at"]),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_label}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("audit entries are never changed")
        from haven.audit.chain import append

        append([self])

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise PermissionError("audit entries are never deleted")


class AuditChainHead(models.Model):
    """The end of the audit chain: one row, locked by every append so the chain cannot fork."""

    last_id = models.BigIntegerField(default=0)
    last_chain = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"audit chain head at entry {self.last_id}"
