"""The legal and administrative team's deadlines, defined once: which residence documents
count, when they expire, whether a renewal was asked, and the hearings to come.

Everything here is a queryset or a fixed number of queries, whatever the number of rows; the
deadlines page, the desk and the reminders (haven.residence.reminders) read these.
"""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery

from haven.centres.models import Centre
from haven.guidance.models import Episode
from haven.residence.models import PERMANENT, Decision, Renewal, ResidenceDocument

EXPIRING_DAYS = 60
"""The deadlines page lists documents that expire within this many days."""
HEARING_DAYS = 30
"""The deadlines page lists hearings within this many days."""
CAP = 200
"""At most this many rows per section; the page says when a list was cut."""


def current_documents(centre: Centre | None) -> QuerySet[ResidenceDocument]:
    """The centre's *current* documents: each client's latest, by issue date and then id.

    A later document supersedes the earlier ones (the renewed card, a B card after an A card),
    so an older document never counts as expiring or expired.
    """
    later = ResidenceDocument.objects.filter(client=OuterRef("client")).filter(
        Q(issued_on__gt=OuterRef("issued_on"))
        | Q(issued_on=OuterRef("issued_on"), pk__gt=OuterRef("pk"))
    )
    return ResidenceDocument.objects.for_centre(centre).filter(~Exists(later))


def with_renewal(documents: QuerySet[ResidenceDocument]) -> QuerySet[ResidenceDocument]:
    """Annotate each document with its renewal: ``renewal_requested_on``, the request date of
    the renewal waiting for a decision (None when none waits), and ``renewal_decision`` and
    ``renewal_decided_on`` of the latest decided one (None when none was decided)."""
    renewals = Renewal.objects.filter(document=OuterRef("pk"))
    waiting = renewals.filter(decision=Decision.PENDING).order_by("-requested_on", "-id")
    decided = renewals.exclude(decision=Decision.PENDING).order_by("-decided_on", "-id")
    return documents.annotate(
        renewal_requested_on=Subquery(waiting.values("requested_on")[:1]),
        renewal_decision=Subquery(decided.values("decision")[:1]),
        renewal_decided_on=Subquery(decided.values("decided_on")[:1]),
    )


# A renewal is *open* while a request waits for the Immigration Office's decision, as for the
# client's flag (haven.residence.services.refresh_client_status). An open renewal stops the
# reminders and takes the red flag away; once refused (or granted, until the new document is
# registered and supersedes this one) the document needs attention again.
NO_OPEN_RENEWAL = Q(renewal_requested_on__isnull=True)


def counted(centre: Centre | None, watched: Q | None = None) -> QuerySet[ResidenceDocument]:
    """The documents deadlines are about: current, of a client in guidance (an open episode),
    not of indefinite validity, with a valid-until date; annotated with their latest renewal
    (``with_renewal``) and their client loaded (file code, pseudonym and the residence flag's
    fields).

    The query starts from the clients whose document is watched: each client keeps a copy of
    that document's validity (``residence.services.refresh_client_status``), indexed, so the
    database reads a few hundred clients instead of every document ever issued. ``watched``
    narrows those clients further (a filter on ``Client``).
    """
    from haven.clients.models import Client

    clients = Client.objects.for_centre(centre).filter(residence_valid_until__isnull=False)
    if watched is not None:
        clients = clients.filter(watched)
    in_guidance = Episode.objects.filter(client=OuterRef("client"), end_date__isnull=True)
    return with_renewal(
        current_documents(centre)
        .filter(client__in=clients.values("pk"), valid_until=F("client__residence_valid_until"))
        .filter(Exists(in_guidance))
        .exclude(document__in=PERMANENT)
        .filter(valid_until__isnull=False)
        .select_related("client")
    )


def without_open_renewal(documents: QuerySet[ResidenceDocument]) -> QuerySet[ResidenceDocument]:
    """Documents of ``counted`` for which no renewal is open (see ``NO_OPEN_RENEWAL``)."""
    return documents.filter(NO_OPEN_RENEWAL)


def expiring(centre: Centre | None, today: datetime.date) -> QuerySet[ResidenceDocument]:
    """Current documents valid until a day between today and ``EXPIRING_DAYS`` days from now
    (both included), soonest first; with or without a renewal requested."""
    return counted(
        centre,
        Q(
            residence_valid_until__gte=today,
            residence_valid_until__lte=today + datetime.timedelta(days=EXPIRING_DAYS),
        ),
    ).order_by("valid_until", "client__file_code", "pk")


