"""The dataset format of REPORT.md section 1, file by file: its columns, their codes, the
reading of one file row by row into typed values, and the checks of a whole dataset (``Check``)
against its own rows and what the centre already holds. Every problem is reported as
``FILE:LINE: COLUMN: message``.

Reading streams: one row at a time from ``csv.reader`` over the open file. The checks keep only
what they compare across rows and files: the references, each client's episodes and nights,
each room's nights; never a file's values.
"""

import csv
import datetime
import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from django.utils.translation import gettext as _

from haven.centres.models import Centre
from haven.clients.models import Client
from haven.guidance.models import Episode
from haven.history.mapping import BRUSSELS, DATASET_DOCUMENTS, INTAKE_OUTCOMES, VERDICTS
from haven.intake.models import Intake
from haven.legal.models import Dossier
from haven.shelter.models import Assignment, Room

# The codes of each coded column, in REPORT.md's order (the order messages list them in).
GENDERS = ("F", "M", "X", "U")
CHANNELS = ("phone", "email", "in_person", "reporting_point", "outreach", "other")
REFERRERS = (
    "victim",
    "social_sector",
    "private_person",
    "judicial",
    "minors_service",
    "legal_service",
    "medical",
    "partner_centre",
    "diplomatic",
    "unknown",
)
INDICATORS = ("yes", "no", "unclear")
EXPLOITATION = (
    "sexual",
    "labour",
    "begging",
    "criminality",
    "organ_removal",
    "smuggling_aggravated",
    "forced_marriage",
    "illegal_adoption",
    "surrogacy",
    "other",
)
ARRONDISSEMENTS = (
    "ANT",
    "LIM",
    "OVL",
    "WVL",
    "LEU",
    "BRU",
    "WBR",
    "HEN",
    "LUI",
    "LUX",
    "NAM",
    "EUP",
    "ABROAD",
    "UNKNOWN",
)
END_REASONS = (
    "autonomy",
    "voluntary_return",
    "left_without_notice",
    "transferred",
    "procedure_stopped",
    "deceased",
    "other",
)
PERMANENT_DOCUMENTS = ("b_card", "humanitarian_permanent")
LEGAL_OUTCOMES = ("pending", "dismissed", "non_suit", "court")
CONTACT_KINDS = ("individual", "group", "phone")
OUTREACH_KINDS = ("training", "delegation", "awareness")

# An appointment lasts at most 12 hours (haven.appointments.models.MAX_DURATION_MINUTES).
MAX_MINUTES = 720
# Whole numbers beyond this are typing errors (and beyond what the columns hold).
MAX_COUNT = 1_000_000
FIRST_BIRTH_YEAR = 1900
LAST_BIRTH_YEAR = 2100

DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
DIGITS = re.compile(r"\d+")


class Moment(NamedTuple):
    """A ``received_at`` value: the aware moment, and whether the file gave a time of day."""

    at: datetime.datetime
    has_time: bool


@dataclass(frozen=True)
class Column:
    """One column of a file: its name, kind of value and whether a value is required.

    Kinds: ``text`` (``max_length``), ``code`` / ``codes`` (one or a ``;`` list of ``codes``),
    ``refs`` (a ``;`` list of texts), ``date``, ``moment`` (date or datetime), ``count`` (a
    whole number from 0 to ``maximum``), ``year``, ``nationality`` (Haven's list)."""

    name: str
    kind: str = "text"
    required: bool = False
    codes: tuple[str, ...] = ()
    max_length: int | None = None
    maximum: int = MAX_COUNT


@dataclass(frozen=True)
class FileSpec:
    name: str
    columns: tuple[Column, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)


def _ref(name: str, max_length: int, *, required: bool = True) -> Column:
    return Column(name, "text", required=required, max_length=max_length)


CLIENT_REF = _ref("client_ref", 20)

