import datetime

import pytest
from django.core.exceptions import ValidationError

from haven.accounts.models import User
from haven.accounts.permissions import Role
from haven.audit.models import Action, AuditEntry
from haven.centres.models import Centre
from haven.clients.models import Client
from haven.factories import ClientFactory, IntakeFactory
from haven.guidance.models import Episode
from haven.guidance.services import open_episode

JUNE = datetime.date(2026, 6, 1)


@pytest.fixture
def worker(users: dict[Role, User]) -> User:
    return users[Role.PSYCHOSOCIAL]


def test_an_episode_is_opened_for_the_clients_centre_and_audited(
    worker: User, client_a: Client
) -> None:
    episode = open_episode(by=worker, client=client_a, start_date=JUNE)

    assert (episode.centre, episode.client, episode.start_date, episode.created_by) == (
        client_a.centre,
        client_a,
        JUNE,
        worker,
    )
    entry = AuditEntry.objects.get(object_type="guidance.episode")
    assert (entry.action, entry.actor, entry.centre) == (Action.CREATE, worker, client_a.centre)
    assert entry.object_label == f"{client_a.file_code} 2026-06-01"


def test_a_second_episode_is_refused_while_the_first_is_open(
    worker: User, client_a: Client
) -> None:
    open_episode(by=worker, client=client_a, start_date=JUNE)

    with pytest.raises(ValidationError) as refused:
        open_episode(by=worker, client=client_a, start_date=JUNE + datetime.timedelta(days=30))

    assert refused.value.code == "episode_overlap"
    assert "Close that episode in guidance" in refused.value.messages[0]
    assert Episode.objects.filter(client=client_a).count() == 1


def test_an_episode_that_ends_after_the_new_start_is_refused(
    worker: User, client_a: Client
) -> None:
    Episode.objects.create(
        centre=client_a.centre,
        client=client_a,
        start_date=datetime.date(2025, 1, 1),
        end_date=JUNE,
        created_by=worker,
    )

    with pytest.raises(ValidationError, match="can start only after it ends"):
        open_episode(by=worker, client=client_a, start_date=JUNE)


def test_a_new_episode_may_start_after_the_previous_one_ended(
    worker: User, client_a: Client
) -> None:
    Episode.objects.create(
        centre=client_a.centre,
        client=client_a,
        start_date=datetime.date(2025, 1, 1),
        end_date=JUNE,
        created_by=worker,
    )

    open_episode(by=worker, client=client_a, start_date=JUNE + datetime.timedelta(days=1))

    assert Episode.objects.filter(client=client_a).count() == 2


def test_an_intake_opens_one_episode_only(worker: User, client_a: Client, centre_a: Centre) -> None:
    intake = IntakeFactory(centre=centre_a, client=client_a)
    other = ClientFactory(centre=centre_a)
    open_episode(by=worker, client=client_a, start_date=JUNE, intake=intake)

    with pytest.raises(ValidationError, match="already opened a guidance episode"):
        open_episode(by=worker, client=other, start_date=JUNE, intake=intake)


def test_an_intake_and_a_client_of_different_centres_make_no_episode(
    worker: User, client_b: Client, centre_a: Centre
) -> None:
    intake = IntakeFactory(centre=centre_a)

    with pytest.raises(ValueError):
        open_episode(by=worker, client=client_b, start_date=JUNE, intake=intake)
    assert not Episode.objects.exists()
