"""What each role finds on its home page, computed from the permissions it holds."""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count
from django.utils import timezone

from haven.accounts.models import User
from haven.accounts.permissions import Permission, Role

SMALL_CELL = 5  # counts below this are shown as "fewer than 5" outside a centre's own figures


@dataclass
class Home:
    recent_clients: list[Any] = field(default_factory=list)
    client_count: int | None = None
    recent_audit: list[Any] = field(default_factory=list)
    accounts: dict[str, int] | None = None
    centre_figures: list[dict[str, Any]] = field(default_factory=list)
    small_cell: int = SMALL_CELL
    on_call: list[Any] | None = None  # None: the role does not see the rota
    intakes: dict[str, Any] | None = None  # None: the role does not see intakes
    desk: "Desk | None" = None  # None: the role has no desk (no tasks)


MY_CLIENTS = 10
RECENT_CHANGES = 10
RECENT_DAYS = 7
DESK_DOCUMENTS = 20


@dataclass
class Desk:
    """A case worker's own desk: what is due, who is coming, whom they follow."""

    today: Any = None
    tasks_due: list[Any] = field(default_factory=list)
    appointments_today: list[Any] | None = None  # None: the role does not see appointments
    appointments_week: list[Any] = field(default_factory=list)
    clients: list[Any] = field(default_factory=list)
    changes: list[Any] = field(default_factory=list)
    may_complete: bool = False
    # Current residence documents of my clients expiring within the centre's longest reminder
    # period, or expired without an open renewal. None: the role does not read them.
    residence: list[Any] | None = None
    residence_capped: bool = False


def build(user: User) -> Home:
    from haven.audit.models import AuditEntry
    from haven.centres.models import Centre
    from haven.clients.models import Client

    home = Home()
    if user.can(Permission.ONCALL_READ):
        from haven.oncall.services import on_call_now

        home.on_call = on_call_now(user.centre, timezone.now())
    if user.can(Permission.INTAKE_READ):
        from haven.intake import services as intake

        home.intakes = {
            "since_last_shift": intake.since_last_shift(user.centre, timezone.now()).count(),
            "open": intake.queue(user.centre).count(),
            "mine": list(intake.queue(user.centre).filter(assigned_to=user)[:8]),
            "can_register": user.can(Permission.INTAKE_CREATE),
        }
    if user.can(Permission.TASK_READ):
        home.desk = build_desk(user)
    if user.can(Permission.CLIENT_READ):
        clients = Client.objects.for_centre(user.centre)
        home.client_count = clients.count()
        home.recent_clients = list(clients.order_by("-updated_at")[:8])
    if user.can(Permission.AUDIT_READ):
        home.recent_audit = list(AuditEntry.objects.filter(centre=user.centre)[:8])
    if user.can(Permission.USER_MANAGE):
        from django_otp.plugins.otp_totp.models import TOTPDevice

        accounts = User.objects.manageable_by(user).filter(is_active=True)
        enrolled = TOTPDevice.objects.filter(confirmed=True, user__in=accounts)
        home.accounts = {
            "active": accounts.count(),
            "without_2fa": accounts.exclude(pk__in=enrolled.values("user_id")).count(),
        }
    if user.can(Permission.STATISTICS_READ):
        counts = dict(
            Client.objects.values_list("centre_id")
            .annotate(n=Count("id"))
            .values_list("centre_id", "n")
        )
        for centre in Centre.objects.filter(is_case_holding=True):
            clients = counts.get(centre.pk, 0)
            own = centre.pk == user.centre_id and user.role != Role.RAPPORTEUR
            home.centre_figures.append(
                {
                    "name": centre.name,
                    "clients": clients,
                    "suppressed": not own and 0 < clients < SMALL_CELL,
                }
            )
    return home


def build_desk(user: User) -> Desk:
    """The desk's panels; a fixed number of queries whatever the number of records."""
    import datetime

    from django.db.models import Q

    from haven.appointments.models import Appointment, Status
    from haven.appointments.services import local_midnight
    from haven.audit.models import Action, AuditEntry
    from haven.clients.models import Client
    from haven.tasks import services as tasks

    today = timezone.localdate()
    desk = Desk(today=today, may_complete=user.can(Permission.TASK_WRITE))
    desk.tasks_due = list(tasks.due_for(user, today))
    if user.can(Permission.APPOINTMENT_READ):
        monday = today - datetime.timedelta(days=today.weekday())
        tomorrow = local_midnight(today + datetime.timedelta(days=1))
        coming = (
            Appointment.objects.for_centre(user.centre)
            .filter(
                worker=user,
                starts_at__gte=local_midnight(today),
                starts_at__lt=local_midnight(monday + datetime.timedelta(days=7)),
            )
            .exclude(status=Status.CANCELLED)
            .select_related("client")
            .order_by("starts_at", "pk")
        )
        desk.appointments_today = []
        for appointment in coming:
            if appointment.starts_at < tomorrow:
                desk.appointments_today.append(appointment)
            else:
                desk.appointments_week.append(appointment)
    if user.can(Permission.RESIDENCE_READ):
        from haven.residence import deadlines

        section = deadlines.capped(deadlines.for_desk(user, today), today, DESK_DOCUMENTS)
        desk.residence, desk.residence_capped = section.rows, section.capped
    mine = Client.objects.for_centre(user.centre).filter(workers=user)
    desk.clients = list(mine.order_by("-updated_at", "-id")[:MY_CLIENTS])
    if desk.clients:
        # Changes to the files themselves, and to records labelled with their file codes
        # (tasks, journal entries, appointments): labels are pseudonymous by design.
        about = Q(object_type="clients.client", object_id__in=[str(c.pk) for c in desk.clients])
        for client in desk.clients:
            about |= Q(object_label=client.file_code) | Q(
                object_label__startswith=f"{client.file_code} "
            )
        desk.changes = list(
            AuditEntry.objects.filter(
                about,
                centre=user.centre,
                at__gte=timezone.now() - datetime.timedelta(days=RECENT_DAYS),
                action__in=[Action.CREATE, Action.UPDATE, Action.DELETE],
            ).order_by("-at", "-id")[:RECENT_CHANGES]
        )
    return desk
