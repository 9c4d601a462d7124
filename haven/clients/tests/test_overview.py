import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from haven.accounts.models import User
from haven.accounts.permissions import Role
from haven.centres.models import Centre
from haven.clients.models import Client
from haven.factories import ClientFactory, IntakeFactory
from haven.guidance.models import EndReason
from haven.guidance.services import close_episode, open_episode, reopen_episode, update_episode
from haven.shelter import services as shelter
from haven.shelter.testing import make_room


@pytest.fixture
def followed(users: dict[Role, User], centre_a: Centre) -> Client:
    """A client with an intake, a closed episode and a re-entry in residential guidance."""
    client = ClientFactory(
        centre=centre_a,
        pseudonym="Juniper",
        birth_date=datetime.date(2000, 1, 1),
        languages="Romanian, English",
    )
    worker = users[Role.PSYCHOSOCIAL]
    intake = IntakeFactory(
        centre=centre_a,
        client=client,
        code="I-2025-00007",
        received_at=datetime.datetime(2025, 2, 20, 9, 0, tzinfo=datetime.UTC),
    )
    first = open_episode(
        by=worker, client=client, start_date=datetime.date(2025, 3, 1), intake=intake
    )
    close_episode(
        by=worker,
        episode=first,
        end_date=datetime.date(2025, 9, 30),
        end_reason=EndReason.LEFT_WITHOUT_NOTICE,
    )
    again = reopen_episode(by=worker, previous=first, start_date=datetime.date(2026, 2, 1))
    update_episode(
        by=worker,
        episode=again,
        data={"residential": True, "psychosocial_worker": worker},
    )
    shelter.check_in(
        by=worker, client=client, room=make_room(centre_a, code="A7"), day=datetime.date(2026, 2, 1)
    )
    return client


def test_the_overview_shows_key_facts_and_the_timeline_newest_first_to_the_director(
    users: dict[Role, User], followed: Client, signed_in: Any
) -> None:
    page = signed_in(users[Role.DIRECTOR]).get(
        reverse("clients:detail", kwargs={"pk": followed.pk})
    )

    html = page.content.decode()
    assert page.status_code == 200
    assert "Juniper" in html and followed.file_code in html
    assert followed.nationality is not None
    assert followed.nationality.name_en in html and "Romanian, English" in html
    assert "In guidance" in html and "Residential · room A7" in html
    assert str(users[Role.PSYCHOSOCIAL]) in html
    assert "Ioana Testescu" in html  # the director sees the identity block
    events = [
        "Guidance started (residential)",
        "Guidance ended: Left without notice",
        "Guidance started (ambulatory)",
        "I-2025-00007",
    ]
    positions = [html.index(event) for event in events]
    assert positions == sorted(positions)
    intake = followed.intakes.get()
    assert reverse("intake:detail", kwargs={"pk": intake.pk}) in html
    for episode in followed.episodes.all():
        assert reverse("guidance:detail", kwargs={"pk": episode.pk}) in html


def test_night_staff_see_the_overview_without_identity_or_guidance_links(
    users: dict[Role, User], followed: Client, signed_in: Any
) -> None:
    page = signed_in(users[Role.NIGHT_STAFF]).get(
        reverse("clients:detail", kwargs={"pk": followed.pk})
    )

    html = page.content.decode()
    assert page.status_code == 200
    assert "Juniper" in html and "Guidance started (residential)" in html
    assert "Ioana Testescu" not in html and "Voorbeeldstraat" not in html
    assert "/guidance/" not in html
    intake = followed.intakes.get()
    assert reverse("intake:detail", kwargs={"pk": intake.pk}) in html  # night staff read intakes


def test_the_age_comes_from_the_birth_year_when_the_date_is_unknown(
    users: dict[Role, User], centre_a: Centre, signed_in: Any
) -> None:
    client = ClientFactory(centre=centre_a, birth_date=None, birth_year=2010, unaccompanied=True)
    today = datetime.date.today()
    expected = client.age_on(today)

    html = (
        signed_in(users[Role.LEGAL])
        .get(reverse("clients:detail", kwargs={"pk": client.pk}))
        .content.decode()
    )

    assert f"{expected} years" in html
    assert "Unaccompanied minor" in html


def test_the_overview_runs_the_same_queries_for_few_or_many_events(
    users: dict[Role, User], centre_a: Centre, signed_in: Any
) -> None:
    worker = users[Role.PSYCHOSOCIAL]
    http = signed_in(users[Role.DIRECTOR])

    def queries(events: int) -> int:
        client = ClientFactory(centre=centre_a)
        client.workers.add(worker)
        for n in range(events // 2):
            IntakeFactory(centre=centre_a, client=client)
            episode = open_episode(
                by=worker, client=client, start_date=datetime.date(2000 + n, 1, 1)
            )
            close_episode(
                by=worker,
                episode=episode,
                end_date=datetime.date(2000 + n, 6, 1),
                end_reason=EndReason.OTHER,
            )
        with CaptureQueriesContext(connection) as captured:
            page = http.get(reverse("clients:detail", kwargs={"pk": client.pk}))
        assert page.status_code == 200
        assert page.content.decode().count('<li class="border-start') == events // 2 * 3
        return len(captured)

    assert queries(2) == queries(12)
