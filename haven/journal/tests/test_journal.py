"""The journal: need-to-know per track, the 24-hour edit window, corrections, search."""

import datetime
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from haven.accounts.models import User
from haven.accounts.permissions import Role
from haven.audit.models import Action, AuditEntry
from haven.clients.models import Client
from haven.guidance.models import Track
from haven.journal import services
from haven.journal.models import Entry
from haven.journal.testing import make_entry

pytestmark = pytest.mark.django_db

SignedIn = Callable[[User], Any]
T0 = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)


def private(users: dict[Role, User], client: Client, track: Track, text: str) -> Entry:
    """An entry for the track's team only, written by that team's worker."""
    author = users[Role.PSYCHOSOCIAL if track == Track.PSYCHOSOCIAL else Role.LEGAL]
    # Both teams' workers are assigned: need-to-know per track is what is tested here.
    client.workers.add(users[Role.PSYCHOSOCIAL], users[Role.LEGAL])
    return make_entry(
        client.centre, client=client, track=track, author=author, text=text, whole_team=False
    )


def detail(entry: Entry) -> str:
    return reverse("journal:detail", kwargs={"pk": entry.pk})


def test_a_legal_worker_cannot_read_a_psychosocial_entry(
    users: dict[Role, User], client_a: Client, signed_in: SignedIn
) -> None:
    entry = private(users, client_a, Track.PSYCHOSOCIAL, "Nightmares about the flat.")
    http = signed_in(users[Role.LEGAL])
    assert http.get(detail(entry)).status_code == 404
    assert http.get(reverse("journal:edit", kwargs={"pk": entry.pk})).status_code == 404
    assert http.get(reverse("journal:correct", kwargs={"pk": entry.pk})).status_code == 404
    assert "Nightmares" not in http.get(reverse("journal:list")).content.decode()


def test_a_legal_worker_reads_a_whole_team_entry_of_the_psychosocial_track(
    users: dict[Role, User], client_a: Client, signed_in: SignedIn
) -> None:
    entry = make_entry(client_a.centre, client=client_a, text="Starts Dutch lessons on Monday.")
    http = signed_in(users[Role.LEGAL])
    assert "Starts Dutch lessons" in http.get(detail(entry)).content.decode()
    assert "Starts Dutch lessons" in http.get(reverse("journal:list")).content.decode()


def test_a_psychosocial_worker_cannot_read_the_legal_or_administrative_tracks(
    users: dict[Role, User], client_a: Client, signed_in: SignedIn
) -> None:
    legal = private(users, client_a, Track.LEGAL, "Hearing at the labour auditor.")
    admin = private(users, client_a, Track.ADMINISTRATIVE, "Health insurance requested.")
    http = signed_in(users[Role.PSYCHOSOCIAL])
    assert http.get(detail(legal)).status_code == 404
    assert http.get(detail(admin)).status_code == 404
    assert signed_in(users[Role.LEGAL]).get(detail(admin)).status_code == 200


def test_the_director_reads_every_track(
    users: dict[Role, User], client_a: Client, signed_in: SignedIn
) -> None:
    entries = [
        private(users, client_a, Track.PSYCHOSOCIAL, "Psychosocial words."),
        private(users, client_a, Track.LEGAL, "Legal words."),
        private(users, client_a, Track.ADMINISTRATIVE, "Administrative words."),
    ]
    http = signed_in(users[Role.DIRECTOR])
    page = http.get(reverse("journal:list"), {"client": client_a.pk}).content.decode()
    for entry in entries:
        assert http.get(detail(entry)).status_code == 200
        assert entry.text in page


def test_roles_without_guidance_read_no_journal(
    users: dict[Role, User], client_a: Client, signed_in: SignedIn
) -> None:
    entry = make_entry(client_a.centre, client=client_a)
    assert signed_in(users[Role.NIGHT_STAFF]).get(detail(entry)).status_code == 403
    assert not services.visible_entries(users[Role.NIGHT_STAFF]).exists()


