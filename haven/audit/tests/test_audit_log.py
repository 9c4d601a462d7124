from typing import Any
from unittest import mock

import pytest
from django.urls import reverse

from haven.accounts.models import User
from haven.accounts.permissions import Role
from haven.audit.models import Action, AuditEntry
from haven.audit.services import MASK
from haven.clients import services as clients
from haven.clients.models import Client


def test_creating_a_client_is_audited_with_identity_values_masked(
    users: dict[Role, User], centre_a: Any
) -> None:
    director = users[Role.DIRECTOR]
    client = clients.create_client(
        by=director,
        centre=centre_a,
        data={"pseudonym": "Fern", "legal_name": "Elena Exempla", "address": "Secret street 1"},
    )
    entry = AuditEntry.objects.get(action=Action.CREATE, object_id=str(client.pk))
    assert entry.actor == director and entry.centre == centre_a
    assert entry.object_label == client.file_code
    assert entry.changes["pseudonym"] == {"from": None, "to": "Fern"}
    assert entry.changes["legal_name"] == {"from": "", "to": MASK}
    assert "phone" not in entry.changes and "id" not in entry.changes
    assert "Elena" not in str(entry.changes) and "Secret" not in str(entry.changes)


def test_changing_a_client_records_only_what_changed(
    users: dict[Role, User], client_a: Client
) -> None:
    clients.update_client(
        by=users[Role.LEGAL],
        client=client_a,
        data={"pseudonym": "Birch", "address": "New secret address"},
    )
    entry = AuditEntry.objects.get(action=Action.UPDATE)
    assert set(entry.changes) == {"pseudonym", "address"}
    assert entry.changes["address"] == {"from": MASK, "to": MASK}


def test_a_change_and_its_audit_entry_are_saved_together_or_not_at_all(
    users: dict[Role, User], client_a: Client
) -> None:
    with (
        mock.patch("haven.audit.services.AuditEntry.objects.create", side_effect=RuntimeError),
        pytest.raises(RuntimeError),
    ):
        clients.update_client(by=users[Role.LEGAL], client=client_a, data={"pseudonym": "Lost"})
    client_a.refresh_from_db()
    assert client_a.pseudonym != "Lost"


def test_opening_a_client_file_writes_an_access_entry(
    signed_in: Any, users: dict[Role, User], client_a: Client
) -> None:
    signed_in(users[Role.PSYCHOSOCIAL]).get(reverse("clients:detail", kwargs={"pk": client_a.pk}))
    entry = AuditEntry.objects.get(action=Action.VIEW)
    assert entry.actor == users[Role.PSYCHOSOCIAL]
    assert entry.object_label == client_a.file_code
    assert entry.ip == "127.0.0.1"


def test_asking_for_another_centres_file_is_refused_and_logged_for_that_centre(
    signed_in: Any, users: dict[Role, User], client_b: Client
) -> None:
    response = signed_in(users[Role.DIRECTOR]).get(
        reverse("clients:detail", kwargs={"pk": client_b.pk})
    )
    assert response.status_code == 404
    assert client_b.pseudonym.encode() not in response.content
    entry = AuditEntry.objects.get(action=Action.DENIED)
    assert entry.centre == client_b.centre
    assert entry.actor == users[Role.DIRECTOR]


def test_audit_entries_can_be_neither_changed_nor_deleted(
    users: dict[Role, User], client_a: Client
) -> None:
    clients.open_file(by=users[Role.DIRECTOR], client=client_a, with_identity=True)
    entry = AuditEntry.objects.get()
    entry.note = "rewritten"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.update(note="x")


def test_the_director_searches_the_log_by_user_object_and_period(
    signed_in: Any, users: dict[Role, User], client_a: Client, outsider: User, client_b: Client
) -> None:
    clients.open_file(by=users[Role.LEGAL], client=client_a, with_identity=True)
    clients.open_file(by=users[Role.PSYCHOSOCIAL], client=client_a, with_identity=True)
    clients.open_file(by=outsider, client=client_b, with_identity=True)
    http = signed_in(users[Role.DPO])
    page = http.get(
        reverse("audit:search"),
        {"actor": "a-legal", "object_query": client_a.file_code, "action": "view"},
    )
    entries = list(page.context["page"])
    assert [e.actor for e in entries] == [users[Role.LEGAL]]
    everything = list(http.get(reverse("audit:search")).context["page"])
    assert all(e.centre_id == users[Role.DPO].centre_id for e in everything)
    assert not any(e.object_label == client_b.file_code for e in everything)


def test_a_period_ending_before_it_starts_gets_a_clear_message(
    signed_in: Any, users: dict[Role, User]
) -> None:
    response = signed_in(users[Role.DIRECTOR]).get(
        reverse("audit:search"), {"since": "2026-05-01", "until": "2026-04-01"}
    )
    assert b"The end date must be on or after the start date." in response.content
