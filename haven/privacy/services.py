"""The data subject's rights on one client: see everything (export), erase on request.

Erasure replaces identity (every encrypted field emptied) and every free-text field of every
record about the person with a tombstone; the statistics fields stay, so the report's figures
are the same before and after (haven.privacy.tests.test_erasure).
"""

import datetime
import json
import re
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from haven.audit import services as audit
from haven.audit.models import Action, AuditEntry
from haven.clients.models import Client
from haven.guidance.models import Episode
from haven.privacy import records
from haven.privacy.models import Erasure, Source

ERASED_PSEUDONYM = "Erased"
MINOR_AGE = 18
SUMMARY_ORDER = [
    "intake.intake",
    "intake.screening",
    "guidance.episode",
    "journal.entry",
    "appointments.appointment",
    "plans.goal",
    "plans.goalrevision",
    "tasks.task",
    "residence.residencedocument",
    "residence.renewal",
    "residence.regularisation",
    "residence.socialright",
    "residence.voluntaryreturn",
    "legal.victim",
    "shelter.stay",
    "shelter.assignment",
    "shelter.plannedarrival",
    "shelter.waitingentry",
    "deposits.loan",
    "deposits.repayment",
    "groups.groupactivity",
]
# Bookkeeping without meaning for the person reading their file.
NOT_IN_SUMMARY = {"id", "centre", "client", "submission_key", "version", "key"}
NOT_SUMMARISED_KINDS = {"clients.namekey", "residence.reminder"}


def tombstone(day: datetime.date) -> str:
    return f"[erased {day:%Y-%m-%d}]"


def is_tombstone(value: str) -> bool:
    return value.startswith("[erased ")


# --- export --------------------------------------------------------------------------------


def subject_data(client: Client) -> dict[str, Any]:
    """The machine-readable export: the client row and every record about them, by model."""
    return {
        "schema": "haven-subject-export/1",
        "generated_at": timezone.now().isoformat(),
        "centre": client.centre.code,
        "client": records.serialise(client),
        "records": {
            kind.label: [records.serialise(row) for row in rows]
            for kind, rows in records.records_of(client)
        },
    }


def _display(obj: models.Model, f: models.Field) -> Any:
    if f.choices:
        return getattr(obj, f"get_{f.name}_display")()
    if f.is_relation:
        return getattr(obj, f.name) if getattr(obj, f.attname) is not None else None
    return getattr(obj, f.attname)


def _described(obj: models.Model) -> list[tuple[str, Any]]:
    return [
        (str(f.verbose_name), value)
        for f in obj._meta.concrete_fields
        if f.name not in NOT_IN_SUMMARY and f.related_model is not Client
        for value in [_display(obj, f)]
        if value not in (None, "", [], {})
    ]


def summary_html(client: Client) -> str:
    """The readable summary: identity, then the file's history kind by kind."""
    found = {kind.label: (kind, rows) for kind, rows in records.records_of(client)}
    ordered = [label for label in SUMMARY_ORDER if label in found] + sorted(
        label for label in found if label not in SUMMARY_ORDER
    )
    sections = [
        {"title": found[label][0].name, "records": [_described(row) for row in found[label][1]]}
        for label in ordered
        if label not in NOT_SUMMARISED_KINDS
    ]
    return render_to_string(
        "privacy/summary.html",
        {
            "client": client,
            "person": _described(client),
            "sections": sections,
            "generated": timezone.now(),
        },
    )


def subject_files(client: Client) -> dict[str, bytes]:
    """The files of a data-subject export: ``summary.pdf`` and ``data.json``."""
    from haven.letters.services import pdf_from_html

    data = json.dumps(subject_data(client), indent=1, ensure_ascii=False, default=str)
    return {"summary.pdf": pdf_from_html(summary_html(client)), "data.json": data.encode()}


def export_subject(*, by: Any, client: Client, reason: str) -> dict[str, bytes]:
    """Everything Haven holds on a person, for their access request; logged with the reason
    (identity included). The caller encrypts it (haven.core.exports.offer_encrypted)."""
    from haven.core.exports import record_export

    files = subject_files(client)
    count = sum(len(rows) for _kind, rows in records.records_of(client)) + 1
    record_export(
        by,
        what=f"data subject export {client.file_code}",
        reason=reason,
        centre=client.centre,
        count=count,
        identity=True,
    )
    return files


# --- erasure -------------------------------------------------------------------------------


@dataclass
class PlanLine:
    """What erasure does to one kind of record."""

    name: str
    count: int
    fields: list[str] = field(default_factory=list)
    kept: bool = False
    removed: bool = False


def erasure_plan(client: Client) -> list[PlanLine]:
    """What erasure replaces, kind by kind, shown before it is confirmed."""
    lines = [
        PlanLine(
            str(Client._meta.verbose_name),
            1,
            [str(f.verbose_name) for f in records.identity_fields(Client)]
            + [str(f.verbose_name) for f in records.free_text_fields(Client)],
        )
    ]
    for kind, number in records.counts(client):
        names = [
            str(f.verbose_name)
            for f in records.identity_fields(kind.model) + records.free_text_fields(kind.model)
        ]
        if kind.label == "clients.namekey":
            lines.append(PlanLine(kind.name, number, removed=True))
            continue
        lines.append(PlanLine(kind.name, number, names, kept=kind.shared or not names))
    return lines


