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
