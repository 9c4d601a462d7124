"""The audit log as a hash chain: an edited, deleted or reordered entry is detectable.

Each entry has two digests of its content and a link:

- ``who_digest`` covers the references to people and objects (actor, actor_name, ip,
  object_type, object_id, object_label, changes, note): retention may blank those fields and
  keep this digest, which is why it is separate;
- ``digest`` covers the rest (at, centre, action) and the stored ``who_digest``;
- ``chain`` is SHA-256 over the previous entry's chain, this entry's id and its digest; the
  first entry chains from ``GENESIS``.

Entries are appended in id order under a lock on the one-row ``AuditChainHead``, in the
transaction of the insert, so that two writers cannot both chain from the same entry. The
formats below are the definition of the chain: changing any of them breaks every existing chain.
"""

import functools
import hashlib
import ipaddress
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import router, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from haven.audit.models import Action, AuditChainHead, AuditEntry

GENESIS = "0" * 64
HEAD_PK = 1
# Fields the verification reads, in this order (see _Row).
_ROW_FIELDS = (
    "id",
    "at",
    "centre_id",
    "actor_id",
    "actor_name",
    "ip",
    "action",
    "object_type",
    "object_id",
    "object_label",
    "changes",
    "note",
    "who_digest",
    "digest",
    "chain",
    "anonymised_at",
)


def _canonical(data: dict[str, Any]) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@functools.lru_cache(maxsize=4096)
def _ip(ip: str | None) -> str | None:
    # The bytes of the address: PostgreSQL's inet and Python may spell one address differently.
    if not ip:
        return None
    try:
        return ipaddress.ip_address(ip).packed.hex()
    except ValueError:
        return ip


def _utc(at: datetime) -> str:
    return at.astimezone(UTC).isoformat()


def who_digest(
    *,
    actor_id: int | None,
    actor_name: str,
    ip: str | None,
    object_type: str,
    object_id: str,
    object_label: str,
    changes: Any,
    note: str,
) -> str:
    """The digest of an entry's references to people and objects."""
    return _sha256(
        _canonical(
            {
                "actor": actor_id,
                "actor_name": actor_name,
                "ip": _ip(ip),
                "object_type": object_type,
                "object_id": object_id,
                "object_label": object_label,
                "changes": changes or {},
                "note": note,
            }
        )
    )


def digest(*, at: datetime, centre_id: int | None, action: str, who: str) -> str:
    """The digest of an entry: its time (UTC), centre and action, and its ``who_digest``."""
    return _sha256(_canonical({"at": _utc(at), "centre": centre_id, "action": action, "who": who}))


def link(previous_chain: str, entry_id: int, entry_digest: str) -> str:
    """The chain value of an entry following ``previous_chain``."""
    return _sha256(f"{previous_chain}:{entry_id}:{entry_digest}".encode())


def seal(entry: AuditEntry, previous_chain: str) -> str:
    """Set the digests and chain of an entry whose id is set; returns its chain."""
    entry.who_digest = who_digest(
        actor_id=entry.actor_id,
        actor_name=entry.actor_name,
        ip=entry.ip,
        object_type=entry.object_type,
        object_id=entry.object_id,
        object_label=entry.object_label,
        # As the database will give them back: tuples become lists, keys strings.
        changes=json.loads(json.dumps(entry.changes or {})),
        note=entry.note,
    )
    entry.digest = digest(
        at=entry.at, centre_id=entry.centre_id, action=entry.action, who=entry.who_digest
    )
    entry.chain = link(previous_chain, entry.pk, entry.digest)
    return entry.chain


def append(entries: Iterable[AuditEntry]) -> list[AuditEntry]:
    """Insert new entries at the end of the chain, in the caller's transaction.

    The head row is locked until that transaction ends (PostgreSQL: FOR UPDATE; SQLite's
    IMMEDIATE transactions already serialise writers). Ids are given here, one after the
    head's: a rolled-back transaction rolls the head back too, so ids stay consecutive.
    """
    entries = list(entries)
    if not entries:
        return entries
    using = router.db_for_write(AuditEntry)
    with transaction.atomic(using=using):
        head = _locked_head(using)
        chain, next_id = head.last_chain, head.last_id + 1
        for entry in entries:
            if entry.pk is not None:
                raise PermissionError("audit entries are never changed")
            entry.pk = next_id
            chain = seal(entry, chain)
            next_id += 1
        AuditEntry._base_manager.using(using).bulk_create(entries)
        for entry in entries:
            entry._state.adding = False
            entry._state.db = using
        head.last_id, head.last_chain = next_id - 1, chain
        head.save(using=using, update_fields=["last_id", "last_chain"])
    return entries


def _locked_head(using: str) -> AuditChainHead:
    heads = AuditChainHead.objects.using(using)
    head = heads.select_for_update().filter(pk=HEAD_PK).first()
    if head is not None:
        return head
    # Only on an emptied database (the migration creates the row): restart from the last entry.
    last = AuditEntry._base_manager.using(using).order_by("-id").values("id", "chain").first()
    heads.get_or_create(
        pk=HEAD_PK,
        defaults={
            "last_id": last["id"] if last else 0,
            "last_chain": last["chain"] if last else GENESIS,
        },
    )
    return heads.select_for_update().get(pk=HEAD_PK)


@dataclass(frozen=True)
class _Row:
    id: int
    at: datetime
    centre_id: int | None
    actor_id: int | None
    actor_name: str
    ip: str | None
    action: str
    object_type: str
    object_id: str
    object_label: str
    changes: Any
    note: str
    who_digest: str
    digest: str
    chain: str
    anonymised_at: datetime | None


