"""Every permission of Haven, named once, and the one table that gives them to roles.

A permission is ``area:resource:action``. Views declare the permission they need
(haven.accounts.access); nothing else decides who may do what.
"""

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _


class Permission(StrEnum):
    CLIENT_READ = "clients:client:read"
    """See a client's pseudonymous file: file code, pseudonym, general data."""
    CLIENT_CREATE = "clients:client:create"
    CLIENT_UPDATE = "clients:client:update"
    CLIENT_IDENTITY_READ = "clients:identity:read"
    """See legal names, documents' birth date, phone, address, emergency contact."""
    CLIENT_IDENTITY_UPDATE = "clients:identity:update"
    AUDIT_READ = "audit:log:read"
    USER_MANAGE = "accounts:user:manage"
    CENTRE_CONFIGURE = "centres:centre:configure"
    CENTRE_CREATE = "centres:centre:create"
    STATISTICS_READ = "reports:statistics:read"
    """Aggregate figures only: never a record, never a name."""


class Role(models.TextChoices):
    DIRECTOR = "director", _("Director")
    PSYCHOSOCIAL = "psychosocial", _("Psychosocial worker")
    LEGAL = "legal", _("Legal worker")
    ADMIN_FINANCE = "admin_finance", _("Administration & finance")
    TRAINING = "training", _("Training & communication")
    NIGHT_STAFF = "night_staff", _("Night staff")
    VOLUNTEER = "volunteer", _("Volunteer")
    RAPPORTEUR = "rapporteur", _("National rapporteur")
    SYSADMIN = "sysadmin", _("System administrator")
    DPO = "dpo", _("Data protection officer")
    INSTALLATION_ADMIN = "installation_admin", _("Installation administrator")


P = Permission

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.DIRECTOR: frozenset(
        {
            P.CLIENT_READ,
            P.CLIENT_CREATE,
            P.CLIENT_UPDATE,
            P.CLIENT_IDENTITY_READ,
            P.CLIENT_IDENTITY_UPDATE,
            P.AUDIT_READ,
            P.CENTRE_CONFIGURE,
            P.STATISTICS_READ,
        }
    ),
    Role.PSYCHOSOCIAL: frozenset(
        {
            P.CLIENT_READ,
            P.CLIENT_CREATE,
            P.CLIENT_UPDATE,
            P.CLIENT_IDENTITY_READ,
            P.CLIENT_IDENTITY_UPDATE,
        }
    ),
    Role.LEGAL: frozenset(
        {
            P.CLIENT_READ,
            P.CLIENT_CREATE,
            P.CLIENT_UPDATE,
            P.CLIENT_IDENTITY_READ,
            P.CLIENT_IDENTITY_UPDATE,
        }
    ),
    Role.ADMIN_FINANCE: frozenset({P.CLIENT_READ, P.STATISTICS_READ}),
    Role.TRAINING: frozenset({P.STATISTICS_READ}),
    # At night a bed is found for a pseudonym; no identity is needed and none is shown.
    Role.NIGHT_STAFF: frozenset({P.CLIENT_READ, P.CLIENT_CREATE}),
    Role.VOLUNTEER: frozenset(),
    Role.RAPPORTEUR: frozenset({P.STATISTICS_READ}),
    Role.SYSADMIN: frozenset({P.USER_MANAGE, P.CENTRE_CONFIGURE}),
    Role.DPO: frozenset({P.AUDIT_READ}),
    # Belongs to no centre: adds centres and manages every centre's accounts.
    Role.INSTALLATION_ADMIN: frozenset({P.USER_MANAGE, P.CENTRE_CONFIGURE, P.CENTRE_CREATE}),
}

CENTRE_ROLES = [role for role in Role if role != Role.INSTALLATION_ADMIN]


def role_has(role: str, permission: Permission) -> bool:
    try:
        return permission in ROLE_PERMISSIONS[Role(role)]
    except ValueError:
        return False
