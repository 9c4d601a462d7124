"""The main navigation: each entry shows for the roles whose permission it needs."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from haven.accounts.permissions import Permission


@dataclass(frozen=True)
class Entry:
    label: str | Promise
    url_name: str
    permission: Permission | None
    section: str


ENTRIES = [
    Entry(_("Home"), "core:home", None, "core"),
    Entry(_("Intakes"), "intake:queue", Permission.INTAKE_READ, "intake"),
    Entry(_("Clients"), "clients:list", Permission.CLIENT_READ, "clients"),
    Entry(_("Guidance"), "guidance:list", Permission.GUIDANCE_READ, "guidance"),
    Entry(_("Journal"), "journal:list", Permission.GUIDANCE_READ, "journal"),
    Entry(_("Appointments"), "appointments:week", Permission.APPOINTMENT_READ, "appointments"),
    Entry(_("Tasks"), "tasks:list", Permission.TASK_READ, "tasks"),
    Entry(_("Group activities"), "groups:list", Permission.GROUP_ACTIVITY_READ, "groups"),
    Entry(_("Plans to review"), "plans:list", Permission.PLAN_READ, "plans"),
    Entry(_("On call"), "oncall:rota", Permission.ONCALL_READ, "oncall"),
    Entry(_("Audit log"), "audit:search", Permission.AUDIT_READ, "audit"),
    Entry(_("Users"), "accounts:user_list", Permission.USER_MANAGE, "accounts"),
    Entry(_("Centres"), "centres:list", Permission.CENTRE_CONFIGURE, "centres"),
    Entry(
        _("Nationalities"), "reference:nationality_list", Permission.REFERENCE_MANAGE, "reference"
    ),
]


def entries_for(user: object) -> list[Entry]:
    can = getattr(user, "can", None)
    if can is None:
        return []
    return [e for e in ENTRIES if e.permission is None or can(e.permission)]