@dataclass(frozen=True)
class Break:
    """The first place the chain does not hold."""

    kind: str  # "content", "chain", "missing", "anonymised", "tail"
    entry_id: int | None
    at: datetime | None
    previous_id: int | None = None
    missing_from: int | None = None
    missing_to: int | None = None

    def __str__(self) -> str:
        missing = _missing(self.missing_from, self.missing_to)
        if self.kind == "tail":
            return _("The chain ends at entry %(last)s but its head says more: %(missing)s") % {
                "last": self.previous_id or 0,
                "missing": missing,
            }
        entry = _("Entry %(id)s (%(at)s UTC)") % {
            "id": self.entry_id,
            "at": self.at.astimezone(UTC).strftime("%Y-%m-%d %H:%M") if self.at else "?",
        }
        if self.kind == "content":
            return _("%(entry)s: its content does not match its digest") % {"entry": entry}
        if self.kind == "anonymised":
            return _("%(entry)s: anonymised, but no recorded retention run covers it") % {
                "entry": entry
            }
        after = (
            _("entry %(id)s") % {"id": self.previous_id}
            if self.previous_id
            else _("the start of the chain")
        )
        if self.kind == "missing":
            return _("%(entry)s does not follow %(after)s: %(missing)s") % {
                "entry": entry,
                "after": after,
                "missing": missing,
            }
        return _("%(entry)s does not follow %(after)s: the chain is broken") % {
            "entry": entry,
            "after": after,
        }


def _missing(first: int | None, last: int | None) -> str:
    if first is None or last is None:
        return ""
    if first == last:
        return _("entry %(id)s is missing") % {"id": first}
    count = last - first + 1
    return ngettext(
        "entries %(first)s–%(last)s are missing (%(count)s entry)",
        "entries %(first)s–%(last)s are missing (%(count)s entries)",
        count,
    ) % {"first": first, "last": last, "count": count}


@dataclass(frozen=True)
class Verification:
    """The outcome of walking the chain: how far it holds, and where it breaks if it does."""

    count: int
    last_id: int | None
    last_at: datetime | None
    last_chain: str
    problem: Break | None

    @property
    def intact(self) -> bool:
        return self.problem is None


def verify(*, chunk_size: int = 2000) -> Verification:
    """Walk every entry in id order and stop at the first broken link.

    Streaming: memory stays flat however long the log. The walk is global even when only one
    centre's entries interest the reader, because each link depends on the entry before it
    whatever its centre, and a deleted entry's centre can no longer be known.
    """
    covers = _retention_runs()
    previous_id: int | None = None
    previous_chain = GENESIS
    count = 0
    last_at: datetime | None = None
    for row in _rows(chunk_size):
        problem = _check(row, previous_id, previous_chain, covers)
        if problem is not None:
            return Verification(count, previous_id, last_at, previous_chain, problem)
        previous_id, previous_chain, last_at = row.id, row.chain, row.at
        count += 1
    head = AuditChainHead.objects.filter(pk=HEAD_PK).first()
    if head is not None and head.last_id > (previous_id or 0):
        tail = Break("tail", None, None, previous_id, (previous_id or 0) + 1, head.last_id)
        return Verification(count, previous_id, last_at, previous_chain, tail)
    return Verification(count, previous_id, last_at, previous_chain, None)


def _rows(chunk_size: int) -> Iterator[_Row]:
    rows = AuditEntry._base_manager.order_by("id").values_list(*_ROW_FIELDS)
    for values in rows.iterator(chunk_size=chunk_size):
        yield _Row(*values)


def _check(
    row: _Row,
    previous_id: int | None,
    previous_chain: str,
    covers: "list[_Run]",
) -> Break | None:
    if row.anonymised_at is None:
        recomputed = who_digest(
            actor_id=row.actor_id,
            actor_name=row.actor_name,
            ip=row.ip,
            object_type=row.object_type,
            object_id=row.object_id,
            object_label=row.object_label,
            changes=row.changes,
            note=row.note,
        )
        if recomputed != row.who_digest:
            return Break("content", row.id, row.at)
    if digest(at=row.at, centre_id=row.centre_id, action=row.action, who=row.who_digest) != (
        row.digest
    ):
        return Break("content", row.id, row.at)
    if link(previous_chain, row.id, row.digest) != row.chain:
        expected_id = (previous_id or 0) + 1
        if row.id > expected_id:
            return Break("missing", row.id, row.at, previous_id, expected_id, row.id - 1)
        return Break("chain", row.id, row.at, previous_id)
    if row.anonymised_at is not None and not any(run.covers(row) for run in covers):
        return Break("anonymised", row.id, row.at)
    return None


@dataclass(frozen=True)
class _Run:
    """A recorded anonymisation: of the entries older than ``before`` (of one centre or all:
    retention), or of the listed ``entries`` (the entries about an erased person)."""

    id: int
    centre_id: int | None
    before: datetime | None
    entries: frozenset[int]

    def covers(self, row: "_Row") -> bool:
        if self.id <= row.id:
            return False
        if self.before is None:
            return row.id in self.entries
        return row.at < self.before and self.centre_id in (None, row.centre_id)


def _retention_runs() -> list[_Run]:
    """Every recorded anonymisation. These entries are verified in the walk like any other,
    and never anonymised themselves."""
    runs = []
    for entry_id, changes in AuditEntry._base_manager.filter(
        action=Action.ANONYMISED, anonymised_at__isnull=True
    ).values_list("id", "changes"):
        try:
            before = changes.get("before")
            runs.append(
                _Run(
                    entry_id,
                    changes.get("centre"),
                    datetime.fromisoformat(before) if before else None,
                    frozenset(int(n) for n in changes.get("entries") or ()),
                )
            )
        except (AttributeError, TypeError, ValueError):
            continue
    return runs
