"""Test helpers of privacy: a client with a record of many kinds, each holding secret text."""

import datetime
from typing import Any, cast

from haven.accounts.permissions import Role
from haven.centres.models import Centre
from haven.clients.models import Client
from haven.factories import ClientFactory, IntakeFactory, UserFactory
from haven.guidance.models import Episode, Track
from haven.intake.models import Outcome

# Synthetic secrets: each must be gone from the database after erasure.
SECRETS = {
    "legal_name": "Zorana Secretova",
    "pseudonym": "Quillfeather",
    "summary": "Zx-intake-summary recruited in Zx-village",
    "journal": "Zx-journal she fears Zx-exploiter",
    "appointment": "Zx-appointment-note",
    "task": "Zx-task-title call Zx-lawyer",
    "loan": "Zx-landlord Janssens",
    "stay": "Zx-stay-note",
    "log": "Quillfeather came back late",
}


def make_full_client(centre: Centre, **values: Any) -> Client:
    """A client with an intake, an episode, a journal entry, an appointment, a task, a loan, a
    stay and a house log entry naming them, all with the synthetic ``SECRETS``."""
    from haven.appointments.testing import make_appointment
    from haven.deposits.testing import make_loan
    from haven.journal.models import Entry
    from haven.shelter.models import LogEntry
    from haven.shelter.testing import make_stay
    from haven.tasks.testing import make_task

    values.setdefault("legal_name", SECRETS["legal_name"])
    values.setdefault("pseudonym", SECRETS["pseudonym"])
    values.setdefault("birth_date", datetime.date(2000, 3, 10))
    values.setdefault("birth_year", 2000)
    client = cast(Client, ClientFactory(centre=centre, **values))
    worker: Any = UserFactory(centre=centre, role=Role.PSYCHOSOCIAL, username=f"w-{centre.code}")
    intake: Any = IntakeFactory(
        centre=centre, client=client, summary=SECRETS["summary"], outcome=Outcome.GUIDANCE_STARTED
    )
    episode = Episode.objects.create(
        centre=centre,
        client=client,
        intake=intake,
        start_date=datetime.date(2016, 5, 2),
        created_by=worker,
    )
    Entry.objects.create(
        centre=centre,
        client=client,
        episode=episode,
        track=Track.PSYCHOSOCIAL,
        author=worker,
        text=SECRETS["journal"],
    )
    make_appointment(centre, client=client, notes=SECRETS["appointment"])
    make_task(centre, client=client, title=SECRETS["task"])
    make_loan(centre, client=client, landlord=SECRETS["loan"])
    stay = make_stay(centre, client=client, notes=SECRETS["stay"])
    house = stay.assignments.get().room.wing.house
    LogEntry.objects.create(centre=centre, house=house, author=worker, text=SECRETS["log"])
    return client


# URL names whose pk addresses a client (see haven/core/tests/test_access_matrix.py).
MATRIX_OBJECTS: dict[str, Any] = {
    name: lambda centre: ClientFactory(centre=centre)
    for name in ("privacy:client", "privacy:export", "privacy:erase")
}
