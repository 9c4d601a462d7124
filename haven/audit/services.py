"""Writing the audit log. Callers write their entry inside the transaction of their change."""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from haven.audit import chain
from haven.audit.context import current_ip
from haven.audit.models import Action, AuditEntry
from haven.centres.models import Centre
from haven.core.fields import encrypted_fields

MASK = "•••"
# Bookkeeping that every change touches: the entry's own time and the object's id say it all.
NOT_RECORDED = {"id", "created_at", "updated_at"}


def snapshot(obj: models.Model) -> dict[str, Any]:
    """The field values of an object, as they would be compared for an audit diff."""
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def diff(before: dict[str, Any], obj: models.Model) -> dict[str, dict[str, Any]]:
    """Fields whose value changed, with old and new values; encrypted fields masked."""
    secret = {f.attname for f in encrypted_fields(type(obj))}
    changes: dict[str, dict[str, Any]] = {}
    for name, new in snapshot(obj).items():
        old = before.get(name)
        if old == new or name in NOT_RECORDED:
            continue
        if name in secret:
            changes[name] = {"from": MASK if old else "", "to": MASK if new else ""}
        else:
            changes[name] = {"from": _plain(old), "to": _plain(new)}
    return changes


def created(obj: models.Model) -> dict[str, dict[str, Any]]:
    """The values a new object was created with (empty ones left out)."""
    return {
        name: change for name, change in diff({}, obj).items() if change["to"] not in ("", None)
    }


def save_changes(
    obj: models.Model,
    data: dict[str, Any],
    *,
    by: Any,
    hidden: tuple[str, ...] = (),
    centre: Centre | None = None,
) -> dict[str, Any]:
    """Set ``data`` on a saved object, save it and audit what changed; returns the changes.

    The values before are read from the database, not from ``obj`` (a bound form may already
    have changed it), locking the row until the transaction ends. ``hidden`` fields are never
    written to the log. Call inside the transaction of the change.
    """
    before = snapshot(type(obj)._default_manager.select_for_update().get(pk=obj.pk))
    for name, value in data.items():
        setattr(obj, name, value)
    obj.save()
    changes = {k: v for k, v in diff(before, obj).items() if k not in hidden}
    if changes:
        record(Action.UPDATE, actor=by, obj=obj, centre=centre, changes=changes)
    return changes


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str | list | dict):
        return value
    return str(value)


def record(
    action: Action,
    *,
    actor: Any = None,
    obj: models.Model | None = None,
    centre: Centre | None = None,
    changes: dict[str, Any] | None = None,
    note: str = "",
    actor_name: str = "",
) -> AuditEntry:
    """Append one entry. ``obj`` is labelled by its pseudonymous ``audit_label`` or its pk."""
    if centre is None and obj is not None:
        centre = getattr(obj, "centre", None)
    if centre is None and actor is not None and getattr(actor, "is_authenticated", False):
        centre = actor.centre
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEntry.objects.create(
        centre=centre,
        actor=actor if is_user else None,
        actor_name=(actor.get_username() if is_user else actor_name)[:150],
        ip=current_ip.get(),
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_label=_label(obj)[:200],
        changes=changes or {},
        note=note[:300],
    )


def append_entries(entries: Iterable[AuditEntry]) -> list[AuditEntry]:
    """Append many prepared entries at once (bulk imports, generated history), chained in order.

    ``AuditEntry.objects.create`` and ``bulk_create`` come here too; ids are assigned here.
    """
    return chain.append(entries)


def anonymise_entries(before: datetime, *, centre: Centre | None = None, by: Any = None) -> int:
    """Blank the references to people and objects of entries older than ``before``.

    Actor, name, IP address, object, changes and note are cleared; time, centre and action
    stay, and so does each entry's ``who_digest``, so the chain still verifies. One entry
    records how many were anonymised and up to when (never which); those records are kept
    whole, because verification uses them to tell retention from tampering.
    """
    entries = AuditEntry._base_manager.filter(at__lt=before, anonymised_at__isnull=True).exclude(
        action=Action.ANONYMISED
    )
    if centre is not None:
        entries = entries.filter(centre=centre)
    with transaction.atomic():
        count = entries.update(
            actor=None,
            actor_name="",
            ip=None,
            object_type="",
            object_id="",
            object_label="",
            changes={},
            note="",
            anonymised_at=timezone.now(),
        )
        record(
            Action.ANONYMISED,
            actor=by,
            actor_name="retention" if by is None else "",
            centre=centre,
            changes={
                "before": before.isoformat(),
                "centre": centre.pk if centre is not None else None,
                "count": count,
            },
        )
    return count


def redact_entries(
    entries: models.QuerySet[AuditEntry], *, centre: Centre, by: Any = None, why: str
) -> int:
    """Blank what ``entries`` say of a person (changes, object label, note) when the person is
    erased; who did what to which record, and when, stays. The chain still verifies: one
    entry records which entries were redacted and why (never what they said)."""
    with transaction.atomic():
        ids = list(
            entries.filter(anonymised_at__isnull=True)
            .exclude(action=Action.ANONYMISED)
            .values_list("id", flat=True)
        )
        if not ids:
            return 0
        AuditEntry._base_manager.filter(id__in=ids).update(
            object_label="", changes={}, note="", anonymised_at=timezone.now()
        )
        record(
            Action.ANONYMISED,
            actor=by,
            actor_name="" if by is not None else "retention",
            centre=centre,
            changes={"entries": ids, "centre": centre.pk, "why": why},
        )
    return len(ids)


def verify_chain(*, by: Any = None) -> chain.Verification:
    """Walk the whole audit chain; the check itself is recorded (for the audit page's status)."""
    outcome = chain.verify()
    with transaction.atomic():
        record(
            Action.CHAIN_VERIFIED,
            actor=by,
            changes={
                "intact": outcome.intact,
                "entries": outcome.count,
                "last": outcome.last_id,
                "broken_at": outcome.problem.entry_id if outcome.problem else None,
            },
        )
    return outcome


def last_verification() -> AuditEntry | None:
    """The most recent recorded check of the chain, from any centre (the chain is global)."""
    return (
        AuditEntry.objects.filter(action=Action.CHAIN_VERIFIED, anonymised_at__isnull=True)
        .order_by("-id")
        .first()
    )


def _label(obj: models.Model | None) -> str:
    if obj is None:
        return ""
    label = getattr(obj, "audit_label", None)
    return str(label() if callable(label) else label or f"#{obj.pk}")


def search(
    centre: Centre | None,
    *,
    actor: str = "",
    object_query: str = "",
    action: str = "",
    since: Any = None,
    until: Any = None,
) -> models.QuerySet[AuditEntry]:
    """The entries one centre may see, filtered. ``until`` is inclusive (a date)."""
    entries = AuditEntry.objects.select_related("actor")
    entries = entries.filter(centre=centre) if centre is not None else entries
    if actor:
        entries = entries.filter(actor_name__icontains=actor)
    if object_query:
        entries = entries.filter(
            models.Q(object_label__icontains=object_query) | models.Q(object_id=object_query)
        )
    if action:
        entries = entries.filter(action=action)
    if since:
        entries = entries.filter(at__date__gte=since)
    if until:
        entries = entries.filter(at__date__lte=until)
    return entries