def overdue(centre: Centre | None, today: datetime.date) -> QuerySet[ResidenceDocument]:
    """Current documents whose validity ended before today, longest overdue first; with or
    without a renewal requested (the page says which)."""
    return counted(centre, Q(residence_valid_until__lt=today)).order_by(
        "valid_until", "client__file_code", "pk"
    )


def of_workers_clients(documents: QuerySet[Any], user: Any, field: str = "client") -> QuerySet[Any]:
    """Only the rows about clients the user is assigned to (the client's workers)."""
    from haven.clients.models import Client

    return documents.filter(**{f"{field}__in": Client.objects.filter(workers=user).values("pk")})


def for_desk(user: Any, today: datetime.date) -> QuerySet[ResidenceDocument]:
    """The desk's panel: current documents of the user's own clients that expire within the
    centre's longest reminder period, or that expired without an open renewal; by date."""
    centre = user.centre
    days = max(centre.reminder_days or [0]) if centre is not None else 0
    mine = Q(workers=user, residence_valid_until__lte=today + datetime.timedelta(days=days))
    return (
        counted(centre, mine)
        .filter(Q(valid_until__gte=today) | NO_OPEN_RENEWAL)
        .order_by("valid_until", "client__file_code", "pk")
    )


def hearings(user: Any, today: datetime.date) -> QuerySet[Any]:
    """Hearings of the next ``HEARING_DAYS`` days (today included) in the dossiers the user
    may see (haven.legal.access), soonest first. Each row's ``dossier.shown_victims`` holds
    only the victims the user may see: the others are never loaded."""
    from haven.legal.access import visible_dossiers, visible_victims
    from haven.legal.models import DossierEvent, EventKind

    return (
        DossierEvent.objects.for_centre(user.centre)
        .filter(
            kind=EventKind.HEARING,
            date__gte=today,
            date__lte=today + datetime.timedelta(days=HEARING_DAYS),
            dossier__in=visible_dossiers(user),
        )
        .select_related("dossier")
        .prefetch_related(
            Prefetch(
                "dossier__victims",
                queryset=visible_victims(user).select_related("client").order_by("id"),
                to_attr="shown_victims",
            )
        )
        .order_by("date", "dossier__code", "pk")
    )


def days_left(document: ResidenceDocument, today: datetime.date) -> int:
    """Days from today until the last day of validity (0: the last day is today; negative:
    expired that many days ago)."""
    assert document.valid_until is not None
    return (document.valid_until - today).days


@dataclass
class Section:
    """One capped list of the deadlines page."""

    rows: list[Any] = field(default_factory=list)
    capped: bool = False
    cap: int = CAP


def capped(
    rows: QuerySet[Any], today: datetime.date | None = None, limit: int | None = None
) -> Section:
    """At most ``limit`` rows (``CAP`` by default; one query); given ``today``, documents get
    their ``days_left`` and ``days_overdue`` (its opposite)."""
    limit = CAP if limit is None else limit
    found = list(rows[: limit + 1])
    section = Section(rows=found[:limit], capped=len(found) > limit, cap=limit)
    if today is not None:
        for row in section.rows:
            row.days_left = days_left(row, today)
            row.days_overdue = -row.days_left
    return section


@dataclass
class Deadlines:
    """The deadlines page's three sections."""

    today: datetime.date
    mine: bool
    expiring: Section
    overdue: Section
    hearings: Section | None  # None: the user does not read dossiers


def deadlines(user: Any, today: datetime.date, *, mine: bool = False) -> Deadlines:
    """The page for the user's centre (or only the user's own clients): four queries."""
    from haven.accounts.permissions import Permission

    soon = expiring(user.centre, today)
    late = overdue(user.centre, today)
    hearing_rows = hearings(user, today) if user.can(Permission.DOSSIER_READ) else None
    if mine:
        soon = of_workers_clients(soon, user)
        late = of_workers_clients(late, user)
        if hearing_rows is not None:
            from haven.legal.models import Victim

            hearing_rows = hearing_rows.filter(
                dossier__in=of_workers_clients(Victim.objects.all(), user).values("dossier_id")
            )
    return Deadlines(
        today=today,
        mine=mine,
        expiring=capped(soon, today),
        overdue=capped(late, today),
        hearings=capped(hearing_rows) if hearing_rows is not None else None,
    )
