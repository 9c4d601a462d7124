"""The blind index of names follows every change of a name and every change of key."""

from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command

from haven.accounts.models import User
from haven.accounts.permissions import Role
from haven.audit.models import Action, AuditEntry
from haven.clients import services
from haven.clients.matching import Probe, find_duplicates
from haven.clients.models import Client, NameKey
from haven.core import crypto


def keys_of(client: Client) -> set[str]:
    return set(NameKey.objects.filter(client=client).values_list("key", flat=True))


def finds(centre: Any, name: str) -> list[Client]:
    return [c.client for c in find_duplicates(centre, Probe([name]))]


def test_changing_the_legal_name_replaces_the_old_keys(
    register: Callable[..., Client], users: dict[Role, User], centre_a: Any
) -> None:
    client = register(legal_name="Ioana Testescu")
    before = keys_of(client)
    services.update_client(
        by=users[Role.LEGAL], client=client, data={"legal_name": "Blessing Okafor"}
    )
    assert keys_of(client) and keys_of(client).isdisjoint(before)
    assert finds(centre_a, "Blesing Okafor") == [client]
    assert finds(centre_a, "Ioana Testescu") == []


def test_an_added_alias_is_indexed_and_other_changes_leave_the_keys_alone(
    register: Callable[..., Client], users: dict[Role, User], centre_a: Any
) -> None:
    client = register(legal_name="Ioana Testescu")
    services.update_client(by=users[Role.LEGAL], client=client, data={"aliases": "Gina Vlad"})
    assert finds(centre_a, "Gina Vlad") == [client]
    with_alias = keys_of(client)
    services.update_client(by=users[Role.LEGAL], client=client, data={"pseudonym": "Rowan"})
    assert keys_of(client) == with_alias


def test_a_change_that_fails_leaves_the_index_as_it_was(
    register: Callable[..., Client], users: dict[Role, User], monkeypatch: Any
) -> None:
    client = register(legal_name="Ioana Testescu")
    before = keys_of(client)

    def audit_fails(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the audit log is unavailable")

    monkeypatch.setattr("haven.audit.services.record", audit_fails)
    with pytest.raises(RuntimeError):
        services.update_client(
            by=users[Role.LEGAL], client=client, data={"legal_name": "Blessing Okafor"}
        )
    assert keys_of(client) == before
    assert Client.objects.get(pk=client.pk).legal_name == "Ioana Testescu"


def test_after_a_key_rotation_duplicates_are_still_found(
    register: Callable[..., Client], centre_a: Any, settings: Any
) -> None:
    fatima = register(legal_name="Fatima El Amrani", birth_year=1990)
    old_keys = keys_of(fatima)
    old_field_key = settings.FIELD_KEYS[0]
    new_field_key = crypto.generate_key()
    settings.FIELD_KEYS = [new_field_key, old_field_key]
    call_command("rotate_keys", stdout=open("/dev/null", "w"))  # noqa: SIM115
    settings.FIELD_KEYS = [new_field_key]  # the old key is gone
    assert keys_of(fatima).isdisjoint(old_keys)
    assert finds(centre_a, "Fatma Elamrani") == [fatima]
    rotation = AuditEntry.objects.get(action=Action.KEY_ROTATION)
    assert "name index rebuilt for 1 files" in rotation.note


def test_before_the_rotation_has_run_files_indexed_with_the_old_key_are_found(
    register: Callable[..., Client], centre_a: Any, settings: Any
) -> None:
    fatima = register(legal_name="Fatima El Amrani")
    settings.FIELD_KEYS = [crypto.generate_key(), settings.FIELD_KEYS[0]]
    assert finds(centre_a, "Fatma Elamrani") == [fatima]