# The files in the order they are read: the clients and rooms others refer to come first.
FILES: tuple[FileSpec, ...] = (
    FileSpec(
        "clients.csv",
        (
            CLIENT_REF,
            Column("gender", "code", required=True, codes=GENDERS),
            Column("birth_date", "date"),
            Column("birth_year", "year"),
            Column("nationality", "nationality"),
            Column("pseudonym", "text", max_length=60),
        ),
    ),
    FileSpec(
        "rooms.csv",
        (
            _ref("room", 20),
            Column("opened_on", "date", required=True),
            Column("closed_on", "date"),
        ),
    ),
    FileSpec(
        "intakes.csv",
        (
            _ref("intake_ref", 24),
            Column("received_at", "moment", required=True),
            Column("channel", "code", required=True, codes=CHANNELS),
            Column("referrer", "code", required=True, codes=REFERRERS),
            _ref("client_ref", 20, required=False),
            Column("indicators", "code", codes=INDICATORS),
            Column("outcome", "code", codes=INTAKE_OUTCOMES),
        ),
    ),
    FileSpec(
        "guidance.csv",
        (
            _ref("guidance_ref", 40),
            CLIENT_REF,
            Column("start_date", "date", required=True),
            Column("end_date", "date"),
            Column("end_reason", "code", codes=END_REASONS),
            Column("exploitation", "code", required=True, codes=EXPLOITATION),
            Column("exploitation_other", "codes", codes=EXPLOITATION),
            Column("arrondissement", "code", codes=ARRONDISSEMENTS),
        ),
    ),
    FileSpec(
        "stays.csv",
        (
            CLIENT_REF,
            _ref("room", 20),
            Column("check_in", "date", required=True),
            Column("check_out", "date"),
        ),
    ),
    FileSpec(
        "residence.csv",
        (
            CLIENT_REF,
            Column("document", "code", required=True, codes=DATASET_DOCUMENTS),
            Column("issued_on", "date", required=True),
            Column("valid_until", "date"),
        ),
    ),
    FileSpec(
        "returns.csv",
        (
            CLIENT_REF,
            Column("date", "date", required=True),
            Column("country", "nationality"),
        ),
    ),
    FileSpec(
        "legal.csv",
        (
            _ref("dossier_ref", 24),
            Column("client_refs", "refs", required=True, max_length=20),
            Column("opened_on", "date"),
            Column("outcome", "code", codes=LEGAL_OUTCOMES),
            Column("outcome_date", "date"),
            Column("verdict", "code", codes=VERDICTS),
            Column("centre_civil_party_on", "date"),
        ),
    ),
    FileSpec(
        "contacts.csv",
        (
            CLIENT_REF,
            Column("date", "date", required=True),
            Column("kind", "code", required=True, codes=CONTACT_KINDS),
            Column("minutes", "count", required=True, maximum=MAX_MINUTES),
            Column("interpreter_minutes", "count", maximum=MAX_MINUTES),
        ),
    ),
    FileSpec(
        "outreach.csv",
        (
            Column("date", "date", required=True),
            Column("kind", "code", required=True, codes=OUTREACH_KINDS),
            Column("participants", "count", required=True),
            Column("audience", "text", max_length=100),
            Column("country", "nationality"),
        ),
    ),
)
SPECS: dict[str, FileSpec] = {spec.name: spec for spec in FILES}
FILE_ORDER: dict[str, int] = {spec.name: index for index, spec in enumerate(FILES)}


class TooMany(Exception):
    """More problems than are worth listing: reading stops."""


@dataclass
class Problems:
    """The problems found, in the format ``FILE:LINE: COLUMN: message``, at most ``limit``."""

    limit: int = 100
    found: list[tuple[int, int, str]] = field(default_factory=list)
    more: bool = False

    def add(self, file: str, line: int, column: str, message: str) -> None:
        if len(self.found) >= self.limit:
            self.more = True
            raise TooMany
        self.found.append(
            (FILE_ORDER.get(file, len(FILE_ORDER)), line, f"{file}:{line}: {column}: {message}")
        )

    def __bool__(self) -> bool:
        return bool(self.found)

    @property
    def messages(self) -> list[str]:
        """By file (in reading order) and line."""
        return [message for _order, _line, message in sorted(self.found, key=lambda p: p[:2])]