def test_a_worker_writes_an_entry_and_the_creation_is_audited(
    users: dict[Role, User], client_a: Client, signed_in: SignedIn
) -> None:
    http = signed_in(users[Role.LEGAL])
    response = http.post(
        reverse("journal:create"),
        {
            "file_code": client_a.file_code.lower(),
            "track": Track.ADMINISTRATIVE,
            "occurred_on": "2026-01-05",
            "text": "Bank account opened.",
        },
    )
    entry = Entry.objects.get()
    assert response.status_code == 302
    assert (entry.client, entry.track, entry.author) == (
        client_a,
        Track.ADMINISTRATIVE,
        users[Role.LEGAL],
    )
    assert entry.whole_team is False
    log = AuditEntry.objects.get(action=Action.CREATE, object_id=str(entry.pk))
    assert log.changes["text"]["to"] == "Bank account opened."


def test_a_worker_cannot_write_in_another_teams_track(
    users: dict[Role, User], client_a: Client, signed_in: SignedIn
) -> None:
    url = reverse("journal:create") + f"?client={client_a.pk}"
    http = signed_in(users[Role.LEGAL])
    response = http.post(url, {"track": Track.PSYCHOSOCIAL, "text": "Kept on error."})
    assert response.status_code == 200
    assert not Entry.objects.exists()
    page = response.content.decode()
    assert "Kept on error." in page  # what was typed stays in the form
    assert 'value="psychosocial"' not in page
    with pytest.raises(PermissionDenied):
        services.create_entry(
            by=users[Role.LEGAL], client=client_a, data={"track": Track.PSYCHOSOCIAL, "text": "x"}
        )


