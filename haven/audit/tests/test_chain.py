import itertools
import threading
import time
from datetime import timedelta
from importlib import import_module
from io import StringIO
from types import SimpleNamespace
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.urls import reverse
from django.utils import timezone

from haven.accounts.models import User
from haven.accounts.permissions import Role
from haven.audit import chain
from haven.audit.models import Action, AuditChainHead, AuditEntry
from haven.audit.services import anonymise_entries, record, redact_entries
from haven.clients.models import Client

TABLE = AuditEntry._meta.db_table


def make_entries(actor: User, client: Client, count: int = 5) -> list[AuditEntry]:
    return [
        record(
            Action.UPDATE,
            actor=actor,
            obj=client,
            changes={"gender": {"from": "f", "to": "x"}, "n": i},
            note=f"change {i}",
        )
        for i in range(count)
    ]


def execute(sql: str, params: list[Any]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql.format(table=connection.ops.quote_name(TABLE)), params)


def verify_output() -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("audit", "verify", stdout=out, stderr=err)
        code = 0
    except SystemExit as exit:
        code = int(exit.code or 0)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def entries(users: dict[Role, User], client_a: Client) -> list[AuditEntry]:
    return make_entries(users[Role.DIRECTOR], client_a)


def test_entries_written_through_record_form_an_intact_chain(
    entries: list[AuditEntry],
) -> None:
    outcome = chain.verify()
    assert outcome.intact
    assert outcome.count == AuditEntry.objects.count() >= 5
    assert outcome.last_id == entries[-1].pk
    head = AuditChainHead.objects.get()
    assert (head.last_id, head.last_chain) == (entries[-1].pk, entries[-1].chain)


def test_entries_get_consecutive_ids_each_linked_to_the_one_before(
    entries: list[AuditEntry],
) -> None:
    ids = [e.pk for e in entries]
    assert ids == list(range(ids[0], ids[0] + len(ids)))
    for before, after in itertools.pairwise(entries):
        assert after.chain == chain.link(before.chain, after.pk, after.digest)


def test_bulk_created_entries_are_chained_too(db: Any) -> None:
    AuditEntry.objects.bulk_create(AuditEntry(action=Action.VIEW, note=str(i)) for i in range(3))
    AuditEntry(action=Action.LOGIN, actor_name="someone").save()
    assert chain.verify().intact
    assert AuditEntry.objects.filter(chain="").count() == 0


def test_an_entry_edited_in_the_database_makes_verify_fail_naming_it(
    entries: list[AuditEntry],
) -> None:
    target = entries[2]
    execute("UPDATE {table} SET note = %s WHERE id = %s", ["nothing happened", target.pk])
    outcome = chain.verify()
    assert outcome.problem is not None and outcome.problem.entry_id == target.pk
    assert str(outcome.problem).startswith(f"Entry {target.pk} (")
    assert str(outcome.problem).endswith("its content does not match its digest")
    assert outcome.count == AuditEntry.objects.filter(pk__lt=target.pk).count()


@pytest.mark.parametrize(
    ("column", "value"),
    [("action", "view"), ("centre_id", None), ("ip", "10.9.8.7"), ("object_id", "999")],
)
def test_any_edited_field_is_detected(entries: list[AuditEntry], column: str, value: Any) -> None:
    execute(f"UPDATE {{table}} SET {column} = %s WHERE id = %s", [value, entries[1].pk])
    problem = chain.verify().problem
    assert problem is not None and problem.kind == "content"
    assert problem.entry_id == entries[1].pk


def test_a_changed_time_is_detected(entries: list[AuditEntry]) -> None:
    execute(
        "UPDATE {table} SET at = %s WHERE id = %s",
        [entries[1].at - timedelta(days=3), entries[1].pk],
    )
    problem = chain.verify().problem
    assert problem is not None and problem.entry_id == entries[1].pk


def test_rewriting_an_entry_and_its_digests_breaks_the_link_to_the_next(
    entries: list[AuditEntry],
) -> None:
    target = entries[1]
    who = chain.who_digest(
        actor_id=None,
        actor_name="",
        ip=None,
        object_type="",
        object_id="",
        object_label="",
        changes={},
        note="",
    )
    forged = chain.digest(at=target.at, centre_id=target.centre_id, action="view", who=who)
    execute(
        "UPDATE {table} SET action = 'view', actor_id = NULL, actor_name = '', note = '',"
        " object_type = '', object_id = '', object_label = '', changes = %s,"
        " who_digest = %s, digest = %s WHERE id = %s",
        ["{}", who, forged, target.pk],
    )
    problem = chain.verify().problem
    assert problem is not None and problem.kind == "chain"
    assert str(problem).endswith(f"does not follow entry {entries[0].pk}: the chain is broken")


