"""What guidance adds to the demo history: episode details, and the recent work with clients.

``details`` completes a generated episode (form of exploitation and district from the intake's
screening, procedure, tracks, workers, the end reason of an ended one) and gives the rows that
make its workers the client's assigned workers. ``activity`` then writes, for the episodes
active in the last twelve months only, journal entries, appointments (the past eight weeks and
the coming two), future-plan goals and open tasks. All texts are bland and invented; none
names anyone. Written in bulk like the history (``bulk.Table``): journal rows go through the
SQLite full-text triggers like any insert.
"""

import bisect
import datetime
import itertools
import random
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils import timezone

from haven.accounts.permissions import Role
from haven.appointments.models import Appointment, Kind, Place, Status
from haven.centres.models import Centre
from haven.demo.bulk import Writer
from haven.guidance.models import EndReason, Episode, Track
from haven.journal.models import Entry
from haven.plans.models import Goal, GoalRevision, GoalStatus, LifeDomain
from haven.reference.codes import ExploitationForm
from haven.tasks.models import Task

ACTIVE_DAYS = 365  # episodes active in this window get journal, appointments, goals, tasks
PAST_APPOINTMENT_DAYS = 8 * 7
FUTURE_APPOINTMENT_DAYS = 2 * 7
IN_PROTECTION = 0.85
RESIDENTIAL = 0.35
DIRECTOR_AS_WORKER = 0.08
SHORT_GUIDANCE_DAYS = 365
# Why guidance ended (assumption): most reach autonomy; short ones more often stop early.
END_REASONS = {
    EndReason.AUTONOMY.value: 55,
    EndReason.VOLUNTARY_RETURN.value: 10,
    EndReason.LEFT_WITHOUT_NOTICE.value: 10,
    EndReason.TRANSFERRED.value: 8,
    EndReason.PROCEDURE_STOPPED.value: 12,
    EndReason.OTHER.value: 5,
}
SHORT_END_REASONS = {
    EndReason.AUTONOMY.value: 5,
    EndReason.VOLUNTARY_RETURN.value: 20,
    EndReason.LEFT_WITHOUT_NOTICE.value: 35,
    EndReason.TRANSFERRED.value: 15,
    EndReason.PROCEDURE_STOPPED.value: 20,
    EndReason.OTHER.value: 5,
}
JOURNAL = {
    Track.PSYCHOSOCIAL.value: [
        "Conversation about housing options.",
        "Talked about the week and about sleep.",
        "Follow-up of the medical appointment.",
        "Conversation about contact with family.",
        "Discussed the Dutch lessons and the timetable.",
        "Preparation of the next steps of the future plan.",
        "Conversation about daytime activities.",
    ],
    Track.LEGAL.value: [
        "Explained the steps of the protection procedure.",
        "Preparation of the hearing with the lawyer.",
        "Follow-up of the residence document.",
        "Contact with the lawyer about the file.",
        "Explained the letter from the immigration office.",
    ],
    Track.ADMINISTRATIVE.value: [
        "Help with the application for health insurance.",
        "Bank account: documents gathered.",
        "Help with the rent and the monthly budget.",
        "Registration at the municipality prepared.",
        "Help with the forms of the social service.",
    ],
}
GOALS = {
    LifeDomain.SOCIAL_NETWORK.value: "I want to meet people outside the shelter.",
    LifeDomain.DAYTIME_ACTIVITIES.value: "I want to do something useful during the day.",
    LifeDomain.HEALTH_WELLBEING.value: "I want to sleep better and see a doctor regularly.",
    LifeDomain.VICTIM_EXPERIENCE.value: "I want to understand what happened and feel safe.",
    LifeDomain.LANGUAGE_INTEGRATION.value: "I want to learn Dutch or French.",
    LifeDomain.TRAINING_EMPLOYMENT.value: "I want to find a training course and then a job.",
    LifeDomain.HOUSING.value: "I want to live in my own place.",
    LifeDomain.ADMINISTRATION_FINANCES.value: "I want to manage my own budget.",
}
GOAL_STATUSES = {
    GoalStatus.PROPOSED.value: 2,
    GoalStatus.IN_PROGRESS.value: 6,
    GoalStatus.ACHIEVED.value: 2,
    GoalStatus.DROPPED.value: 1,
}
TASKS = [
    "Call the lawyer back",
    "Send the documents to the social service",
    "Book an interpreter",
    "Prepare the review of the future plan",
    "Ask the municipality about the registration",
    "Follow up the health insurance application",
]
APPOINTMENT_NOTES = ["", "", "", "Bring the residence document.", "Meet at the reception."]
# The client's languages (ISO codes) for which the demo books interpreters.
INTERPRETED = {
    "ro": "Romanian",
    "ti": "Tigrinya",
    "sq": "Albanian",
    "ar": "Arabic",
    "vi": "Vietnamese",
}
INTERPRETER_SHARE = 0.6  # of the appointments of a client who speaks one of those
FORMS = frozenset(ExploitationForm.values)


