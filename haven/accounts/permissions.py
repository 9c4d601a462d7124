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
    CLIENT_CONFIDENTIAL_READ = "clients:confidential:read"
    """See a confidential address without being assigned to the client (the director)."""
    AUDIT_READ = "audit:log:read"
    USER_MANAGE = "accounts:user:manage"
    CENTRE_CONFIGURE = "centres:centre:configure"
    CENTRE_CREATE = "centres:centre:create"
    INTAKE_READ = "intake:intake:read"
    INTAKE_CREATE = "intake:intake:create"
    """Register an intake (the quick intake at night included)."""
    INTAKE_UPDATE = "intake:intake:update"
    """Complete an intake, link the person, assign a worker."""
    INTAKE_SCREEN = "intake:screening:write"
    INTAKE_DECIDE = "intake:decision:write"
    INTAKE_EXPORT = "intake:intake:export"
    ONCALL_READ = "oncall:rota:read"
    ONCALL_MANAGE = "oncall:rota:manage"
    REFERENCE_MANAGE = "reference:list:manage"
    """Add entries to reference lists (a nationality such as Tibet)."""
    GUIDANCE_READ = "guidance:episode:read"
    GUIDANCE_MANAGE = "guidance:episode:manage"
    """Open, change, close and reopen guidance episodes; assign workers."""
    JOURNAL_PSYCHOSOCIAL_READ = "guidance:journal_psychosocial:read"
    JOURNAL_PSYCHOSOCIAL_WRITE = "guidance:journal_psychosocial:write"
    JOURNAL_LEGAL_READ = "guidance:journal_legal:read"
    """The legal and the administrative tracks' journals."""
    JOURNAL_LEGAL_WRITE = "guidance:journal_legal:write"
    APPOINTMENT_READ = "guidance:appointment:read"
    APPOINTMENT_WRITE = "guidance:appointment:write"
    PLAN_READ = "guidance:plan:read"
    """The future plan is psychosocial work: the psychosocial team and the director."""
    PLAN_WRITE = "guidance:plan:write"
    TASK_READ = "guidance:task:read"
    TASK_WRITE = "guidance:task:write"
    GROUP_ACTIVITY_READ = "guidance:group_activity:read"
    GROUP_ACTIVITY_WRITE = "guidance:group_activity:write"
    EMERGENCY_CARD_READ = "clients:emergency_card:read"
    """Pseudonym, languages, emergency contact and medical alerts: what a night needs."""
    BREAK_GLASS = "guidance:access:break_glass"
    """Read a track's journal and plan of a client outside one's assigned team, with a reason."""
    RESIDENCE_READ = "residence:document:read"
    """Residence documents, renewals, administrative outcomes and the deadlines page."""
    RESIDENCE_WRITE = "residence:document:write"
    DOSSIER_READ = "legal:dossier:read"
    """Criminal dossiers, each victim shown only to those who may read that client's tracks."""
    DOSSIER_WRITE = "legal:dossier:write"
    PARTNER_READ = "partners:partner:read"
    PARTNER_MANAGE = "partners:partner:manage"
    LETTER_CREATE = "letters:letter:create"
    """Generate a letter (PDF) about a client: an attestation, a request to the Immigration
    Office."""
    SHELTER_READ = "shelter:board:read"
    """The shelter board: rooms, who sleeps where tonight (pseudonyms), arrivals, departures."""
    SHELTER_WRITE = "shelter:stay:write"
    """Check in, move, check out, plan arrivals, keep the waiting list."""
    SHELTER_MANAGE = "shelter:room:manage"
    """Houses, wings and rooms, their opening and closing, rooms out of service."""
    HOUSE_LOG = "shelter:log:write"
    """Read and write the house log (handover notes between shifts)."""
    OCCUPANCY_READ = "shelter:occupancy:read"
    DEPOSIT_READ = "deposits:loan:read"
    DEPOSIT_WRITE = "deposits:loan:write"
    STATISTICS_READ = "reports:statistics:read"
    # Every centre's figures added up, small cells suppressed, never a record.
    STATISTICS_NATIONAL = "reports:national:read"
    HISTORY_IMPORT = "history:dataset:import"
    # Exports carrying identity (HTCDS with names, birth dates, contacts).
    IDENTITY_EXPORT = "clients:identity:export"
    OUTREACH_READ = "outreach:activity:read"
    OUTREACH_WRITE = "outreach:activity:write"
    """Aggregate figures only: never a record, never a name."""
    PRIVACY_EXPORT = "privacy:subject:export"
    """Everything Haven holds on one person, for their access request (identity included)."""
    PRIVACY_ERASE = "privacy:subject:erase"
    RETENTION_MANAGE = "privacy:retention:manage"


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