class Bad(Exception):
    """A cell's value is not what its column takes (the message says why)."""


@dataclass
class Row:
    """One row of a file: its first line and the typed values of its columns (a column that is
    absent, empty or bad gives None)."""

    line: int
    values: dict[str, Any]

    def __getitem__(self, name: str) -> Any:
        return self.values.get(name)


def codes_list(codes: tuple[str, ...]) -> str:
    return ", ".join(codes)


def parse_date(raw: str) -> datetime.date:
    if DATE.fullmatch(raw):
        try:
            return datetime.date.fromisoformat(raw)
        except ValueError:
            pass
    raise Bad(_('not a date (YYYY-MM-DD): "%(value)s"') % {"value": raw})


def parse_moment(raw: str) -> Moment:
    if len(raw) == 10:
        try:
            day = parse_date(raw)
        except Bad:
            pass
        else:
            return Moment(
                datetime.datetime.combine(day, datetime.time(0, 0), tzinfo=BRUSSELS), False
            )
    elif DATE.match(raw) and len(raw) > 10 and raw[10] == "T":
        try:
            moment = datetime.datetime.fromisoformat(raw)
        except ValueError:
            pass
        else:
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=BRUSSELS)
            return Moment(moment, True)
    raise Bad(
        _('not a date (YYYY-MM-DD) or an ISO 8601 date and time (YYYY-MM-DDTHH:MM:SS): "%(value)s"')
        % {"value": raw}
    )


def parse_count(raw: str, maximum: int) -> int:
    if DIGITS.fullmatch(raw) and int(raw) <= maximum:
        return int(raw)
    if DIGITS.fullmatch(raw):
        raise Bad(_('more than %(maximum)s: "%(value)s"') % {"maximum": maximum, "value": raw})
    raise Bad(_('not a whole number of zero or more: "%(value)s"') % {"value": raw})


def parse_year(raw: str) -> int:
    if DIGITS.fullmatch(raw) and FIRST_BIRTH_YEAR <= int(raw) <= LAST_BIRTH_YEAR:
        return int(raw)
    raise Bad(
        _('not a year from %(first)s to %(last)s: "%(value)s"')
        % {"first": FIRST_BIRTH_YEAR, "last": LAST_BIRTH_YEAR, "value": raw}
    )


def parse_code(raw: str, codes: tuple[str, ...]) -> str:
    if raw in codes:
        return raw
    raise Bad(
        _('unknown code "%(value)s" (one of %(codes)s)')
        % {"value": raw, "codes": codes_list(codes)}
    )


def parse_text(raw: str, max_length: int | None) -> str:
    if max_length is not None and len(raw) > max_length:
        raise Bad(
            _('longer than %(max)s characters: "%(value)s"') % {"max": max_length, "value": raw}
        )
    return raw


def split_list(raw: str) -> list[str]:
    return [part.strip() for part in raw.split(";") if part.strip()]


def parse_cell(column: Column, raw: str, nationalities: frozenset[str]) -> Any:
    """The typed value of a non-empty cell; raises Bad."""
    kind = column.kind
    if kind == "text":
        return parse_text(raw, column.max_length)
    if kind == "code":
        return parse_code(raw, column.codes)
    if kind == "date":
        return parse_date(raw)
    if kind == "moment":
        return parse_moment(raw)
    if kind == "count":
        return parse_count(raw, column.maximum)
    if kind == "year":
        return parse_year(raw)
    if kind == "nationality":
        if raw in nationalities:
            return raw
        raise Bad(_('unknown code "%(value)s" (not in Haven\'s nationality list)') % {"value": raw})
    if kind == "codes":
        return [parse_code(value, column.codes) for value in split_list(raw)]
    if kind == "refs":
        return [parse_text(value, column.max_length) for value in split_list(raw)]
    raise ValueError(f"unknown kind of column {kind}")


