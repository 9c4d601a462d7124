"""The journal's items in a client's timeline: only the entries the viewer may read."""

from collections.abc import Iterable

from django.urls import reverse
from django.utils.translation import gettext as _

from haven.accounts.models import User
from haven.clients.models import Client
from haven.guidance.overview import TimelineItem, timeline_source
from haven.journal import services


@timeline_source
def journal_items(user: User, client: Client) -> Iterable[TimelineItem]:
    """One item per readable entry (one query; the text stays on the entry's own page)."""
    entries = services.visible_entries(user, client).prefetch_related(None).select_related(None)
    for entry in entries.only("id", "occurred_on", "track", "corrects_id", "whole_team"):
        label = _("Journal entry (%(track)s)") % {"track": entry.get_track_display()}
        if entry.corrects_id:
            label = _("Correction of a journal entry (%(track)s)") % {
                "track": entry.get_track_display()
            }
        yield TimelineItem(
            when=entry.occurred_on,
            kind=_("Journal"),
            label=label,
            url=reverse("journal:detail", kwargs={"pk": entry.pk}),
        )