def _draw(rng: random.Random, weights: Mapping[str, float]) -> str:
    codes = list(weights)
    bounds = list(itertools.accumulate(weights.values()))
    return codes[bisect.bisect(bounds, rng.random() * bounds[-1])]


def details(
    episode: dict[str, Any],
    *,
    seed: int,
    centre: str,
    screening: Mapping[str, Any] | None,
    form: str,
    users: Mapping[str, int],
) -> list[tuple[int, int]]:
    """Complete a generated episode in place; the (client id, user id) of its workers.

    Its own random stream (by seed, centre and the intake's id), so the rest of the history
    draws as it did without details.
    """
    rng = random.Random(f"{seed}:{centre}:episode:{episode['intake_id']}")  # noqa: S311
    forms = [f for f in (screening or {}).get("suspected_forms", []) or [form] if f in FORMS]
    primary = forms[0] if forms else ""
    episode["exploitation"] = primary
    episode["other_forms"] = [f for f in dict.fromkeys(forms[1:]) if f != primary]
    episode["district"] = (screening or {}).get("place") or "UNKNOWN"
    episode["in_protection_procedure"] = rng.random() < IN_PROTECTION
    episode["residential"] = rng.random() < RESIDENTIAL
    director = users[Role.DIRECTOR.value]
    psychosocial = users[Role.PSYCHOSOCIAL.value]
    legal = users[Role.LEGAL.value]
    if rng.random() < DIRECTOR_AS_WORKER:
        psychosocial = director
    if rng.random() < DIRECTOR_AS_WORKER:
        legal = director
    episode["psychosocial_worker_id"] = psychosocial
    episode["legal_worker_id"] = legal
    end = episode.get("end_date")
    if end is not None:
        short = (end - episode["start_date"]).days < SHORT_GUIDANCE_DAYS
        episode["end_reason"] = _draw(rng, SHORT_END_REASONS if short else END_REASONS)
    return [(episode["client_id"], user) for user in dict.fromkeys((psychosocial, legal))]


@dataclass
class Activity:
    """What ``activity`` wrote for one centre."""

    entries: int = 0
    appointments: int = 0
    goals: int = 0
    tasks: int = 0


WRITTEN = (Entry, Appointment, Goal, GoalRevision, Task)


