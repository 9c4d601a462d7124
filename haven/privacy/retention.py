"""The retention policy applied: what a centre stops keeping after so many years.

- clients whose last guidance ended more than N years ago: erased (tombstones, as on request);
- closed intakes that led to no guidance, decided more than M years ago: their free text
  tombstoned, and the person erased when they never had guidance and no newer intake;
- audit entries older than K years: anonymised (haven.audit.services.anonymise_entries).

The plan lists file and intake codes, never names. The statistics fields stay: the report's
figures are the same before and after (haven.privacy.tests.test_retention).
"""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.utils import timezone

from haven.audit.models import AuditEntry
from haven.centres.models import Centre
from haven.clients.models import Client
from haven.guidance.models import Episode
from haven.intake.models import OPEN_OUTCOMES, Intake
from haven.privacy import records, services
from haven.privacy.models import Erasure, RetentionPolicy, Source


def policy_of(centre: Centre) -> RetentionPolicy:
    """The centre's policy (the defaults, unsaved, until someone changes them)."""
    return RetentionPolicy.objects.filter(centre=centre).first() or RetentionPolicy(centre=centre)


def years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


@dataclass
class Plan:
    """What retention would change in one centre on one day."""

    centre: Centre
    day: datetime.date
    clients_after_guidance: list[str] = field(default_factory=list)
    clients_without_guidance: list[str] = field(default_factory=list)
    intakes: list[str] = field(default_factory=list)
    audit_before: datetime.datetime | None = None
    audit_entries: int = 0


def _not_erased(clients: Any) -> Any:
    return clients.exclude(Exists(Erasure.objects.filter(client=OuterRef("pk"))))


def _intake_has_text(intake_rows: Any) -> Any:
    """Intakes with free text not yet tombstoned (theirs or their screening's)."""
    wanted = Q()
    for f in records.free_text_fields(Intake):
        wanted |= ~Q(**{f.attname: ""}) & ~Q(**{f"{f.attname}__startswith": "[erased "})
    screened = ~Q(screening__notes="") & ~Q(screening__notes__startswith="[erased ")
    return intake_rows.filter(wanted | (Q(screening__isnull=False) & screened)).distinct()


def plan(centre: Centre, day: datetime.date) -> Plan:
    """What applying the centre's policy on ``day`` would change (nothing is changed)."""
    policy = policy_of(centre)
    result = Plan(centre, day)
    guided_until = years_before(day, policy.anonymise_clients_after_years)
    ended = (
        _not_erased(Client.objects.for_centre(centre))
        .filter(Exists(Episode.objects.filter(client=OuterRef("pk"))))
        .exclude(Exists(Episode.objects.filter(client=OuterRef("pk"), end_date__isnull=True)))
        .annotate(last_end=Max("episodes__end_date"))
        .filter(last_end__lt=guided_until)
    )
    result.clients_after_guidance = sorted(ended.values_list("file_code", flat=True))

    decided_until = years_before(day, policy.close_intakes_without_guidance_after_years)
    old_closed = (
        Intake.objects.for_centre(centre)
        .exclude(outcome__in=OPEN_OUTCOMES)
        .exclude(Exists(Episode.objects.filter(intake=OuterRef("pk"))))
        .filter(
            Q(decided_on__lt=decided_until)
            | Q(decided_on__isnull=True, received_at__date__lt=decided_until)
        )
    )
    result.intakes = sorted(_intake_has_text(old_closed).values_list("code", flat=True))
    # A person never guided whose every intake is such an old closed one.
    recent_or_open = Intake.objects.filter(client=OuterRef("pk")).exclude(
        pk__in=old_closed.values("pk")
    )
    unguided = (
        _not_erased(Client.objects.for_centre(centre))
        .filter(Exists(old_closed.filter(client=OuterRef("pk"))))
        .exclude(Exists(Episode.objects.filter(client=OuterRef("pk"))))
        .exclude(Exists(recent_or_open))
    )
    result.clients_without_guidance = sorted(unguided.values_list("file_code", flat=True))

    before = timezone.make_aware(
        datetime.datetime.combine(
            years_before(day, policy.audit_anonymise_after_years), datetime.time()
        )
    )
    result.audit_before = before
    entries = AuditEntry.objects.filter(centre=centre, at__lt=before)
    if hasattr(AuditEntry, "anonymised_at"):
        entries = entries.filter(anonymised_at__isnull=True)
    result.audit_entries = entries.count()
    return result


def apply(centre: Centre, day: datetime.date) -> Plan:
    """Apply the centre's policy on ``day``; returns what was changed."""
    from haven.audit.services import anonymise_entries

    done = plan(centre, day)
    mark = services.tombstone(timezone.localdate())
    for code in done.clients_after_guidance:
        services.erase_client(
            by=None,
            client=Client.objects.get(centre=centre, file_code=code),
            ground="retention: last guidance ended before "
            f"{years_before(day, policy_of(centre).anonymise_clients_after_years)}",
            source=Source.RETENTION,
        )
    for code in done.clients_without_guidance:
        services.erase_client(
            by=None,
            client=Client.objects.get(centre=centre, file_code=code),
            ground="retention: closed intakes without guidance",
            source=Source.RETENTION,
        )
    with transaction.atomic():
        intakes = list(Intake.objects.filter(centre=centre, code__in=done.intakes))
        for intake in intakes:
            services.tombstone_intake(intake, mark)
        if intakes:
            from haven.audit import services as audit
            from haven.audit.models import Action

            audit.record(
                Action.UPDATE,
                actor_name="retention",
                centre=centre,
                note=f"retention: free text of {len(intakes)} closed intakes without guidance "
                "erased",
            )
    if done.audit_entries and done.audit_before is not None:
        done.audit_entries = anonymise_entries(done.audit_before, centre=centre)
    return done
