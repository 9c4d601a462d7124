import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils.formats import date_format

from haven.accounts.models import User
from haven.accounts.permissions import Role
from haven.audit.models import Action, AuditEntry
from haven.clients.models import Client
from haven.guidance.models import EndReason, Episode
from haven.guidance.services import close_episode, open_episode, reopen_episode, update_episode

JUNE = datetime.date(2026, 6, 1)
JULY = datetime.date(2026, 7, 1)


@pytest.fixture
def worker(users: dict[Role, User]) -> User:
    return users[Role.PSYCHOSOCIAL]


def entries(episode: Episode) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(
            object_type="guidance.episode", object_id=str(episode.pk)
        ).order_by("id")
    )


def test_an_episode_is_opened_with_its_details_and_audited(
    worker: User, users: dict[Role, User], client_a: Client
) -> None:
    episode = open_episode(
        by=worker,
        client=client_a,
        start_date=JUNE,
        data={
            "exploitation": "labour",
            "other_forms": ["begging"],
            "district": "ANT",
            "legal_track": False,
            "legal_off_reason": "Followed by a lawyer of her choice.",
            "legal_worker": users[Role.LEGAL],
        },
    )

    episode.refresh_from_db()
    assert (episode.exploitation, episode.other_forms, episode.legal_track) == (
        "labour",
        ["begging"],
        False,
    )
    (entry,) = entries(episode)
    assert entry.action == Action.CREATE
    assert entry.changes["exploitation"]["to"] == "labour"


def test_an_episode_is_updated_with_an_audit_entry_of_what_changed(
    worker: User, client_a: Client
) -> None:
    episode = open_episode(by=worker, client=client_a, start_date=JUNE)

    update_episode(by=worker, episode=episode, data={"district": "LUI", "residential": True})

    update = entries(episode)[-1]
    assert update.action == Action.UPDATE
    assert update.changes == {
        "district": {"from": "", "to": "LUI"},
        "residential": {"from": False, "to": True},
    }


def test_an_episode_is_closed_with_a_reason_and_kept(worker: User, client_a: Client) -> None:
    episode = open_episode(by=worker, client=client_a, start_date=JUNE)

    close_episode(by=worker, episode=episode, end_date=JULY, end_reason=EndReason.AUTONOMY)

    episode.refresh_from_db()
    assert (episode.end_date, episode.end_reason) == (JULY, EndReason.AUTONOMY)
    assert entries(episode)[-1].changes["end_reason"] == {"from": "", "to": "autonomy"}


def test_closing_without_an_end_reason_is_refused(worker: User, client_a: Client) -> None:
    episode = open_episode(by=worker, client=client_a, start_date=JUNE)

    with pytest.raises(ValidationError) as refused:
        close_episode(by=worker, episode=episode, end_date=JULY, end_reason="")

    assert "end_reason" in refused.value.message_dict
    episode.refresh_from_db()
    assert episode.end_date is None


def test_an_end_before_the_start_is_refused(worker: User, client_a: Client) -> None:
    episode = open_episode(by=worker, client=client_a, start_date=JULY)

    with pytest.raises(ValidationError) as refused:
        close_episode(by=worker, episode=episode, end_date=JUNE, end_reason=EndReason.OTHER)

    assert refused.value.message_dict["end_date"] == [
        "The end date cannot be before the start date."
    ]
    assert Episode.objects.get(pk=episode.pk).end_date is None


def test_a_track_switched_off_needs_a_reason(worker: User, client_a: Client) -> None:
    episode = open_episode(by=worker, client=client_a, start_date=JUNE)

    with pytest.raises(ValidationError) as refused:
        update_episode(by=worker, episode=episode, data={"administrative_track": False})

    assert "administrative_off_reason" in refused.value.message_dict


def test_the_primary_form_of_exploitation_is_not_repeated_among_the_others(
    worker: User, client_a: Client
) -> None:
    episode = open_episode(by=worker, client=client_a, start_date=JUNE)

    with pytest.raises(ValidationError) as refused:
        update_episode(
            by=worker, episode=episode, data={"exploitation": "sexual", "other_forms": ["sexual"]}
        )

    assert "other_forms" in refused.value.message_dict


def test_overlapping_episodes_of_one_client_are_refused_naming_the_other(
    worker: User, client_a: Client
) -> None:
    first = open_episode(by=worker, client=client_a, start_date=datetime.date(2025, 1, 1))
    close_episode(by=worker, episode=first, end_date=JUNE, end_reason=EndReason.OTHER)
    second = open_episode(by=worker, client=client_a, start_date=JULY)

    with pytest.raises(ValidationError) as refused:
        update_episode(by=worker, episode=second, data={"start_date": datetime.date(2026, 5, 1)})

    assert refused.value.code == "episode_overlap"
    first_start = date_format(datetime.date(2025, 1, 1), "SHORT_DATE_FORMAT")
    assert f"from {first_start} to" in refused.value.messages[0]
    assert Episode.objects.get(pk=second.pk).start_date == JULY


def test_a_re_entry_is_a_new_episode_and_keeps_the_old_one(worker: User, client_a: Client) -> None:
    first = open_episode(
        by=worker, client=client_a, start_date=datetime.date(2025, 1, 1), data={"district": "BRU"}
    )
    close_episode(by=worker, episode=first, end_date=JUNE, end_reason=EndReason.LEFT_WITHOUT_NOTICE)

    again = reopen_episode(by=worker, previous=first, start_date=JULY)

    assert again.pk != first.pk
    assert again.end_date is None and again.district == "BRU"
    first.refresh_from_db()
    assert (first.end_date, first.end_reason) == (JUNE, EndReason.LEFT_WITHOUT_NOTICE)
    assert Episode.objects.filter(client=client_a).count() == 2


def test_an_open_episode_cannot_be_reopened(worker: User, client_a: Client) -> None:
    episode = open_episode(by=worker, client=client_a, start_date=JUNE)

    with pytest.raises(ValidationError, match="still open"):
        reopen_episode(by=worker, previous=episode, start_date=JULY)


def test_workers_assigned_to_the_episode_become_the_clients_workers(
    worker: User, users: dict[Role, User], client_a: Client
) -> None:
    episode = open_episode(
        by=worker, client=client_a, start_date=JUNE, data={"psychosocial_worker": worker}
    )
    assert list(client_a.workers.all()) == [worker]

    update_episode(
        by=worker,
        episode=episode,
        data={"legal_worker": users[Role.LEGAL], "other_workers": [users[Role.DIRECTOR]]},
    )

    assert set(client_a.workers.all()) == {worker, users[Role.LEGAL], users[Role.DIRECTOR]}
    client_entry = AuditEntry.objects.filter(object_type="clients.client").latest("id")
    assert client_entry.note == "assigned through guidance episode"


def test_a_worker_of_another_centre_or_role_cannot_be_assigned(
    worker: User, users: dict[Role, User], client_a: Client, outsider: User
) -> None:
    episode = open_episode(by=worker, client=client_a, start_date=JUNE)

    for wrong in (outsider, users[Role.NIGHT_STAFF]):
        with pytest.raises(ValidationError) as refused:
            update_episode(by=worker, episode=episode, data={"legal_worker": wrong})
        assert "legal_worker" in refused.value.message_dict
        episode.refresh_from_db()
        with pytest.raises(ValidationError) as refused:
            update_episode(by=worker, episode=episode, data={"other_workers": [wrong]})
        assert "other_workers" in refused.value.message_dict
    assert not client_a.workers.exists()
