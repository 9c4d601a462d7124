"""The demo's guidance details and the last year's work: consistent with the intakes."""

import datetime
from typing import Any

from django.db.models import Q

from haven.appointments.models import Appointment, Status
from haven.audit.models import AuditEntry
from haven.clients.models import Client
from haven.demo.tests.test_history import NOW, run_demo
from haven.guidance.models import Episode
from haven.intake.models import Screening
from haven.journal import services as journal
from haven.journal.models import Entry
from haven.plans.models import Goal, GoalRevision
from haven.tasks.models import Task

TODAY = datetime.date(2026, 3, 4)
SINCE = TODAY - datetime.timedelta(days=365)


def recent_clients() -> set[int]:
    return set(
        Episode.objects.filter(Q(end_date__isnull=True) | Q(end_date__gte=SINCE)).values_list(
            "client_id", flat=True
        )
    )


def generated() -> dict[str, list[tuple[Any, ...]]]:
    return {
        "episodes": list(
            Episode.objects.order_by("centre__code", "client__file_code").values_list(
                "client__file_code",
                "end_date",
                "end_reason",
                "exploitation",
                "other_forms",
                "district",
                "in_protection_procedure",
                "psychosocial_worker__username",
                "legal_worker__username",
            )
        ),
        "workers": sorted(
            Client.workers.through.objects.values_list("client__file_code", "user__username")
        ),
        "entries": sorted(
            Entry.objects.values_list("client__file_code", "track", "occurred_on", "text")
        ),
        "appointments": sorted(
            Appointment.objects.filter(client__isnull=False).values_list(
                "client__file_code", "starts_at", "status", "interpreter_language"
            )
        ),
        "goals": sorted(Goal.objects.values_list("client__file_code", "domain", "status")),
        "tasks": sorted(
            Task.objects.values_list("client__file_code", "title", "due_on", "assignee__username")
        ),
    }


def test_episodes_have_details_consistent_with_the_intake(db: Any) -> None:
    run_demo("--scale", "0.02")
    episodes = list(Episode.objects.select_related("psychosocial_worker", "legal_worker"))
    assert episodes
    screenings = {s.intake_id: s for s in Screening.objects.all()}
    for episode in episodes:
        episode.full_clean(validate_unique=False)
        assert bool(episode.end_date) == bool(episode.end_reason)
        assert episode.tracks and len(episode.tracks) == 3
        screening = screenings[episode.intake_id]
        assert episode.exploitation == screening.suspected_forms[0]
        assert episode.district == screening.place
    assert sum(e.in_protection_procedure for e in episodes) > len(episodes) / 2
    bxl = [e.district for e in episodes if e.centre.code == "BXL"]
    assert max(set(bxl), key=bxl.count) == "BRU"


def test_the_workers_of_an_episode_are_among_the_clients_workers(db: Any) -> None:
    run_demo("--scale", "0.02")
    assigned = set(Client.workers.through.objects.values_list("client_id", "user_id"))
    for episode in Episode.objects.all():
        assert (episode.client_id, episode.psychosocial_worker_id) in assigned
        assert (episode.client_id, episode.legal_worker_id) in assigned
        assert episode.psychosocial_worker.centre_id == episode.centre_id


def test_the_last_years_work_exists_only_for_clients_guided_in_the_last_year(db: Any) -> None:
    run_demo("--scale", "0.02")
    recent = recent_clients()
    assert recent
    for model in (Entry, Goal, Task):
        clients = set(model.objects.values_list("client_id", flat=True))
        assert clients, model
        assert clients <= recent, model
    with_appointments = set(
        Appointment.objects.filter(client__isnull=False).values_list("client_id", flat=True)
    )
    assert with_appointments and with_appointments <= recent
    assert GoalRevision.objects.count() == Goal.objects.count()
    assert not Entry.objects.filter(occurred_on__gt=TODAY).exists()
    assert not Entry.objects.filter(occurred_on__lt=SINCE).exists()
    for appointment in Appointment.objects.all():
        appointment.full_clean(validate_unique=False)
        if appointment.starts_at > NOW:
            assert appointment.status == Status.PLANNED
        else:
            assert appointment.status != Status.PLANNED
        if appointment.interpreter_minutes:
            assert appointment.interpreter_language and appointment.status == Status.DONE
    assert Task.objects.filter(done_at__isnull=True, due_on__lt=TODAY).exists()
    assert not Task.objects.filter(done_at__isnull=False).exists()


def test_journal_search_finds_the_demo_entries(db: Any) -> None:
    run_demo("--scale", "0.02")
    entries = Entry.objects.all()
    found = journal.search(entries, "protection procedure")
    expected = entries.filter(text__icontains="protection procedure")
    assert expected.exists()
    assert set(found) == set(expected)


def test_the_same_seed_gives_the_same_guidance(db: Any) -> None:
    run_demo("--scale", "0.02", "--seed", "5")
    first = generated()
    run_demo("--reset", "--scale", "0.02", "--seed", "5")
    assert generated() == first
    run_demo("--reset", "--scale", "0.02", "--seed", "6")
    assert generated() != first


def test_running_the_demo_twice_adds_nothing(db: Any) -> None:
    run_demo("--scale", "0.02")
    before = generated()
    audit_entries = AuditEntry.objects.count()
    run_demo("--scale", "0.02")
    assert generated() == before
    assert AuditEntry.objects.count() == audit_entries