def read_rows(
    path: Path,
    spec: FileSpec,
    problems: Problems,
    nationalities: frozenset[str],
    on_row: Callable[[Row], None] | None = None,
) -> Iterator[Row]:
    """The rows of one file, typed; every problem of the header and of each cell reported.

    A header that lacks a required column is reported once (line 1); its rows are still read
    for the other columns. A row yields even when some of its cells are bad (those are None),
    so that the checks across rows see every reference it makes."""
    name = spec.name
    line = 1
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if header is None:
                problems.add(name, 1, "header", _("the file is empty: no header row"))
                return
            columns = _header(name, [cell.strip() for cell in header], spec, problems)
            width = len(header)
            line = reader.line_num
            for record in reader:
                first, line = line + 1, reader.line_num
                if not any(cell.strip() for cell in record):
                    continue
                if len(record) > width and any(cell.strip() for cell in record[width:]):
                    problems.add(
                        name,
                        first,
                        "row",
                        _("%(cells)s cells, the header has %(width)s")
                        % {"cells": len(record), "width": width},
                    )
                    continue
                yield Row(first, _values(name, first, record, columns, problems, nationalities))
    except UnicodeDecodeError:
        problems.add(name, line + 1, "file", _("not UTF-8 text (save the file as UTF-8)"))
    except csv.Error as error:
        problems.add(name, line + 1, "row", _("not valid CSV: %(error)s") % {"error": str(error)})


def _header(
    name: str, header: list[str], spec: FileSpec, problems: Problems
) -> list[tuple[int, Column]]:
    known = {column.name: column for column in spec.columns}
    columns: list[tuple[int, Column]] = []
    seen: set[str] = set()
    for index, title in enumerate(header):
        if title == "" and index == len(header) - 1 and index > 0:
            continue  # a trailing comma
        if title not in known:
            problems.add(
                name,
                1,
                title or _("(empty)"),
                _("unknown column (expected: %(columns)s)") % {"columns": ", ".join(spec.names)},
            )
        elif title in seen:
            problems.add(name, 1, title, _("the column is given twice"))
        else:
            seen.add(title)
            columns.append((index, known[title]))
    for column in spec.columns:
        if column.required and column.name not in seen:
            problems.add(name, 1, column.name, _("required column missing"))
    return columns


