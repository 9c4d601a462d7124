"""Writing a centre's records back out in the dataset format of REPORT.md section 1, so that
importing the export into a new centre gives the same report (the mapping: ``mapping.py``).

Rows are read as plain values in batches (``values_list(...).iterator()``), never as whole
tables of model instances. Identity fields are never written: the format has none.
"""

import csv
import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from django.db import transaction

from haven.appointments.models import Appointment
from haven.appointments.models import Status as AppointmentStatus
from haven.centres.models import Centre
from haven.clients.models import Client
from haven.core.exports import record_export
from haven.guidance.models import Episode
from haven.history.mapping import BRUSSELS, CONTACT_KIND, dataset_document
from haven.intake.models import Intake
from haven.intake.models import Outcome as IntakeOutcome
from haven.legal.models import Dossier, Victim
from haven.outreach.models import Activity
from haven.reference.codes import ExploitationForm
from haven.residence.models import ResidenceDocument, VoluntaryReturn
from haven.shelter.models import Assignment, Room

# The files of the format and their columns, in the order REPORT.md lists them.
COLUMNS: dict[str, tuple[str, ...]] = {
    "clients.csv": ("client_ref", "gender", "birth_date", "birth_year", "nationality", "pseudonym"),
    "intakes.csv": (
        "intake_ref",
        "received_at",
        "channel",
        "referrer",
        "client_ref",
        "indicators",
        "outcome",
    ),
    "guidance.csv": (
        "guidance_ref",
        "client_ref",
        "start_date",
        "end_date",
        "end_reason",
        "exploitation",
        "exploitation_other",
        "arrondissement",
    ),
    "rooms.csv": ("room", "opened_on", "closed_on"),
    "stays.csv": ("client_ref", "room", "check_in", "check_out"),
    "residence.csv": ("client_ref", "document", "issued_on", "valid_until"),
    "returns.csv": ("client_ref", "date", "country"),
    "legal.csv": (
        "dossier_ref",
        "client_refs",
        "opened_on",
        "outcome",
        "outcome_date",
        "verdict",
        "centre_civil_party_on",
    ),
    "contacts.csv": ("client_ref", "date", "kind", "minutes", "interpreter_minutes"),
    "outreach.csv": ("date", "kind", "participants", "audience", "country"),
}
FILES: tuple[str, ...] = tuple(COLUMNS)
LIST_SEPARATOR = ";"
BATCH = 2000
# Who an export run without a named user is recorded as.
COMMAND_LINE = "haven export"
# The reason recorded when the command line gave none (allowed without identities).
NO_REASON = "not given"

Row = tuple[Any, ...]


def export_dataset(
    centre: Centre,
    directory: Path,
    *,
    by: Any = None,
    reason: str = "",
    what: str = "dataset CSV files",
    actor_name: str = COMMAND_LINE,
) -> dict[str, int]:
    """Write the ten CSV files of the centre's records into ``directory`` (created when
    missing; files of the same names are replaced) and record the export in the audit log:
    who, ``what``, how many rows and ``reason``. Returns the number of rows per file."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    # One transaction: the files are read from one state of the records (on SQLite one
    # snapshot) and the audit entry is written only when every file was.
    with transaction.atomic():
        for name, rows in _tables(centre).items():
            counts[name] = _write(directory / name, COLUMNS[name], rows)
        record_export(
            by,
            what=what,
            reason=reason or NO_REASON,
            centre=centre,
            count=sum(counts.values()),
            actor_name=actor_name,
        )
    return counts


def export_htcds(
    centre: Centre,
    path: Path,
    *,
    with_identity: bool,
    by: Any = None,
    reason: str = "",
    actor_name: str = COMMAND_LINE,
) -> int:
    """The HTCDS export (REPORT.md section 4) to a file; audited, saying whether identities
    were included. Whether ``by`` may include them is the caller's check
    (``Permission.IDENTITY_EXPORT``)."""
    # Imported here: the HTCDS writer is its own module, and the dataset export works without it.
    from haven.history.htcds import write_htcds

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with transaction.atomic():
        with path.open("w", encoding="utf-8", newline="") as out:
            rows = write_htcds(centre, out, with_identity=with_identity)
        record_export(
            by,
            what="HTCDS CSV",
            reason=reason or NO_REASON,
            centre=centre,
            count=rows,
            identity=with_identity,
            actor_name=actor_name,
        )
    return rows


# Writing ---------------------------------------------------------------------------------


def _write(path: Path, columns: tuple[str, ...], rows: Iterable[Row]) -> int:
    count = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_cell(value) for value in row])
            count += 1
    return count


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return LIST_SEPARATOR.join(str(item) for item in value)
    return str(value)


def _received_at(moment: datetime.datetime) -> str | datetime.date:
    """A date when the intake was received at midnight in Brussels (the import's reading of a
    date alone), else the Brussels time with its offset."""
    local = moment.astimezone(BRUSSELS)
    if local.time() == datetime.time(0, 0):
        return local.date()
    return local.isoformat(timespec="seconds" if not local.microsecond else "microseconds")


# Reading ---------------------------------------------------------------------------------


def _tables(centre: Centre) -> dict[str, Iterator[Row]]:
    """Each file's rows, as lazy iterators (each runs its query when written)."""
    return {
        "clients.csv": _clients(centre),
        "intakes.csv": _intakes(centre),
        "guidance.csv": _guidance(centre),
        "rooms.csv": _rooms(centre),
        "stays.csv": _stays(centre),
        "residence.csv": _residence(centre),
        "returns.csv": _returns(centre),
        "legal.csv": _legal(centre),
        "contacts.csv": _contacts(centre),
        "outreach.csv": _outreach(centre),
    }