CASE_WORK = frozenset(
    {
        P.CLIENT_READ,
        P.CLIENT_CREATE,
        P.CLIENT_UPDATE,
        P.CLIENT_IDENTITY_READ,
        P.CLIENT_IDENTITY_UPDATE,
        P.INTAKE_READ,
        P.INTAKE_CREATE,
        P.INTAKE_UPDATE,
        P.INTAKE_SCREEN,
        P.INTAKE_DECIDE,
        P.ONCALL_READ,
        P.GUIDANCE_READ,
        P.GUIDANCE_MANAGE,
        P.APPOINTMENT_READ,
        P.APPOINTMENT_WRITE,
        P.TASK_READ,
        P.TASK_WRITE,
        P.GROUP_ACTIVITY_READ,
        P.GROUP_ACTIVITY_WRITE,
        P.EMERGENCY_CARD_READ,
        P.BREAK_GLASS,
        P.RESIDENCE_READ,
        P.DOSSIER_READ,
        P.PARTNER_READ,
        P.LETTER_CREATE,
    }
)
# The shelter's daily work: the board, check-in and check-out, the house log.
SHELTER_WORK = frozenset({P.SHELTER_READ, P.SHELTER_WRITE, P.HOUSE_LOG})
# The legal and administrative tracks' own records.
LEGAL_WORK = frozenset({P.RESIDENCE_WRITE, P.DOSSIER_WRITE, P.PARTNER_MANAGE})

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.DIRECTOR: CASE_WORK
    | LEGAL_WORK
    | SHELTER_WORK
    | {
        P.SHELTER_MANAGE,
        P.OCCUPANCY_READ,
        P.DEPOSIT_READ,
        P.DEPOSIT_WRITE,
        P.INTAKE_EXPORT,
        P.ONCALL_MANAGE,
        P.CLIENT_CONFIDENTIAL_READ,
        P.JOURNAL_PSYCHOSOCIAL_READ,
        P.JOURNAL_PSYCHOSOCIAL_WRITE,
        P.JOURNAL_LEGAL_READ,
        P.JOURNAL_LEGAL_WRITE,
        P.PLAN_READ,
        P.PLAN_WRITE,
        P.AUDIT_READ,
        P.CENTRE_CONFIGURE,
        P.STATISTICS_READ,
        P.HISTORY_IMPORT,
        P.IDENTITY_EXPORT,
        P.OUTREACH_READ,
        P.OUTREACH_WRITE,
        P.PRIVACY_EXPORT,
        P.PRIVACY_ERASE,
        P.RETENTION_MANAGE,
    },
    # Need-to-know per track: each team reads and writes its own track's journal.
    Role.PSYCHOSOCIAL: CASE_WORK
    | SHELTER_WORK
    | {
        P.JOURNAL_PSYCHOSOCIAL_READ,
        P.JOURNAL_PSYCHOSOCIAL_WRITE,
        P.PLAN_READ,
        P.PLAN_WRITE,
        P.OCCUPANCY_READ,
        P.DEPOSIT_READ,
    },
    Role.LEGAL: CASE_WORK
    | LEGAL_WORK
    | {P.JOURNAL_LEGAL_READ, P.JOURNAL_LEGAL_WRITE, P.SHELTER_READ},
    Role.ADMIN_FINANCE: frozenset(
        {
            P.CLIENT_READ,
            P.ONCALL_READ,
            P.STATISTICS_READ,
            P.PARTNER_READ,
            P.PARTNER_MANAGE,
            P.SHELTER_READ,
            P.SHELTER_MANAGE,
            P.OCCUPANCY_READ,
            P.DEPOSIT_READ,
            P.DEPOSIT_WRITE,
            P.OUTREACH_READ,
        }
    ),
    Role.TRAINING: frozenset({P.ONCALL_READ, P.STATISTICS_READ, P.OUTREACH_READ, P.OUTREACH_WRITE}),
    # At night a bed is found for a pseudonym; no identity is needed and none is shown.
    Role.NIGHT_STAFF: frozenset(
        {
            P.CLIENT_READ,
            P.CLIENT_CREATE,
            P.INTAKE_READ,
            P.INTAKE_CREATE,
            P.ONCALL_READ,
            P.EMERGENCY_CARD_READ,
            *SHELTER_WORK,
        }
    ),
    Role.VOLUNTEER: frozenset({P.GROUP_ACTIVITY_READ}),
    Role.RAPPORTEUR: frozenset({P.STATISTICS_READ, P.STATISTICS_NATIONAL}),
    Role.SYSADMIN: frozenset({P.USER_MANAGE, P.CENTRE_CONFIGURE, P.REFERENCE_MANAGE}),
    Role.DPO: frozenset({P.AUDIT_READ, P.PRIVACY_EXPORT, P.PRIVACY_ERASE, P.RETENTION_MANAGE}),
    # Belongs to no centre: adds centres and manages every centre's accounts.
    Role.INSTALLATION_ADMIN: frozenset(
        {P.USER_MANAGE, P.CENTRE_CONFIGURE, P.CENTRE_CREATE, P.REFERENCE_MANAGE}
    ),
}

CENTRE_ROLES = [role for role in Role if role != Role.INSTALLATION_ADMIN]


def role_has(role: str, permission: Permission) -> bool:
    try:
        return permission in ROLE_PERMISSIONS[Role(role)]
    except ValueError:
        return False
