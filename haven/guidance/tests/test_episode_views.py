import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from haven.accounts.models import User
from haven.accounts.permissions import Role
from haven.audit.models import Action, AuditEntry
from haven.centres.models import Centre
from haven.clients.models import Client
from haven.factories import ClientFactory
from haven.guidance.models import Episode
from haven.guidance.services import close_episode, open_episode

JUNE = datetime.date(2026, 6, 1)


@pytest.fixture
def worker(users: dict[Role, User]) -> User:
    return users[Role.PSYCHOSOCIAL]


def test_a_worker_opens_an_episode_for_a_client_chosen_by_file_code(
    worker: User, client_a: Client, signed_in: Any
) -> None:
    http = signed_in(worker)
    form = http.get(reverse("guidance:create") + f"?client={client_a.pk}")
    assert client_a.file_code in form.content.decode()

    response = http.post(
        reverse("guidance:create"),
        {
            "file_code": client_a.file_code.lower(),
            "start_date": "2026-06-01",
            "psychosocial_track": "on",
            "legal_track": "on",
            "administrative_track": "on",
            "psychosocial_worker": worker.pk,
        },
    )

    episode = Episode.objects.get(client=client_a)
    assert response.status_code == 302
    assert response["Location"] == reverse("guidance:detail", kwargs={"pk": episode.pk})
    assert episode.psychosocial_worker == worker
    assert AuditEntry.objects.filter(object_type="guidance.episode", action=Action.CREATE).exists()


def test_a_file_code_of_another_centre_opens_no_episode(
    worker: User, client_b: Client, signed_in: Any
) -> None:
    response = signed_in(worker).post(
        reverse("guidance:create"),
        {"file_code": client_b.file_code, "start_date": "2026-06-01", "legal_track": "on"},
    )

    assert response.status_code == 200
    assert "No client of this centre has the file code" in response.content.decode()
    assert not Episode.objects.exists()


def test_an_end_before_the_start_is_refused_and_the_typed_values_are_kept(
    worker: User, client_a: Client, signed_in: Any
) -> None:
    episode = open_episode(by=worker, client=client_a, start_date=JUNE)

    response = signed_in(worker).post(
        reverse("guidance:edit", kwargs={"pk": episode.pk}),
        {
            "start_date": "2026-06-01",
            "end_date": "2026-05-01",
            "end_reason": "other",
            "district": "NAM",
            "psychosocial_track": "on",
            "legal_track": "on",
            "administrative_track": "on",
        },
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "The end date cannot be before the start date." in page
    assert 'value="2026-05-01"' in page
    assert '<option value="NAM" selected>' in page
    assert Episode.objects.get(pk=episode.pk).end_date is None


def test_an_overlapping_episode_is_refused_in_the_form(
    worker: User, client_a: Client, signed_in: Any
) -> None:
    open_episode(by=worker, client=client_a, start_date=JUNE)

    response = signed_in(worker).post(
        reverse("guidance:create"),
        {
            "file_code": client_a.file_code,
            "start_date": "2026-07-01",
            "legal_track": "on",
            "psychosocial_track": "on",
            "administrative_track": "on",
        },
    )

    assert response.status_code == 200
    assert "Close that episode in guidance before opening a new one." in response.content.decode()
    assert Episode.objects.filter(client=client_a).count() == 1


def test_closing_asks_for_the_reason_and_keeps_the_typed_date(
    worker: User, client_a: Client, signed_in: Any
) -> None:
    episode = open_episode(by=worker, client=client_a, start_date=JUNE)
    http = signed_in(worker)
    url = reverse("guidance:close", kwargs={"pk": episode.pk})

    refused = http.post(url, {"end_date": "2026-09-30", "end_reason": ""})
    assert refused.status_code == 200
    assert 'value="2026-09-30"' in refused.content.decode()

    closed = http.post(url, {"end_date": "2026-09-30", "end_reason": "voluntary_return"})
    assert closed.status_code == 302
    episode.refresh_from_db()
    assert (episode.end_date, episode.end_reason) == (
        datetime.date(2026, 9, 30),
        "voluntary_return",
    )


def test_the_list_shows_active_episodes_and_filters_closed_ones(
    worker: User, centre_a: Centre, signed_in: Any
) -> None:
    running = open_episode(
        by=worker, client=ClientFactory(centre=centre_a, pseudonym="Aster"), start_date=JUNE
    )
    ended = open_episode(
        by=worker, client=ClientFactory(centre=centre_a, pseudonym="Birch"), start_date=JUNE
    )
    close_episode(by=worker, episode=ended, end_date=JUNE, end_reason="autonomy")
    http = signed_in(worker)

    active = http.get(reverse("guidance:list")).content.decode()
    closed = http.get(reverse("guidance:list") + "?state=closed").content.decode()

    assert running.client.file_code in active and ended.client.file_code not in active
    assert ended.client.file_code in closed and running.client.file_code not in closed


def test_the_list_runs_the_same_queries_for_few_or_many_episodes(
    worker: User, users: dict[Role, User], centre_a: Centre, signed_in: Any
) -> None:
    http = signed_in(worker)

    def queries(count: int) -> int:
        for _ in range(count):
            episode = open_episode(
                by=worker,
                client=ClientFactory(centre=centre_a),
                start_date=JUNE,
                data={"legal_worker": users[Role.LEGAL]},
            )
            episode.other_workers.add(users[Role.DIRECTOR])
        with CaptureQueriesContext(connection) as captured:
            assert http.get(reverse("guidance:list")).status_code == 200
        return len(captured)

    assert queries(2) == queries(10)


def test_another_centres_episode_is_not_found(
    worker: User, client_b: Client, outsider: User, signed_in: Any
) -> None:
    episode = open_episode(by=outsider, client=client_b, start_date=JUNE)

    response = signed_in(worker).get(reverse("guidance:detail", kwargs={"pk": episode.pk}))

    assert response.status_code == 404


def test_closing_answers_only_to_get_and_post(
    worker: User, client_a: Client, signed_in: Any
) -> None:
    episode = open_episode(by=worker, client=client_a, start_date=JUNE)

    response = signed_in(worker).put(reverse("guidance:close", kwargs={"pk": episode.pk}))

    assert response.status_code == 405