def test_a_deleted_entry_is_reported_missing(entries: list[AuditEntry]) -> None:
    execute("DELETE FROM {table} WHERE id = %s", [entries[2].pk])
    code, out, err = verify_output()
    assert code == 1 and out == ""
    assert f"Entry {entries[3].pk} (" in err
    assert f"does not follow entry {entries[1].pk}: entry {entries[2].pk} is missing" in err


def test_deleted_entries_at_the_end_are_reported_missing(entries: list[AuditEntry]) -> None:
    execute("DELETE FROM {table} WHERE id >= %s", [entries[3].pk])
    problem = chain.verify().problem
    assert problem is not None and problem.kind == "tail"
    assert f"entries {entries[3].pk}–{entries[4].pk} are missing" in str(problem)


def test_two_entries_swapped_in_order_are_detected(entries: list[AuditEntry]) -> None:
    first, second = entries[1], entries[2]
    # Swap their ids (through a free id), as someone reordering the log would.
    execute("UPDATE {table} SET id = %s WHERE id = %s", [10_000_000, first.pk])
    execute("UPDATE {table} SET id = %s WHERE id = %s", [first.pk, second.pk])
    execute("UPDATE {table} SET id = %s WHERE id = %s", [second.pk, 10_000_000])
    problem = chain.verify().problem
    assert problem is not None and problem.kind == "chain"
    assert problem.entry_id == first.pk


def test_anonymising_old_entries_blanks_people_and_objects_and_keeps_the_chain(
    entries: list[AuditEntry], users: dict[Role, User], client_a: Client
) -> None:
    long_ago = timezone.now() - timedelta(days=4000)
    old = [
        AuditEntry.objects.create(
            at=long_ago,
            centre=client_a.centre,
            actor=users[Role.LEGAL],
            actor_name=users[Role.LEGAL].username,
            ip="192.0.2.7",
            action=Action.VIEW,
            object_type="clients.client",
            object_id=str(client_a.pk),
            object_label=client_a.file_code,
            changes={"x": {"from": 1, "to": 2}},
            note="read the file",
        )
        for _ in range(3)
    ]
    before = timezone.now() - timedelta(days=365)

    count = anonymise_entries(before, by=users[Role.DPO])

    assert count == 3
    for entry in AuditEntry.objects.filter(pk__in=[e.pk for e in old]):
        assert entry.anonymised_at is not None
        assert entry.actor_id is None and entry.actor_name == "" and entry.ip is None
        assert (entry.object_type, entry.object_id, entry.object_label) == ("", "", "")
        assert entry.changes == {} and entry.note == ""
        assert (entry.action, entry.at, entry.centre) == (Action.VIEW, long_ago, client_a.centre)
    recent = AuditEntry.objects.get(pk=entries[3].pk)
    assert recent.anonymised_at is None and recent.note == "change 3"
    run = AuditEntry.objects.get(action=Action.ANONYMISED)
    assert run.changes["count"] == 3 and client_a.file_code not in str(run.changes)
    assert chain.verify().intact


def test_an_entry_anonymised_outside_retention_is_detected(entries: list[AuditEntry]) -> None:
    anonymise_entries(timezone.now() - timedelta(days=30))  # covers nothing
    execute(
        "UPDATE {table} SET actor_id = NULL, actor_name = '', note = '', anonymised_at = %s"
        " WHERE id = %s",
        [timezone.now(), entries[4].pk],
    )
    problem = chain.verify().problem
    assert problem is not None and problem.kind == "anonymised"
    assert problem.entry_id == entries[4].pk


def test_anonymising_one_centre_leaves_the_others_entries_whole(
    entries: list[AuditEntry], outsider: User, centre_a: Any
) -> None:
    other = record(Action.LOGIN, actor=outsider)
    count = anonymise_entries(timezone.now() + timedelta(seconds=1), centre=centre_a)
    assert count >= 5
    assert AuditEntry.objects.get(pk=other.pk).anonymised_at is None
    assert chain.verify().intact


def test_redacting_the_entries_about_an_erased_person_keeps_who_did_what_and_the_chain(
    entries: list[AuditEntry], users: dict[Role, User], centre_a: Any
) -> None:
    about = AuditEntry.objects.filter(pk__in=[entries[1].pk, entries[3].pk])
    assert redact_entries(about, centre=centre_a, why="erasure (request)") == 2
    redacted = AuditEntry.objects.get(pk=entries[1].pk)
    assert (redacted.changes, redacted.note, redacted.object_label) == ({}, "", "")
    assert redacted.actor == users[Role.DIRECTOR]  # who changed the file stays
    assert AuditEntry.objects.get(pk=entries[2].pk).note == "change 2"
    assert chain.verify().intact
    # An entry blanked the same way but not listed by a redaction is tampering.
    execute(
        "UPDATE {table} SET note = '', anonymised_at = %s WHERE id = %s",
        [timezone.now(), entries[2].pk],
    )
    problem = chain.verify().problem
    assert problem is not None and problem.entry_id == entries[2].pk