def _clients(centre: Centre) -> Iterator[Row]:
    yield from (
        Client.objects.for_centre(centre)
        .order_by("file_code")
        .values_list(
            "file_code", "gender", "birth_date", "birth_year", "nationality_id", "pseudonym"
        )
        .iterator(chunk_size=BATCH)
    )


def _intakes(centre: Centre) -> Iterator[Row]:
    rows = (
        Intake.objects.for_centre(centre)
        .order_by("code", "id")
        .values_list(
            "code",
            "received_at",
            "channel",
            "referrer",
            "client__file_code",
            "screening__conclusion",
            "outcome",
        )
        .iterator(chunk_size=BATCH)
    )
    for code, received_at, channel, referrer, client, indicators, outcome in rows:
        # An open intake: empty as it is; a first meeting planned is pending in the format.
        if outcome == IntakeOutcome.FIRST_MEETING:
            outcome = "pending"
        yield (code, _received_at(received_at), channel, referrer, client, indicators, outcome)


def _guidance(centre: Centre) -> Iterator[Row]:
    rows = (
        Episode.objects.for_centre(centre)
        .order_by("client__file_code", "start_date", "id")
        .values_list(
            "pk",
            "ref",
            "client__file_code",
            "start_date",
            "end_date",
            "end_reason",
            "exploitation",
            "other_forms",
            "district",
        )
        .iterator(chunk_size=BATCH)
    )
    for pk, ref, client, start, end, reason, exploitation, others, district in rows:
        # A form not yet known is counted as ``other`` (the report's figures do the same);
        # the format requires one, and does not repeat it among the others.
        primary = exploitation or ExploitationForm.OTHER.value
        others = [form for form in others or [] if form != primary]
        yield (ref or f"G{pk}", client, start, end, reason, primary, others, district)


def _rooms(centre: Centre) -> Iterator[Row]:
    yield from (
        Room.objects.for_centre(centre)
        .order_by("code")
        .values_list("code", "opened_on", "closed_on")
        .iterator(chunk_size=BATCH)
    )


def _stays(centre: Centre) -> Iterator[Row]:
    yield from (
        Assignment.objects.for_centre(centre)
        .order_by("stay__client__file_code", "start", "id")
        .values_list("stay__client__file_code", "room__code", "start", "end")
        .iterator(chunk_size=BATCH)
    )


def _residence(centre: Centre) -> Iterator[Row]:
    rows = (
        ResidenceDocument.objects.for_centre(centre)
        .order_by("client__file_code", "issued_on", "id")
        .values_list("client__file_code", "document", "issued_on", "valid_until")
        .iterator(chunk_size=BATCH)
    )
    for client, document, issued_on, valid_until in rows:
        yield (client, dataset_document(document), issued_on, valid_until)


def _returns(centre: Centre) -> Iterator[Row]:
    yield from (
        VoluntaryReturn.objects.for_centre(centre)
        .order_by("client__file_code", "returned_on", "id")
        .values_list("client__file_code", "returned_on", "country_id")
        .iterator(chunk_size=BATCH)
    )


def _legal(centre: Centre) -> Iterator[Row]:
    # Dossiers are few (one per criminal case): their victims' refs fit in one mapping.
    victims: dict[int, list[str]] = defaultdict(list)
    for dossier_id, ref in (
        Victim.objects.for_centre(centre)
        .order_by("dossier_id", "client__file_code")
        .values_list("dossier_id", "client__file_code")
        .iterator(chunk_size=BATCH)
    ):
        victims[dossier_id].append(ref)
    rows = (
        Dossier.objects.for_centre(centre)
        .order_by("code")
        .values_list(
            "pk",
            "code",
            "opened_on",
            "outcome",
            "outcome_date",
            "verdict",
            "centre_civil_party_on",
        )
        .iterator(chunk_size=BATCH)
    )
    for pk, code, opened_on, outcome, outcome_date, verdict, civil_party_on in rows:
        yield (code, victims.get(pk, []), opened_on, outcome, outcome_date, verdict, civil_party_on)


def _contacts(centre: Centre) -> Iterator[Row]:
    rows = (
        Appointment.objects.for_centre(centre)
        .filter(status=AppointmentStatus.DONE, client__isnull=False, kind__in=list(CONTACT_KIND))
        .order_by("client__file_code", "starts_at", "id")
        .values_list(
            "client__file_code", "starts_at", "kind", "duration_minutes", "interpreter_minutes"
        )
        .iterator(chunk_size=BATCH)
    )
    for client, starts_at, kind, minutes, interpreter_minutes in rows:
        yield (
            client,
            starts_at.astimezone(BRUSSELS).date(),
            CONTACT_KIND[kind],
            minutes,
            interpreter_minutes,
        )


def _outreach(centre: Centre) -> Iterator[Row]:
    yield from (
        Activity.objects.for_centre(centre)
        .order_by("date", "id")
        .values_list("date", "kind", "participants", "audience", "country_id")
        .iterator(chunk_size=BATCH)
    )
