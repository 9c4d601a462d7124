"""Appointments in a client's timeline, for viewers who may read appointments."""

from collections.abc import Iterable

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.accounts.models import User
from haven.accounts.permissions import Permission
from haven.appointments.models import Appointment
from haven.clients.models import Client
from haven.guidance.overview import TimelineItem, timeline_source


@timeline_source
def appointment_items(user: User, client: Client) -> Iterable[TimelineItem]:
    """The client's appointments (one query), linked for those who may change them."""
    if not user.can(Permission.APPOINTMENT_READ):
        return
    linked = user.can(Permission.APPOINTMENT_WRITE)
    appointments = Appointment.objects.for_centre(user.centre).filter(client=client)
    for appointment in appointments.order_by("-starts_at"):
        label = f"{appointment.get_kind_display()} · {appointment.get_status_display()}"
        if appointment.interpreter_language:
            label += " · " + _("interpreter: %(language)s") % {
                "language": appointment.interpreter_language
            }
        yield TimelineItem(
            when=timezone.localdate(appointment.starts_at),
            kind=_("Appointment"),
            label=label,
            url=reverse("appointments:edit", kwargs={"pk": appointment.pk}) if linked else "",
        )
