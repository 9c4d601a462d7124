"""The client overview (cliëntoverzicht): key facts and a timeline of what happened.

The timeline is built from sources: each source is a function ``(user, client)`` returning
timeline items, and must run a fixed number of queries whatever the number of records (the
overview is asserted to). Other domains add theirs with ``timeline_source``; each source
decides what the viewer may see and whether an item links anywhere. Register a source in a
module that is always imported (e.g. from the app's ``AppConfig.ready``).
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.accounts.models import User
from haven.accounts.permissions import Permission
from haven.clients.models import Client
from haven.guidance.models import Episode


@dataclass(frozen=True)
class TimelineItem:
    """One event in a client's timeline: when, what kind, a short label, a link if allowed."""

    when: datetime.date
    kind: str
    label: str
    url: str = ""
    # Orders items of the same day: later events of a day first (an end before its start).
    order: int = field(default=0, compare=False)


Source = Callable[[User, Client], Iterable[TimelineItem]]
SOURCES: list[Source] = []


def timeline_source(source: Source) -> Source:
    """Register a function adding items to every client's timeline."""
    SOURCES.append(source)
    return source


def timeline(user: User, client: Client) -> list[TimelineItem]:
    """Everything the timeline sources give this viewer about the client, newest first."""
    items = [item for source in SOURCES for item in source(user, client)]
    return sorted(items, key=lambda item: (item.when, item.order), reverse=True)


@timeline_source
def intake_items(user: User, client: Client) -> Iterable[TimelineItem]:
    """The client's intakes; linked for viewers who may read intakes."""
    linked = user.can(Permission.INTAKE_READ)
    for intake in client.intakes.order_by("-received_at"):
        outcome = intake.get_outcome_display() if intake.outcome else _("no decision yet")
        yield TimelineItem(
            when=timezone.localdate(intake.received_at),
            kind=_("Intake"),
            label=f"{intake.code} · {intake.get_channel_display()} · {outcome}",
            url=reverse("intake:detail", kwargs={"pk": intake.pk}) if linked else "",
        )


@timeline_source
def episode_items(user: User, client: Client) -> Iterable[TimelineItem]:
    """Each guidance episode's start and, once closed, its end; linked for guidance readers."""
    linked = user.can(Permission.GUIDANCE_READ)
    for episode in client_episodes(client):
        url = reverse("guidance:detail", kwargs={"pk": episode.pk}) if linked else ""
        yield TimelineItem(
            when=episode.start_date,
            kind=_("Guidance"),
            label=_("Guidance started (residential)")
            if episode.residential
            else _("Guidance started (ambulatory)"),
            url=url,
        )
        if episode.end_date:
            yield TimelineItem(
                when=episode.end_date,
                kind=_("Guidance"),
                label=_("Guidance ended: %(reason)s")
                % {"reason": episode.get_end_reason_display() or _("no reason given")},
                url=url,
                order=1,
            )


def client_episodes(client: Client) -> list[Episode]:
    """A client's episodes, newest first (cached on the client for one request)."""
    cached: Any = getattr(client, "_episodes_cache", None)
    if cached is None:
        cached = list(Episode.objects.filter(client=client).order_by("-start_date", "-id"))
        client._episodes_cache = cached  # type: ignore[attr-defined]
    return list(cached)


@dataclass
class KeyFacts:
    """What the top of the overview says about a client."""

    age: int | None
    nationality: str
    languages: str
    workers: list[User]
    unaccompanied_minor: bool
    confidential_address: bool
    current_episode: Episode | None
    room: str = ""
    """The shelter room the client sleeps in tonight ('' when not in the shelter)."""

    @property
    def in_guidance(self) -> bool:
        return self.current_episode is not None

    @property
    def residential(self) -> bool:
        """Residential guidance is guidance while the client has a stay in the shelter."""
        return self.current_episode is not None and bool(self.room)


def key_facts(client: Client) -> KeyFacts:
    """The client's key facts (none of them identity data)."""
    from haven.shelter.services import current_assignment

    current = next((e for e in client_episodes(client) if e.end_date is None), None)
    assignment = current_assignment(client)
    return KeyFacts(
        age=client.age_on(timezone.localdate()),
        nationality=client.nationality.name if client.nationality else "",
        languages=client.languages,
        workers=list(client.workers.order_by("first_name", "last_name", "username")),
        unaccompanied_minor=client.is_unaccompanied_minor,
        confidential_address=client.confidential_address,
        current_episode=current,
        room=assignment.room.code if assignment is not None else "",
    )