def _values(
    name: str,
    line: int,
    record: list[str],
    columns: list[tuple[int, Column]],
    problems: Problems,
    nationalities: frozenset[str],
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for index, column in columns:
        raw = record[index].strip() if index < len(record) else ""
        if raw == "":
            if column.required:
                problems.add(name, line, column.name, _("required, but empty"))
            continue
        try:
            values[column.name] = parse_cell(column, raw, nationalities)
        except Bad as bad:
            problems.add(name, line, column.name, str(bad.args[0]))
    return values


# --- the checks across rows and files -----------------------------------------------------


class Span(NamedTuple):
    """An episode (days ``start..end`` included) or a room assignment (nights ``start <= d <
    end``); ``end`` None: open. ``line`` 0: already in the centre."""

    start: datetime.date
    end: datetime.date | None
    line: int
    label: str  # the episode's ref; for nights: the other side (client of a room, room of a client)


class Check:
    """The checks of every row and across rows and files; problems are collected."""

    def __init__(self, centre: Centre | None, problems: Problems, nationalities: frozenset[str]):
        self.centre = centre
        self.problems = problems
        self.nationalities = nationalities
        self.clients: dict[str, int] = {}  # ref -> line in clients.csv
        self.rooms: dict[str, tuple[datetime.date | None, datetime.date | None]] = {}
        self.episodes: dict[str, list[Span]] = defaultdict(list)  # by client ref
        self.room_nights: dict[str, list[Span]] = defaultdict(list)  # by room
        self.client_nights: dict[str, list[Span]] = defaultdict(list)  # by client ref
        self._existing()

    def _existing(self) -> None:
        """What the centre already holds that the dataset's rows are checked against."""
        self.old_clients: set[str] = set()
        self.old_intakes: set[str] = set()
        self.old_episode_refs: set[str] = set()
        self.old_dossiers: set[str] = set()
        self.old_rooms: dict[str, tuple[datetime.date, datetime.date | None]] = {}
        centre = self.centre
        if centre is None:
            return
        self.old_clients = set(
            Client.objects.filter(centre=centre).values_list("file_code", flat=True)
        )
        self.old_intakes = set(Intake.objects.filter(centre=centre).values_list("code", flat=True))
        self.old_dossiers = set(
            Dossier.objects.filter(centre=centre).values_list("code", flat=True)
        )
        for pk, ref, client, start, end in Episode.objects.filter(centre=centre).values_list(
            "pk", "ref", "client__file_code", "start_date", "end_date"
        ):
            if ref:
                self.old_episode_refs.add(ref)
            self.episodes[client].append(Span(start, end, 0, ref or f"G{pk}"))
        for code, opened, closed in Room.objects.filter(centre=centre).values_list(
            "code", "opened_on", "closed_on"
        ):
            self.old_rooms[code] = (opened, closed)
        for room, client, start, end in Assignment.objects.filter(centre=centre).values_list(
            "room__code", "stay__client__file_code", "start", "end"
        ):
            self.room_nights[room].append(Span(start, end, 0, client))
            self.client_nights[client].append(Span(start, end, 0, room))

    def add(self, file: str, line: int, column: str, message: str) -> None:
        self.problems.add(file, line, column, message)

    def run(self, files: dict[str, Path]) -> dict[str, int]:
        counts = {spec.name: 0 for spec in FILES}
        for name, path in files.items():
            spec = SPECS[name]
            check_row = getattr(self, "_" + name.removesuffix(".csv"))
            seen: dict[str, int] = {}
            for row in read_rows(path, spec, self.problems, self.nationalities):
                counts[name] += 1
                check_row(name, row, seen)
        self._overlaps()
        return counts

    # One method per file: (file name, row, the refs seen in the file with their line).

    def _unique(
        self,
        file: str,
        row: Row,
        column: str,
        seen: dict[str, int],
        existing: set[str] | dict[str, Any],
    ) -> bool:
        ref = row[column]
        if ref is None:
            return False
        if ref in seen:
            self.add(
                file,
                row.line,
                column,
                _("%(ref)s already on line %(line)s") % {"ref": ref, "line": seen[ref]},
            )
            return False
        seen[ref] = row.line
        if ref in existing:
            self.add(file, row.line, column, _("%(ref)s already in the centre") % {"ref": ref})
            return False
        return True

    def _client(
        self, file: str, row: Row, column: str = "client_ref", ref: str | None = None
    ) -> bool:
        ref = ref if ref is not None else row[column]
        if ref is None:
            return False
        if ref in self.clients or ref in self.old_clients:
            return True
        self.add(
            file,
            row.line,
            column,
            _("no client %(ref)s in clients.csv or the centre") % {"ref": ref},
        )
        return False

    def _clients(self, file: str, row: Row, seen: dict[str, int]) -> None:
        if self._unique(file, row, "client_ref", seen, self.old_clients):
            self.clients[row["client_ref"]] = row.line

    def _rooms(self, file: str, row: Row, seen: dict[str, int]) -> None:
        opened, closed = row["opened_on"], row["closed_on"]
        if opened and closed and closed <= opened:
            closed = None  # the stays in it are checked against its opening only
            self.add(
                file,
                row.line,
                "closed_on",
                _("closes %(end)s, not after it opens %(start)s")
                % {"end": row["closed_on"].isoformat(), "start": opened.isoformat()},
            )
        if self._unique(file, row, "room", seen, self.old_rooms):
            self.rooms[row["room"]] = (opened, closed)

    def _intakes(self, file: str, row: Row, seen: dict[str, int]) -> None:
        self._unique(file, row, "intake_ref", seen, self.old_intakes)
        self._client(file, row)

    def _guidance(self, file: str, row: Row, seen: dict[str, int]) -> None:
        self._unique(file, row, "guidance_ref", seen, self.old_episode_refs)
        known = self._client(file, row)
        start, end = row["start_date"], row["end_date"]
        ordered = True
        if start and end and end < start:
            ordered = False
            self.add(
                file,
                row.line,
                "end_date",
                _("ends %(end)s, before its start %(start)s")
                % {"end": end.isoformat(), "start": start.isoformat()},
            )
        others = row["exploitation_other"] or []
        primary = row["exploitation"]
        repeated: set[str] = set()
        for code in others:
            if code == primary:
                self.add(
                    file,
                    row.line,
                    "exploitation_other",
                    _('repeats the primary form "%(code)s"') % {"code": code},
                )
            elif code in repeated:
                self.add(
                    file,
                    row.line,
                    "exploitation_other",
                    _('"%(code)s" given twice') % {"code": code},
                )
            repeated.add(code)
        if known and start and ordered:
            self.episodes[row["client_ref"]].append(
                Span(start, end, row.line, row["guidance_ref"] or "")
            )

    def _stays(self, file: str, row: Row, seen: dict[str, int]) -> None:
        client = row["client_ref"]
        known = self._client(file, row)
        room, start, end = row["room"], row["check_in"], row["check_out"]
        span = self.rooms.get(room) if room is not None else None
        if room is not None and span is None:
            span = self.old_rooms.get(room)
            if span is None:
                self.add(
                    file,
                    row.line,
                    "room",
                    _("no room %(room)s in rooms.csv or the centre") % {"room": room},
                )
        if start is None:
            return
        if end is not None and end <= start:
            self.add(
                file,
                row.line,
                "check_out",
                _("check-out %(end)s is not after the check-in %(start)s")
                % {"end": end.isoformat(), "start": start.isoformat()},
            )
            return
        if span is not None:
            opened, closed = span
            if opened is not None and start < opened:
                self.add(
                    file,
                    row.line,
                    "check_in",
                    _("room %(room)s opens %(opened)s, after this check-in")
                    % {"room": room, "opened": opened.isoformat()},
                )
            if closed is not None and end is None:
                self.add(
                    file,
                    row.line,
                    "check_out",
                    _("room %(room)s closes %(closed)s: this stay needs a check-out by then")
                    % {"room": room, "closed": closed.isoformat()},
                )
            elif closed is not None and end is not None and end > closed:
                self.add(
                    file,
                    row.line,
                    "check_out",
                    _("room %(room)s closes %(closed)s, before this check-out")
                    % {"room": room, "closed": closed.isoformat()},
                )
        if room is not None and span is not None:
            self.room_nights[room].append(Span(start, end, row.line, client or ""))
        if known:
            self.client_nights[client].append(Span(start, end, row.line, room or ""))

    def _residence(self, file: str, row: Row, seen: dict[str, int]) -> None:
        self._client(file, row)
        document, issued, until = row["document"], row["issued_on"], row["valid_until"]
        if document in PERMANENT_DOCUMENTS and until is not None:
            self.add(
                file,
                row.line,
                "valid_until",
                _("a %(document)s is permanent: leave valid_until empty") % {"document": document},
            )
        elif issued and until and until < issued:
            self.add(
                file,
                row.line,
                "valid_until",
                _("valid until %(end)s, before its issue %(start)s")
                % {"end": until.isoformat(), "start": issued.isoformat()},
            )

    def _returns(self, file: str, row: Row, seen: dict[str, int]) -> None:
        self._client(file, row)

    def _legal(self, file: str, row: Row, seen: dict[str, int]) -> None:
        self._unique(file, row, "dossier_ref", seen, self.old_dossiers)
        refs = row["client_refs"]
        if refs == []:
            self.add(file, row.line, "client_refs", _("required, but empty"))
        given: set[str] = set()
        for ref in refs or []:
            if ref in given:
                self.add(file, row.line, "client_refs", _("%(ref)s given twice") % {"ref": ref})
            given.add(ref)
            self._client(file, row, "client_refs", ref)
        opened, outcome, day = row["opened_on"], row["outcome"] or "pending", row["outcome_date"]
        if outcome != "pending" and day is None:
            self.add(
                file,
                row.line,
                "outcome_date",
                _('required for the outcome "%(outcome)s"') % {"outcome": outcome},
            )
        if outcome == "pending" and day is not None:
            self.add(
                file,
                row.line,
                "outcome_date",
                _('given, but the dossier has no outcome yet (outcome empty or "pending")'),
            )
        if opened and day and day < opened:
            self.add(
                file,
                row.line,
                "outcome_date",
                _("%(date)s, before the dossier opened %(opened)s")
                % {"date": day.isoformat(), "opened": opened.isoformat()},
            )
        if row["verdict"] is not None and outcome != "court":
            self.add(
                file,
                row.line,
                "verdict",
                _('a verdict needs the outcome "court" (not "%(outcome)s")') % {"outcome": outcome},
            )

    def _contacts(self, file: str, row: Row, seen: dict[str, int]) -> None:
        self._client(file, row)

    def _outreach(self, file: str, row: Row, seen: dict[str, int]) -> None:
        pass

    # Across rows: a client's episodes, a room's and a client's nights.

    def _overlaps(self) -> None:
        for client, spans in self.episodes.items():
            for span, other in _overlapping(spans, nights=False):
                where = self._where("guidance.csv", other)
                args = {
                    "client": client,
                    "ref": other.label,
                    "start": other.start.isoformat(),
                    "where": where,
                }
                if other.end is None:
                    message = _(
                        "%(client)s is in guidance %(ref)s from %(start)s, not ended (%(where)s)"
                    )
                else:
                    message = _(
                        "%(client)s is in guidance %(ref)s from %(start)s to %(end)s (%(where)s)"
                    )
                    args["end"] = other.end.isoformat()
                column = "start_date" if other.start <= span.start else "end_date"
                self.add("guidance.csv", span.line, column, message % args)
        for room, spans in self.room_nights.items():
            for span, other in _overlapping(spans, nights=True):
                args = {"room": room, "client": other.label, **self._dates(other)}
                message = (
                    _("room %(room)s holds %(client)s from %(start)s on (%(where)s)")
                    if other.end is None
                    else _("room %(room)s holds %(client)s from %(start)s to %(end)s (%(where)s)")
                )
                self.add("stays.csv", span.line, self._night_column(span, other), message % args)
        for client, spans in self.client_nights.items():
            for span, other in _overlapping(spans, nights=True):
                args = {"room": other.label, "client": client, **self._dates(other)}
                message = (
                    _("%(client)s sleeps in room %(room)s from %(start)s on (%(where)s)")
                    if other.end is None
                    else _(
                        "%(client)s sleeps in room %(room)s from %(start)s to %(end)s (%(where)s)"
                    )
                )
                self.add("stays.csv", span.line, self._night_column(span, other), message % args)

    def _dates(self, span: Span) -> dict[str, str]:
        return {
            "start": span.start.isoformat(),
            "end": span.end.isoformat() if span.end else "",
            "where": self._where("stays.csv", span),
        }

    @staticmethod
    def _night_column(span: Span, other: Span) -> str:
        return "check_in" if other.start <= span.start else "check_out"

    @staticmethod
    def _where(file: str, span: Span) -> str:
        return f"{file}:{span.line}" if span.line else _("in the centre")


def _overlapping(spans: list[Span], *, nights: bool) -> Iterator[tuple[Span, Span]]:
    """Pairs (an imported span, another it overlaps): each span against the one reaching
    furthest among those that start before it. Days (``nights`` False) include the end."""
    if len(spans) < 2:
        return
    ordered = sorted(spans, key=lambda s: (s.start, s.line == 0, s.line))
    reach = ordered[0]
    for span in ordered[1:]:
        if reach.end is None or span.start < reach.end or (not nights and span.start == reach.end):
            if span.line:
                yield span, reach
            elif reach.line:
                yield reach, span
        if reach.end is not None and (span.end is None or span.end > reach.end):
            reach = span
