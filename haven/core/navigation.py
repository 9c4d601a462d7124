"""The main navigation: each entry shows for the roles whose permission it needs.

Entries of a group fold into one drop-down menu, so that a role with many pages still gets
one line; a group with a single entry the user may open shows as a plain link.
"""

from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from haven.accounts.permissions import Permission

FOLLOW_UP = _("Follow-up")
LEGAL = _("Legal & administrative")
SHELTER = _("Shelter")
ORGANISATION = _("Organisation")


@dataclass(frozen=True)
class Entry:
    label: str | Promise
    url_name: str
    permission: Permission | None
    section: str
    group: str | Promise | None = None


ENTRIES = [
    Entry(_("Home"), "core:home", None, "core"),
    Entry(_("Intakes"), "intake:queue", Permission.INTAKE_READ, "intake"),
    Entry(_("Clients"), "clients:list", Permission.CLIENT_READ, "clients"),
    Entry(_("Guidance"), "guidance:list", Permission.GUIDANCE_READ, "guidance"),
    Entry(_("Journal"), "journal:list", Permission.GUIDANCE_READ, "journal", FOLLOW_UP),
    Entry(
        _("Appointments"),
        "appointments:week",
        Permission.APPOINTMENT_READ,
        "appointments",
        FOLLOW_UP,
    ),
    Entry(_("Tasks"), "tasks:list", Permission.TASK_READ, "tasks", FOLLOW_UP),
    Entry(
        _("Group activities"),
        "groups:list",
        Permission.GROUP_ACTIVITY_READ,
        "groups",
        FOLLOW_UP,
    ),
    Entry(_("Plans to review"), "plans:list", Permission.PLAN_READ, "plans", FOLLOW_UP),
    Entry(_("Board"), "shelter:board", Permission.SHELTER_READ, "shelter", SHELTER),
    Entry(_("House log"), "shelter:log", Permission.HOUSE_LOG, "shelter", SHELTER),
    Entry(_("Waiting list"), "shelter:waiting", Permission.SHELTER_READ, "shelter", SHELTER),
    Entry(_("Occupancy"), "shelter:occupancy", Permission.OCCUPANCY_READ, "shelter", SHELTER),
    Entry(_("Rooms"), "shelter:rooms", Permission.SHELTER_MANAGE, "shelter", SHELTER),
    Entry(_("Deposit fund"), "deposits:list", Permission.DEPOSIT_READ, "deposits", SHELTER),
    Entry(_("Deadlines"), "residence:deadlines", Permission.RESIDENCE_READ, "residence", LEGAL),
    Entry(_("Criminal dossiers"), "legal:list", Permission.DOSSIER_READ, "legal", LEGAL),
    Entry(_("Partners"), "partners:list", Permission.PARTNER_READ, "partners", LEGAL),
    Entry(_("Reports"), "reports:index", Permission.STATISTICS_READ, "reports", ORGANISATION),
    Entry(
        pgettext_lazy("trainings and awareness", "Outreach"),
        "outreach:list",
        Permission.OUTREACH_READ,
        "outreach",
        ORGANISATION,
    ),
    Entry(_("On call"), "oncall:rota", Permission.ONCALL_READ, "oncall", ORGANISATION),
    Entry(_("Audit log"), "audit:search", Permission.AUDIT_READ, "audit", ORGANISATION),
    Entry(
        _("Data protection"), "privacy:index", Permission.PRIVACY_EXPORT, "privacy", ORGANISATION
    ),
    Entry(
        _("Retention"), "privacy:retention", Permission.RETENTION_MANAGE, "privacy", ORGANISATION
    ),
    Entry(_("Users"), "accounts:user_list", Permission.USER_MANAGE, "accounts", ORGANISATION),
    Entry(_("Centres"), "centres:list", Permission.CENTRE_CONFIGURE, "centres", ORGANISATION),
    Entry(
        _("History import"), "history:import", Permission.HISTORY_IMPORT, "history", ORGANISATION
    ),
    Entry(
        _("Nationalities"),
        "reference:nationality_list",
        Permission.REFERENCE_MANAGE,
        "reference",
        ORGANISATION,
    ),
]


@dataclass
class Group:
    """A drop-down of the menu."""

    label: str | Promise
    entries: list[Entry] = field(default_factory=list)

    @property
    def url_names(self) -> set[str]:
        return {entry.url_name for entry in self.entries}


def entries_for(user: object) -> list[Entry]:
    can = getattr(user, "can", None)
    if can is None:
        return []
    return [e for e in ENTRIES if e.permission is None or can(e.permission)]


def menu_for(user: object) -> list[Entry | Group]:
    """The user's entries in menu order, grouped; a group of one is its entry."""
    menu: list[Entry | Group] = []
    groups: dict[str, Group] = {}
    for entry in entries_for(user):
        if entry.group is None:
            menu.append(entry)
            continue
        key = str(entry.group)
        if key not in groups:
            groups[key] = Group(entry.group)
            menu.append(groups[key])
        groups[key].entries.append(entry)
    return [
        item.entries[0] if isinstance(item, Group) and len(item.entries) == 1 else item
        for item in menu
    ]


def current_entry(entries: list[Entry], view_name: str, section: str) -> str:
    """The url name of the entry to mark as the current page: the page's own entry, else the
    first entry of the page's app (several shelter pages share an app)."""
    for entry in entries:
        if entry.url_name == view_name:
            return entry.url_name
    return next((entry.url_name for entry in entries if entry.section == section), "")