def test_the_append_only_guards_still_refuse_changes(entries: list[AuditEntry]) -> None:
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entries[0].pk).update(note="x")
    with pytest.raises(PermissionError):
        entries[0].save()
    with pytest.raises(PermissionError):
        AuditEntry.objects.bulk_create([entries[0]])


def test_a_rolled_back_entry_leaves_the_head_as_it_was(entries: list[AuditEntry]) -> None:
    head = AuditChainHead.objects.get()
    with pytest.raises(RuntimeError), transaction.atomic():
        record(Action.VIEW, actor_name="gone")
        raise RuntimeError
    assert AuditChainHead.objects.get().last_chain == head.last_chain
    again = record(Action.VIEW, actor_name="kept")
    assert again.pk == head.last_id + 1
    assert chain.verify().intact


def test_a_lost_head_row_is_rebuilt_from_the_last_entry(entries: list[AuditEntry]) -> None:
    AuditChainHead.objects.all().delete()
    entry = record(Action.VIEW, actor_name="after")
    assert entry.pk == entries[-1].pk + 1
    assert chain.verify().intact


def test_the_verify_command_says_the_chain_is_intact(entries: list[AuditEntry]) -> None:
    code, out, err = verify_output()
    assert code == 0 and err == ""
    assert out.splitlines()[0] == f"Audit chain intact: {AuditEntry.objects.count()} entries"
    assert entries[-1].chain in out


def test_the_verify_command_names_the_edited_entry_and_exits_1(
    entries: list[AuditEntry],
) -> None:
    execute("UPDATE {table} SET object_label = %s WHERE id = %s", ["X-0000", entries[0].pk])
    code, _out, err = verify_output()
    assert code == 1
    assert err.startswith(f"Entry {entries[0].pk} (")
    assert "UTC): its content does not match its digest" in err.splitlines()[0]


def test_the_director_verifies_the_chain_from_the_audit_page(
    signed_in: Any, users: dict[Role, User], entries: list[AuditEntry]
) -> None:
    browser = signed_in(users[Role.DIRECTOR])
    assert b"not been verified yet" in browser.get(reverse("audit:search")).content
    response = browser.post(reverse("audit:verify"), follow=True)
    assert b"The audit chain is intact" in response.content
    assert b"Chain verified up to entry" in response.content
    check = AuditEntry.objects.get(action=Action.CHAIN_VERIFIED)
    assert check.actor == users[Role.DIRECTOR] and check.changes["intact"] is True
    assert chain.verify().intact


def test_the_audit_page_shows_a_broken_chain(
    signed_in: Any, users: dict[Role, User], entries: list[AuditEntry]
) -> None:
    execute("UPDATE {table} SET note = %s WHERE id = %s", ["edited", entries[1].pk])
    response = signed_in(users[Role.DPO]).post(reverse("audit:verify"), follow=True)
    assert f"Entry {entries[1].pk} (".encode() in response.content
    assert f"the chain was found broken at entry {entries[1].pk}".encode() in response.content


def test_staff_without_audit_access_cannot_run_the_check(
    signed_in: Any, users: dict[Role, User]
) -> None:
    assert signed_in(users[Role.PSYCHOSOCIAL]).post(reverse("audit:verify")).status_code == 403


def test_the_migration_chains_entries_written_before_the_chain_existed(db: Any) -> None:
    AuditEntry.objects.bulk_create(
        AuditEntry(action=Action.VIEW, actor_name=f"user {i}", changes={"i": i})
        for i in range(3000)
    )
    execute("UPDATE {table} SET who_digest = '', digest = '', chain = ''", [])
    AuditChainHead.objects.all().delete()
    assert not chain.verify().intact

    started = time.monotonic()
    migration = import_module("haven.audit.migrations.0004_seal_existing_entries")
    migration.seal_existing(apps, SimpleNamespace(connection=connection))
    assert time.monotonic() - started < 10

    assert chain.verify().count == 3000
    first = AuditEntry.objects.order_by("id").values_list("id", flat=True)[0]
    assert record(Action.VIEW).pk == first + 3000
    assert chain.verify().intact


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")
def test_concurrent_writers_keep_one_chain() -> None:
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            barrier.wait()
            for i in range(25):
                with transaction.atomic():
                    record(Action.VIEW, actor_name=f"writer {n}", note=str(i))
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    ids = list(AuditEntry.objects.order_by("id").values_list("id", flat=True))
    assert len(ids) == 100 and ids == list(range(ids[0], ids[0] + 100))
    assert chain.verify().intact
