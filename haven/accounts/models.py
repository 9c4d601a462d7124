"""Staff accounts: one user belongs to one centre and has one role."""

from typing import Any

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from haven.accounts.permissions import Permission, Role, role_has
from haven.centres.models import Centre


class HavenUserManager(UserManager["User"]):
    def manageable_by(self, user: "User") -> models.QuerySet["User"]:
        """The accounts an administrator may manage: their centre's, or all for the installation."""
        if user.centre_id is None:
            return self.all()
        return self.filter(centre_id=user.centre_id)


class User(AbstractUser):
    """A member of a centre's staff (or the rapporteur's office, or the installation's admin)."""

    centre = models.ForeignKey(
        Centre,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("centre"),
        help_text=_("Empty only for the installation's administrator."),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.VOLUNTEER)
    language = models.CharField(_("language"), max_length=5, blank=True)
    is_demo = models.BooleanField(_("demo account"), default=False, editable=False)

    objects = HavenUserManager()  # type: ignore[misc]

    class Meta:
        ordering = ["username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def audit_label(self) -> str:
        return self.username

    def can(self, permission: Permission) -> bool:
        return self.is_active and role_has(self.role, permission)

    @property
    def permissions(self) -> set[str]:
        return {p.value for p in Permission if self.can(p)}

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The installation's own administrator (createsuperuser) manages, never reads cases.
        if self.is_superuser and not self.centre_id:
            self.role = Role.INSTALLATION_ADMIN
        super().save(*args, **kwargs)


class UserSession(models.Model):
    """One signed-in browser of a user, as listed on their security page (actieve sessie).

    Sessions live server-side in the database; this row names the store's key so that the user
    can end a session from another one. The key never leaves the server: pages and forms name
    the row by its own id.
    """

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("user")
    )
    session_key = models.CharField(_("session key"), max_length=40, unique=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("signed in at"), auto_now_add=True)
    last_seen_at = models.DateTimeField(_("last seen"))

    class Meta:
        ordering = ["-last_seen_at"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")

    def __str__(self) -> str:
        return f"session {self.pk}"

    def audit_label(self) -> str:
        return f"session {self.pk}"
