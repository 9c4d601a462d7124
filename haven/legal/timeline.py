"""Criminal dossiers in a client's timeline: the dossier opened, the client's complaint and
civil-party claim, referral, hearings, verdict and appeal; for viewers who read dossiers and
may read this client's tracks."""

from collections.abc import Iterable

from django.urls import reverse
from django.utils.translation import gettext as _

from haven.accounts.models import User
from haven.accounts.permissions import Permission
from haven.clients import glass
from haven.clients.models import Client
from haven.guidance.overview import TimelineItem, timeline_source
from haven.legal.models import DossierEvent, EventKind, Victim

# The steps worth a line in the client's timeline (an investigation step or a note is not).
SHOWN = (
    EventKind.DISMISSED,
    EventKind.NON_SUIT,
    EventKind.REFERRED,
    EventKind.HEARING,
    EventKind.VERDICT,
    EventKind.APPEAL,
)


@timeline_source
def dossier_items(user: User, client: Client) -> Iterable[TimelineItem]:
    """Three queries at most, whatever the number of dossiers and steps."""
    if not user.can(Permission.DOSSIER_READ) or not glass.may_read_tracks_of(user, client):
        return
    roles = list(
        Victim.objects.for_centre(user.centre).filter(client=client).select_related("dossier")
    )
    if not roles:
        return
    kind = _("Criminal dossier")
    for role in roles:
        dossier = role.dossier
        url = reverse("legal:detail", kwargs={"pk": dossier.pk})
        if dossier.opened_on is not None:  # imported history may not have recorded it
            yield TimelineItem(
                when=dossier.opened_on,
                kind=kind,
                label=_("Dossier %(code)s opened (%(office)s)")
                % {"code": dossier.code, "office": dossier.get_office_display()},
                url=url,
            )
        if role.complaint_on:
            yield TimelineItem(
                when=role.complaint_on,
                kind=kind,
                label=_("Complaint filed (%(code)s)") % {"code": dossier.code},
                url=url,
            )
        if role.civil_party_on:
            yield TimelineItem(
                when=role.civil_party_on,
                kind=kind,
                label=_("Civil-party claim (%(code)s)") % {"code": dossier.code},
                url=url,
            )
    codes = {role.dossier_id: role.dossier.code for role in roles}
    events = DossierEvent.objects.for_centre(user.centre).filter(
        dossier_id__in=list(codes), kind__in=SHOWN
    )
    for event in events:
        label = f"{event.get_kind_display()} · {codes[event.dossier_id]}"
        if event.court:
            label += f" · {event.court}"
        if event.verdict:
            label += f" · {event.get_verdict_display()}"
        yield TimelineItem(
            when=event.date,
            kind=kind,
            label=label,
            url=reverse("legal:detail", kwargs={"pk": event.dossier_id}),
        )