def activity(
    centre: Centre, *, users: Mapping[str, int], seed: int, now: datetime.datetime
) -> Activity:
    """Journal, appointments, goals and tasks for the centre's episodes of the last year."""
    rng = random.Random(f"{seed}:{centre.code}:activity")  # noqa: S311 - synthetic
    tz = timezone.get_default_timezone()
    today = timezone.localtime(now, tz).date()
    since = today - datetime.timedelta(days=ACTIVE_DAYS)
    episodes = (
        Episode.objects.filter(centre=centre, start_date__lte=today)
        .filter(models.Q(end_date__isnull=True) | models.Q(end_date__gte=since))
        .order_by("start_date", "client__file_code")
        .values_list(
            "id",
            "client_id",
            "start_date",
            "end_date",
            "psychosocial_worker_id",
            "legal_worker_id",
            "client__languages",
        )
    )
    writers = {model: Writer(model) for model in WRITTEN}
    admin = users[Role.ADMIN_FINANCE.value]
    director = users[Role.DIRECTOR.value]

    def aware(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
        return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=tz)

    for episode_id, client_id, start, end, psychosocial, legal, languages in episodes:
        authors = {
            Track.PSYCHOSOCIAL.value: psychosocial or director,
            Track.LEGAL.value: legal or director,
            Track.ADMINISTRATIVE.value: admin,
        }
        first, last = max(start, since), min(end or today, today)
        days = (last - first).days + 1
        # Journal: about one to two entries per track and month.
        for track, texts in JOURNAL.items():
            for _ in range(max(1, round(days / 30 * rng.uniform(0.8, 2.0)))):
                day = first + datetime.timedelta(days=rng.randrange(days))
                written = min(aware(day, rng.randint(9, 17), rng.randrange(60)), now)
                writers[Entry].add(
                    {
                        "centre_id": centre.pk,
                        "client_id": client_id,
                        "episode_id": episode_id,
                        "track": track,
                        "author_id": authors[track],
                        "written_at": written,
                        "occurred_on": day,
                        "text": rng.choice(texts),
                        "whole_team": rng.random() < 0.2,
                    }
                )
        spoken = [INTERPRETED[c.strip()] for c in languages.split(",") if c.strip() in INTERPRETED]
        # Appointments: weekly-ish conversations, done in the past, planned ahead.
        window_start = max(start, today - datetime.timedelta(days=PAST_APPOINTMENT_DAYS))
        window_end = min(end or today + datetime.timedelta(days=FUTURE_APPOINTMENT_DAYS),
                         today + datetime.timedelta(days=FUTURE_APPOINTMENT_DAYS))  # fmt: skip
        if end is not None:
            window_end = min(window_end, end)
        day = window_start + datetime.timedelta(days=rng.randrange(7))
        while day <= window_end:
            if day.weekday() < 5:
                starts = aware(day, rng.randint(9, 16), rng.choice((0, 30)))
                track = Track.LEGAL.value if rng.random() < 0.3 else Track.PSYCHOSOCIAL.value
                duration = rng.choice((45, 60, 60, 90))
                past = starts < now
                status = (
                    _draw(rng, {"done": 85, "missed": 8, "cancelled": 7})
                    if past
                    else Status.PLANNED.value
                )
                language = rng.choice(spoken) if spoken and rng.random() < INTERPRETER_SHARE else ""
                created = min(starts - datetime.timedelta(days=rng.randint(2, 14)), now)
                writers[Appointment].add(
                    {
                        "centre_id": centre.pk,
                        "client_id": client_id,
                        "starts_at": starts,
                        "duration_minutes": duration,
                        "kind": Kind.INDIVIDUAL.value,
                        "place": Place.OFFICE.value,
                        "track": track,
                        "worker_id": authors[track],
                        "interpreter_language": language,
                        "interpreter_minutes": duration
                        if language and status == Status.DONE.value
                        else 0,
                        "status": status,
                        "notes": rng.choice(APPOINTMENT_NOTES),
                        "created_at": created,
                        "updated_at": min(starts + datetime.timedelta(minutes=duration), now)
                        if past
                        else created,
                        "created_by_id": authors[track],
                    }
                )
            day += datetime.timedelta(days=rng.randint(5, 10))
        # The future plan: one to four goals in different life domains, one revision each.
        for domain in rng.sample(list(GOALS), rng.randint(1, 4)):
            status = _draw(rng, GOAL_STATUSES)
            written_on = first + datetime.timedelta(days=rng.randrange(days))
            written = min(aware(written_on, rng.randint(9, 17)), now)
            review = (
                today + datetime.timedelta(days=rng.randint(-10, 90))
                if end is None and status in (GoalStatus.PROPOSED, GoalStatus.IN_PROGRESS)
                else None
            )
            goal_id = writers[Goal].add(
                {
                    "centre_id": centre.pk,
                    "client_id": client_id,
                    "episode_id": episode_id,
                    "domain": domain,
                    "text": GOALS[domain],
                    "status": status,
                    "next_review": review,
                    "written_with_client": rng.random() < 0.9,
                    "created_by_id": authors[Track.PSYCHOSOCIAL.value],
                    "created_at": written,
                    "updated_at": written,
                    "version": 1,
                }
            )
            writers[GoalRevision].add(
                {
                    "goal_id": goal_id,
                    "version": 1,
                    "text": GOALS[domain],
                    "status": status,
                    "next_review": review,
                    "changed_by_id": authors[Track.PSYCHOSOCIAL.value],
                    "changed_at": written,
                }
            )
        # Open tasks of the workers, some overdue: only while the guidance runs.
        if end is None:
            for _ in range(rng.randint(0, 3)):
                track = rng.choice(list(authors))
                writers[Task].add(
                    {
                        "centre_id": centre.pk,
                        "client_id": client_id,
                        "title": rng.choice(TASKS),
                        "due_on": today + datetime.timedelta(days=rng.randint(-14, 30)),
                        "assignee_id": authors[track],
                        "created_by_id": authors[track],
                        "created_at": now - datetime.timedelta(days=rng.randint(1, 30)),
                    }
                )
    for model in WRITTEN:
        writers[model].flush()
    return Activity(
        entries=writers[Entry].count,
        appointments=writers[Appointment].count,
        goals=writers[Goal].count,
        tasks=writers[Task].count,
    )
