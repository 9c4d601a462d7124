"""The shelter in a client's timeline: check-in, room moves and check-out; for viewers who may
read the shelter board."""

from collections.abc import Iterable

from django.db.models import CharField, F, Value
from django.urls import reverse
from django.utils.translation import gettext as _

from haven.accounts.models import User
from haven.accounts.permissions import Permission
from haven.clients.models import Client
from haven.guidance.overview import TimelineItem, timeline_source
from haven.shelter.models import Assignment, CheckOutReason, Stay

COLUMNS = ("event", "stay_id", "day", "room", "extra")

# Events of one day in the order they happen (the timeline shows the later ones first).
ORDER = {"check_out": 0, "check_in": 1, "move": 2}


@timeline_source
def shelter_items(user: User, client: Client) -> Iterable[TimelineItem]:
    """One query: check-ins (with the first room), moves and check-outs."""
    if not user.can(Permission.SHELTER_READ):
        return
    assignments = Assignment.objects.for_centre(user.centre).filter(stay__client=client)
    text: CharField = CharField()
    parts = [
        assignments.filter(start=F("stay__check_in")).annotate(
            event=Value("check_in", output_field=text), day=F("start"), extra=Value("", text)
        ),
        assignments.exclude(start=F("stay__check_in")).annotate(
            event=Value("move", output_field=text), day=F("start"), extra=Value("", text)
        ),
        Stay.objects.for_centre(user.centre)
        .filter(client=client, check_out__isnull=False)
        .annotate(
            event=Value("check_out", output_field=text),
            stay_id=F("id"),
            day=F("check_out"),
            room=Value("", text),
            extra=F("check_out_reason"),
        ),
    ]
    first, second, third = parts
    rows = (
        first.annotate(room_code=F("room__code"))
        .order_by()
        .values_list("event", "stay_id", "day", "room_code", "extra")
        .union(
            second.annotate(room_code=F("room__code"))
            .order_by()
            .values_list("event", "stay_id", "day", "room_code", "extra"),
            third.order_by().values_list("event", "stay_id", "day", "room", "extra"),
            all=True,
        )
    )
    for event, stay_id, day, room, extra in rows:
        url = reverse("shelter:stay", kwargs={"pk": stay_id})
        if event == "check_in":
            label = _("Checked in to the shelter, room %(room)s") % {"room": room}
        elif event == "move":
            label = _("Moved to room %(room)s") % {"room": room}
        else:
            reason = CheckOutReason(extra).label if extra in CheckOutReason.values else ""
            label = (
                _("Left the shelter: %(reason)s") % {"reason": reason}
                if reason
                else _("Left the shelter")
            )
        yield TimelineItem(when=day, kind=_("Shelter"), label=label, url=url, order=ORDER[event])