def test_an_entry_cannot_be_dated_in_the_future_nor_name_an_unknown_file(
    users: dict[Role, User], client_a: Client, signed_in: SignedIn
) -> None:
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = signed_in(users[Role.PSYCHOSOCIAL]).post(
        reverse("journal:create"),
        {
            "file_code": "NOPE-1",
            "track": Track.PSYCHOSOCIAL,
            "occurred_on": tomorrow,
            "text": "Too early.",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "The date cannot be in the future." in page
    assert "No client of this centre has this file code." in page
    assert not Entry.objects.exists()


def test_the_author_edits_within_24_hours_and_the_change_is_audited(
    users: dict[Role, User], client_a: Client, signed_in: SignedIn
) -> None:
    with time_machine.travel(T0, tick=False):
        entry = private(users, client_a, Track.PSYCHOSOCIAL, "First version.")
    with time_machine.travel(T0 + datetime.timedelta(hours=23), tick=False):
        http = signed_in(users[Role.PSYCHOSOCIAL])
        url = reverse("journal:edit", kwargs={"pk": entry.pk})
        assert http.get(url).status_code == 200
        response = http.post(url, {"occurred_on": "2026-03-01", "text": "Second version."})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.text == "Second version."
    log = AuditEntry.objects.get(action=Action.UPDATE, object_id=str(entry.pk))
    assert log.changes["text"] == {"from": "First version.", "to": "Second version."}


def test_after_24_hours_the_author_can_only_add_a_correction(
    users: dict[Role, User], client_a: Client, signed_in: SignedIn
) -> None:
    with time_machine.travel(T0, tick=False):
        entry = private(users, client_a, Track.PSYCHOSOCIAL, "First version.")
    with time_machine.travel(T0 + datetime.timedelta(hours=25), tick=False):
        http = signed_in(users[Role.PSYCHOSOCIAL])
        url = reverse("journal:edit", kwargs={"pk": entry.pk})
        response = http.post(url, {"occurred_on": "2026-03-01", "text": "Rewritten."})
        assert response["Location"] == reverse("journal:correct", kwargs={"pk": entry.pk})
        with pytest.raises(PermissionDenied):
            services.edit_entry(
                by=users[Role.PSYCHOSOCIAL],
                entry=entry,
                data={"occurred_on": entry.occurred_on, "text": "x", "whole_team": False},
            )
    entry.refresh_from_db()
    assert entry.text == "First version."


def test_a_colleague_cannot_edit_an_entry_they_did_not_write(
    users: dict[Role, User], client_a: Client, signed_in: SignedIn
) -> None:
    entry = private(users, client_a, Track.PSYCHOSOCIAL, "Mine.")
    response = signed_in(users[Role.DIRECTOR]).post(
        reverse("journal:edit", kwargs={"pk": entry.pk}), {"text": "Theirs."}
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.text == "Mine."


def test_a_correction_keeps_the_old_text_readable(
    users: dict[Role, User], client_a: Client, signed_in: SignedIn
) -> None:
    with time_machine.travel(T0, tick=False):
        entry = private(users, client_a, Track.PSYCHOSOCIAL, "Met her sister.")
    with time_machine.travel(T0 + datetime.timedelta(days=3), tick=False):
        http = signed_in(users[Role.PSYCHOSOCIAL])
        response = http.post(
            reverse("journal:correct", kwargs={"pk": entry.pk}),
            {"occurred_on": "2026-03-02", "text": "Met her cousin, not her sister."},
        )
        old = http.get(detail(entry)).content.decode()
        listed = http.get(reverse("journal:list")).content.decode()
    correction = Entry.objects.get(corrects=entry)
    assert response["Location"] == detail(correction)
    assert (correction.track, correction.client) == (Track.PSYCHOSOCIAL, client_a)
    assert "Met her sister." in old
    assert "Corrected by" in old and detail(correction) in old
    assert "Met her sister." in listed and "Met her cousin" in listed
    log = AuditEntry.objects.get(action=Action.CREATE, object_id=str(correction.pk))
    assert log.note == f"correction of entry {entry.pk}"


def test_a_worker_of_another_track_cannot_correct_a_whole_team_entry(
    users: dict[Role, User], client_a: Client, signed_in: SignedIn
) -> None:
    entry = make_entry(client_a.centre, client=client_a)
    url = reverse("journal:correct", kwargs={"pk": entry.pk})
    response = signed_in(users[Role.LEGAL]).post(url, {"text": "Not mine to correct."})
    assert response["Location"] == detail(entry)
    assert not Entry.objects.filter(corrects=entry).exists()


def test_search_finds_words_only_in_entries_the_reader_may_see(
    users: dict[Role, User], client_a: Client, signed_in: SignedIn
) -> None:
    private(users, client_a, Track.PSYCHOSOCIAL, "Panic attack at the station.")
    private(users, client_a, Track.LEGAL, "Statement at the police station.")
    make_entry(client_a.centre, client=client_a, text="Lost the station pass.")
    private(users, client_a, Track.LEGAL, "Nothing about trains.")
    http = signed_in(users[Role.LEGAL])
    page = http.get(reverse("journal:list"), {"q": "Station"}).content.decode()
    assert "Statement at the police station." in page
    assert "Lost the station pass." in page
    assert "Panic attack" not in page
    assert "Nothing about trains." not in page
    found = services.search(services.visible_entries(users[Role.DIRECTOR]), "station police")
    assert [e.text for e in found] == ["Statement at the police station."]


def test_search_sees_edited_text_and_reads_query_syntax_as_plain_words(
    users: dict[Role, User], client_a: Client
) -> None:
    entry = private(users, client_a, Track.PSYCHOSOCIAL, "Old words.")
    services.edit_entry(
        by=users[Role.PSYCHOSOCIAL],
        entry=entry,
        data={"occurred_on": entry.occurred_on, "text": "Fresh words.", "whole_team": False},
    )
    visible = services.visible_entries(users[Role.PSYCHOSOCIAL])
    assert list(services.search(visible, "fresh")) == [entry]
    assert not services.search(visible, "old").exists()
    assert list(services.search(visible, 'NEAR("fresh* -words')) == []  # no NEAR in the text
    assert list(services.search(visible, '"Fresh" (words*')) == [entry]
    assert list(services.search(visible, "  ")) == [entry]


def test_the_journal_list_runs_a_constant_number_of_queries(
    users: dict[Role, User], client_a: Client, signed_in: SignedIn
) -> None:
    http = signed_in(users[Role.DIRECTOR])
    url = reverse("journal:list")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert http.get(url, {"client": client_a.pk}).status_code == 200
        return len(queries)

    first = private(users, client_a, Track.PSYCHOSOCIAL, "One.")
    few = count()
    for n in range(8):
        track = [Track.PSYCHOSOCIAL, Track.LEGAL, Track.ADMINISTRATIVE][n % 3]
        private(users, client_a, track, f"Entry {n}.")
    make_entry(client_a.centre, client=client_a, corrects=first, author=users[Role.DIRECTOR])
    assert count() == few


def test_the_journal_list_refuses_a_post(users: dict[Role, User], signed_in: SignedIn) -> None:
    assert signed_in(users[Role.DIRECTOR]).post(reverse("journal:list")).status_code == 405