def _birth_date_kept(client: Client) -> bool:
    """Whether the exact birth date decides a figure: whether the person was a minor when a
    guidance began (the report counts minors, with 1 July when only the year is known)."""
    if client.birth_date is None:
        return False
    year_only = datetime.date(client.birth_date.year, 7, 1)
    for start in Episode.objects.filter(client=client).values_list("start_date", flat=True):
        if _minor(client.birth_date, start) != _minor(year_only, start):
            return True
    return False


def _minor(born: datetime.date, on: datetime.date) -> bool:
    return (on.year - born.year - ((on.month, on.day) < (born.month, born.day))) < MINOR_AGE


def _blank(f: models.Field) -> Any:
    return None if f.null else ""


def _tombstone_rows(model: type[models.Model], pks: list[Any], mark: str) -> None:
    rows = model._default_manager.filter(pk__in=pks)
    empty = {f.attname: _blank(f) for f in records.identity_fields(model)}
    if empty:
        rows.update(**empty)
    for f in records.free_text_fields(model):
        limit = getattr(f, "max_length", None) or len(mark)
        rows.exclude(**{f.attname: ""}).exclude(**{f"{f.attname}__isnull": True}).exclude(
            **{f"{f.attname}__startswith": "[erased "}
        ).update(**{f.attname: mark[:limit]})


def _erase_mentions(client: Client, mark: str) -> int:
    """The pseudonym where the house log names the person (entries are about a shift, not
    about one person: only the name is replaced)."""
    from haven.shelter.models import LogEntry

    name = client.pseudonym.strip()
    if len(name) < 3 or name == ERASED_PSEUDONYM:
        return 0
    pattern = re.compile(rf"\b{re.escape(name)}\b", re.IGNORECASE)
    changed = 0
    for entry in LogEntry.objects.filter(centre=client.centre, text__icontains=name):
        text = pattern.sub(mark, entry.text)
        if text != entry.text:
            LogEntry.objects.filter(pk=entry.pk).update(text=text)
            changed += 1
    return changed


def erase_records(client: Client, *, day: datetime.date) -> dict[str, int]:
    """Replace identity and free text of a client and of every record about them; returns
    how many records of each kind were touched. No audit: the callers write it."""
    mark = tombstone(day)
    touched: dict[str, int] = {}
    for kind in records.kinds():
        if kind.shared:
            continue
        pks = list(kind.rows(client).values_list("pk", flat=True))
        if not pks:
            continue
        if kind.label == "clients.namekey":
            kind.model._default_manager.filter(pk__in=pks).delete()
        else:
            _tombstone_rows(kind.model, pks, mark)
        touched[kind.label] = len(pks)
    mentions = _erase_mentions(client, mark)
    if mentions:
        touched["shelter.logentry"] = mentions
    values: dict[str, Any] = {f.attname: _blank(f) for f in records.identity_fields(Client)}
    for f in records.free_text_fields(Client):
        value = getattr(client, f.attname)
        if value and not is_tombstone(value):
            values[f.attname] = mark[: f.max_length or len(mark)]
    values["pseudonym"] = ERASED_PSEUDONYM
    if client.birth_date is not None and not _birth_date_kept(client):
        values["birth_year"] = client.birth_date.year
        values["birth_date"] = None
    Client.objects.filter(pk=client.pk).update(**values)
    client.refresh_from_db()
    return touched


def erase_client(*, by: Any, client: Client, ground: str, source: str = Source.REQUEST) -> Erasure:
    """Erase a person on request (or at the end of the retention period): identity and free
    text replaced, statistics kept; one audit entry with the ground, without erased values."""
    with transaction.atomic():
        client = Client.objects.select_for_update().get(pk=client.pk)
        if Erasure.objects.filter(client=client).exists():
            raise ValueError("this file was erased already")
        # What the audit log says of the person (values in changes, labels) goes too; who read
        # or changed which record, and when, stays.
        audit.redact_entries(
            entries_about(client), centre=client.centre, by=by, why=f"erasure ({source})"
        )
        touched = erase_records(client, day=timezone.localdate())
        erasure = Erasure.objects.create(
            centre=client.centre,
            client=client,
            source=source,
            ground=ground[:300],
            by=by if getattr(by, "is_authenticated", False) else None,
        )
        audit.record(
            Action.UPDATE,
            actor=by,
            actor_name="" if by is not None else "retention",
            obj=client,
            changes={"erased": {"from": None, "to": touched}},
            note=f"erased ({source}): {ground}",
        )
    return erasure


def entries_about(client: Client) -> models.QuerySet[AuditEntry]:
    """The audit entries about this file and its records: who read or changed what, when."""
    wanted = models.Q(object_type=Client._meta.label_lower, object_id=str(client.pk))
    for kind, rows in records.records_of(client):
        if kind.shared or kind.label == "clients.namekey":
            continue
        wanted |= models.Q(object_type=kind.label, object_id__in=[str(r.pk) for r in rows])
    return AuditEntry.objects.filter(centre=client.centre).filter(wanted)


def trail(client: Client, limit: int = 200) -> models.QuerySet[AuditEntry]:
    return entries_about(client)[:limit]


def tombstone_intake(intake: Any, mark: str) -> None:
    """An intake's free text and its screening's notes replaced (the intake's codes, dates and
    decision stay: they are counted)."""
    from haven.intake.models import Intake, Screening

    _tombstone_rows(Intake, [intake.pk], mark)
    _tombstone_rows(
        Screening, list(Screening.objects.filter(intake=intake).values_list("pk", flat=True)), mark
    )
