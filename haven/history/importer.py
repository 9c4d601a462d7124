"""Importing a centre's history from the dataset format (REPORT.md section 1): all or nothing.

Every file is checked first, row by row, keeping only what the checks across rows and files
need (the references, each client's episodes and nights, each room's nights); any problem and
nothing is stored. Then the files are read again and written in one transaction, in bulk
(``haven.demo.bulk``: ids given, one statement per batch), with the derived columns the
services keep (a client's residence status, stays chained from room assignments, a dossier's
outcome, an episode's residential flag, the regularisation at a first permanent document) and
one audit entry for the whole import that names the centre and the counts.
"""

import datetime
import uuid
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.accounts.models import User
from haven.accounts.permissions import Role
from haven.appointments.models import Appointment
from haven.appointments.models import Status as AppointmentStatus
from haven.audit import services as audit
from haven.audit.models import Action
from haven.centres.models import Centre
from haven.clients.models import Client
from haven.demo import bulk
from haven.guidance.models import Episode, Track
from haven.history.dataset import (
    FILES,
    PERMANENT_DOCUMENTS,
    SPECS,
    Check,
    Problems,
    Row,
    TooMany,
    read_rows,
)
from haven.history.mapping import APPOINTMENT_KIND, BRUSSELS, CONTACT_HOUR
from haven.intake.models import Intake, Screening
from haven.legal.models import Dossier, DossierEvent, EventKind, Victim
from haven.legal.models import Outcome as DossierOutcome
from haven.outreach.models import Activity
from haven.reference.codes import ProsecutionOffice
from haven.reference.models import Nationality
from haven.residence import status
from haven.residence.models import (
    Decision,
    Regularisation,
    RegularisationBasis,
    Renewal,
    ResidenceDocument,
    VoluntaryReturn,
)
from haven.shelter.models import Assignment, House, Room, Stay, Wing

IMPORTED = "Imported"  # the house and wing of imported rooms
# The decisive step each outcome of legal.csv is recorded as (legal.services.DECISIVE).
OUTCOME_EVENT = {
    "dismissed": EventKind.DISMISSED,
    "non_suit": EventKind.NON_SUIT,
    "court": EventKind.REFERRED,
}
REGULARISED_BY = {
    "b_card": RegularisationBasis.TRAFFICKING,
    "humanitarian_permanent": RegularisationBasis.HUMANITARIAN,
}
MAX_PROBLEMS = 100


class ImportFailed(Exception):
    """The dataset breaks a rule: nothing was stored. ``problems``: at most 100 lines
    ``FILE:LINE: COLUMN: message``; ``more``: there were more than those."""

    def __init__(self, problems: list[str], *, more: bool = False):
        super().__init__(f"{len(problems)} problems")
        self.problems = problems
        self.more = more

    def lines(self) -> list[str]:
        """The problems as printed: with "... and more" when some were left out."""
        return [*self.problems, _("... and more")] if self.more else list(self.problems)


@dataclass
class ImportSummary:
    """What an import read (rows per file) and, unless a dry run, stored (records per model)."""

    centre: str
    dry_run: bool
    counts: dict[str, int]
    created: dict[str, int] = field(default_factory=dict)


def import_author(centre: Centre) -> User:
    """The inactive account that owns the imported rows that need a user (one per centre)."""
    username = f"import-{centre.code.lower()}"
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        user = User(
            username=username,
            centre=centre,
            role=Role.VOLUNTEER,
            first_name="History import",
            is_active=False,
        )
        user.set_unusable_password()
        user.save()
    return user


def import_dataset(
    directory: Path, centre_code: str, *, dry_run: bool = False, by: User | None = None
) -> ImportSummary:
    """Check every file of ``directory`` and, when none breaks a rule, store them all in one
    transaction into the centre (created when missing). Raises ImportFailed otherwise."""
    code = centre_code.strip().upper()
    if not (code.isalpha() and 2 <= len(code) <= 8):
        raise ValueError(f"a centre code is 2 to 8 letters, not {centre_code!r}")
    directory = Path(directory)
    if not directory.is_dir():
        raise ValueError(f"{directory} is not a directory")
    centre = Centre.objects.filter(code=code).first()
    problems = Problems(limit=MAX_PROBLEMS)
    nationalities = frozenset(Nationality.objects.values_list("code", flat=True))
    counts: dict[str, int] = {}
    try:
        files = _files(directory, problems)
        counts = Check(centre, problems, nationalities).run(files)
    except TooMany:
        pass
    if problems:
        raise ImportFailed(problems.messages, more=problems.more)
    if dry_run:
        return ImportSummary(code, True, counts)
    with transaction.atomic(), bulk.large_cache():
        if centre is None:
            centre = Centre.objects.create(code=code, name=code)
        created = Load(centre, nationalities).run(files)
        summary = ", ".join(f"{name} {count}" for name, count in counts.items() if count)
        audit.record(
            Action.CREATE,
            actor=by,
            centre=centre,
            actor_name="haven import",
            changes={"rows": counts, "records": created},
            note=f"History imported into {centre.code}: {summary or 'no rows'}."[:300],
        )
    return ImportSummary(code, False, counts, created)


def _files(directory: Path, problems: Problems) -> dict[str, Path]:
    """The dataset's files present in the directory; another CSV file is a problem (a
    misspelt name would otherwise be left out without a word)."""
    found: dict[str, Path] = {}
    for path in sorted(directory.iterdir()):
        if path.suffix.lower() != ".csv" or not path.is_file():
            continue
        if path.name in SPECS:
            found[path.name] = path
        else:
            problems.add(
                path.name,
                1,
                "file",
                _("unknown file (expected: %(files)s)")
                % {"files": ", ".join(spec.name for spec in FILES)},
            )
    return {spec.name: found[spec.name] for spec in FILES if spec.name in found}


# --- writing --------------------------------------------------------------------------------


class Load:
    """The files read again and written in bulk, in the caller's transaction."""

    def __init__(self, centre: Centre, nationalities: frozenset[str]):
        self.centre = centre
        self.nationalities = nationalities
        self.now = timezone.now()
        self.author = import_author(centre)
        self.writers: dict[type[models.Model], bulk.Writer] = {}
        self.clients: dict[str, int] = dict(
            Client.objects.filter(centre=centre).values_list("file_code", "pk")
        )
        self.rooms: dict[str, int] = dict(
            Room.objects.filter(centre=centre).values_list("code", "pk")
        )
        self.new_episode_clients: set[int] = set()
        self.new_episodes: set[int] = set()
        self.stay_clients: set[int] = set()
        self.document_clients: set[int] = set()

    def writer(self, model: type[models.Model]) -> bulk.Writer:
        if model not in self.writers:
            self.writers[model] = bulk.Writer(model, memo=True)
        return self.writers[model]

    def add(self, model: type[models.Model], **values: Any) -> int:
        return self.writer(model).add({"centre_id": self.centre.pk, **values})

    def run(self, files: dict[str, Path]) -> dict[str, int]:
        for name, path in files.items():
            problems = Problems()
            rows = read_rows(path, SPECS[name], problems, self.nationalities)
            getattr(self, "_" + name.removesuffix(".csv"))(rows)
            if problems:  # checked before: the file changed in between
                raise ImportFailed(problems.messages, more=problems.more)
        for writer in self.writers.values():
            writer.flush()
        self._residential()
        self._residence_status()
        bulk.reset_sequences(*self.writers)
        return {
            model._meta.label: writer.count
            for model, writer in self.writers.items()
            if writer.count
        }

    def _clients(self, rows: Iterator[Row]) -> None:
        for row in rows:
            ref = row["client_ref"]
            self.clients[ref] = self.add(
                Client,
                file_code=ref,
                pseudonym=row["pseudonym"] or ref,
                gender=row["gender"],
                birth_date=row["birth_date"],
                birth_year=row["birth_year"],
                nationality_id=row["nationality"],
                created_at=self.now,
                updated_at=self.now,
                created_by_id=self.author.pk,
            )

    def _rooms(self, rows: Iterator[Row]) -> None:
        wing: Wing | None = None
        for row in rows:
            if wing is None:
                house = House.objects.filter(centre=self.centre, name=IMPORTED).first()
                house = house or House.objects.create(centre=self.centre, name=IMPORTED)
                wing = Wing.objects.filter(centre=self.centre, house=house, name=IMPORTED).first()
                wing = wing or Wing.objects.create(centre=self.centre, house=house, name=IMPORTED)
            self.rooms[row["room"]] = self.add(
                Room,
                wing_id=wing.pk,
                code=row["room"],
                opened_on=row["opened_on"],
                closed_on=row["closed_on"],
            )

    def _intakes(self, rows: Iterator[Row]) -> None:
        for row in rows:
            moment = row["received_at"]
            outcome = row["outcome"] or ""
            intake = self.add(
                Intake,
                code=row["intake_ref"],
                received_at=moment.at,
                channel=row["channel"],
                referrer=row["referrer"],
                client_id=self.clients[row["client_ref"]] if row["client_ref"] else None,
                outcome="" if outcome == "pending" else outcome,
                indicators=row["indicators"] or "",
                # A date alone says nothing of the hour: not counted as on call.
                on_call=moment.has_time and not self.centre.is_office_hours(moment.at),
                registered_by_id=self.author.pk,
                registered_at=self.now,
                submission_key=uuid.uuid4(),
            )
            if row["indicators"]:
                self.writer(Screening).add(
                    {
                        "intake_id": intake,
                        "conclusion": row["indicators"],
                        "screened_by_id": self.author.pk,
                        "first_screened_at": self.now,
                        "screened_at": self.now,
                    }
                )

    def _guidance(self, rows: Iterator[Row]) -> None:
        for row in rows:
            client = self.clients[row["client_ref"]]
            self.new_episodes.add(
                self.add(
                    Episode,
                    client_id=client,
                    ref=row["guidance_ref"],
                    start_date=row["start_date"],
                    end_date=row["end_date"],
                    end_reason=row["end_reason"] or "",
                    exploitation=row["exploitation"],
                    other_forms=row["exploitation_other"] or [],
                    district=row["arrondissement"] or "",
                    created_by_id=self.author.pk,
                    created_at=self.now,
                )
            )
            self.new_episode_clients.add(client)

    def _stays(self, rows: Iterator[Row]) -> None:
        """Each client's assignments chained into stays: an assignment that starts the day the
        previous one ends continues its stay (a room move)."""
        by_client: dict[int, list[Row]] = defaultdict(list)
        for row in rows:
            by_client[self.clients[row["client_ref"]]].append(row)
        for client, assignments in by_client.items():
            self.stay_clients.add(client)
            assignments.sort(key=lambda r: r["check_in"])
            chains: list[list[Row]] = []
            for row in assignments:
                if chains and chains[-1][-1]["check_out"] == row["check_in"]:
                    chains[-1].append(row)
                else:
                    chains.append([row])
            for chain in chains:
                stay = self.add(
                    Stay,
                    client_id=client,
                    check_in=chain[0]["check_in"],
                    check_out=chain[-1]["check_out"],
                    created_by_id=self.author.pk,
                    created_at=self.now,
                )
                for row in chain:
                    self.add(
                        Assignment,
                        stay_id=stay,
                        room_id=self.rooms[row["room"]],
                        start=row["check_in"],
                        end=row["check_out"],
                    )

    def _residence(self, rows: Iterator[Row]) -> None:
        first_permanent: dict[int, Row] = {}
        for row in rows:
            client = self.clients[row["client_ref"]]
            self.document_clients.add(client)
            self.add(
                ResidenceDocument,
                client_id=client,
                document=row["document"],
                issued_on=row["issued_on"],
                valid_until=row["valid_until"],
                created_by_id=self.author.pk,
                created_at=self.now,
            )
            if row["document"] in PERMANENT_DOCUMENTS:
                earlier = first_permanent.get(client)
                if earlier is None or row["issued_on"] < earlier["issued_on"]:
                    first_permanent[client] = row
        self._regularisations(first_permanent)

    def _regularisations(self, first_permanent: dict[int, Row]) -> None:
        """A client's first permanent document regularises their stay, as when it is entered by
        hand (residence.services): not when the client had a permanent document already."""
        if not first_permanent:
            return
        had_permanent = set(
            ResidenceDocument.objects.filter(
                centre=self.centre, document__in=PERMANENT_DOCUMENTS
            ).values_list("client_id", flat=True)
        )
        regularised = set(
            Regularisation.objects.filter(centre=self.centre).values_list("client_id", "basis")
        )
        for client, row in first_permanent.items():
            basis = REGULARISED_BY[row["document"]]
            if client in had_permanent or (client, basis) in regularised:
                continue
            label = ResidenceDocument(document=row["document"]).get_document_display()
            self.add(
                Regularisation,
                client_id=client,
                basis=basis,
                decided_on=row["issued_on"],
                notes=_("Recorded with the %(document)s.") % {"document": label},
                created_at=self.now,
            )

    def _returns(self, rows: Iterator[Row]) -> None:
        for row in rows:
            self.add(
                VoluntaryReturn,
                client_id=self.clients[row["client_ref"]],
                returned_on=row["date"],
                country_id=row["country"],
                created_at=self.now,
            )

    def _legal(self, rows: Iterator[Row]) -> None:
        """A dossier, its victims and the decisive step (and verdict) its stored outcome is
        derived from, stored as legal.services.derive_outcome derives it."""
        for row in rows:
            outcome, day = row["outcome"] or DossierOutcome.PENDING, row["outcome_date"]
            verdict = row["verdict"] if row["verdict"] not in (None, "pending") else ""
            dossier = self.add(
                Dossier,
                code=row["dossier_ref"],
                office=ProsecutionOffice.OTHER,
                opened_on=row["opened_on"],
                centre_civil_party_on=row["centre_civil_party_on"],
                outcome=outcome,
                outcome_date=day if outcome != DossierOutcome.PENDING else None,
                verdict=verdict,
                verdict_date=day if verdict else None,
                appealed=False,
                created_by_id=self.author.pk,
                created_at=self.now,
                updated_at=self.now,
            )
            for ref in row["client_refs"]:
                self.add(Victim, dossier_id=dossier, client_id=self.clients[ref])
            if outcome in OUTCOME_EVENT:
                self.add(
                    DossierEvent,
                    dossier_id=dossier,
                    kind=OUTCOME_EVENT[outcome],
                    date=day,
                    created_by_id=self.author.pk,
                    created_at=self.now,
                )
            if verdict:
                self.add(
                    DossierEvent,
                    dossier_id=dossier,
                    kind=EventKind.VERDICT,
                    date=day,
                    verdict=verdict,
                    created_by_id=self.author.pk,
                    created_at=self.now,
                )

    def _contacts(self, rows: Iterator[Row]) -> None:
        for row in rows:
            self.add(
                Appointment,
                client_id=self.clients[row["client_ref"]],
                starts_at=datetime.datetime.combine(row["date"], CONTACT_HOUR, tzinfo=BRUSSELS),
                duration_minutes=row["minutes"],
                interpreter_minutes=row["interpreter_minutes"] or 0,
                kind=APPOINTMENT_KIND[row["kind"]],
                status=AppointmentStatus.DONE,
                track=Track.PSYCHOSOCIAL,
                worker_id=self.author.pk,
                created_by_id=self.author.pk,
                created_at=self.now,
                updated_at=self.now,
            )

    def _outreach(self, rows: Iterator[Row]) -> None:
        for row in rows:
            self.add(
                Activity,
                date=row["date"],
                kind=row["kind"],
                participants=row["participants"],
                audience=row["audience"] or "",
                country_id=row["country"],
                created_by_id=self.author.pk,
                created_at=self.now,
            )

    # Derived columns, after the rows are written.

    def _residential(self) -> None:
        """An episode is residential when the client slept in the shelter during it: the new
        episodes, and those of clients with new stays."""
        clients = self.new_episode_clients | self.stay_clients
        if not clients:
            return
        stays: dict[int, list[tuple[datetime.date, datetime.date | None]]] = defaultdict(list)
        for client, check_in, check_out in Stay.objects.filter(centre=self.centre).values_list(
            "client_id", "check_in", "check_out"
        ):
            if client in clients:
                stays[client].append((check_in, check_out))
        changed = []
        for pk, client, start, end, residential in Episode.objects.filter(
            centre=self.centre
        ).values_list("pk", "client_id", "start_date", "end_date", "residential"):
            if residential or client not in stays:
                continue
            if pk not in self.new_episodes and client not in self.stay_clients:
                continue
            if any(_shares_a_night(start, end, s, e) for s, e in stays[client]):
                changed.append((True, pk))
        bulk.update(Episode, ["residential"], changed)

    def _residence_status(self) -> None:
        """Client.residence_valid_until and residence_renewal_pending, as
        residence.services.refresh_client_status gives them, for the clients whose documents
        or episodes were imported."""
        clients = self.document_clients | self.new_episode_clients
        if not clients:
            return
        in_guidance = set(
            Episode.objects.filter(centre=self.centre, end_date__isnull=True).values_list(
                "client_id", flat=True
            )
        )
        documents: dict[int, list[ResidenceDocument]] = defaultdict(list)
        for document in ResidenceDocument.objects.filter(centre=self.centre).only(
            "id", "client_id", "document", "issued_on", "valid_until"
        ):
            if document.client_id in clients and document.client_id in in_guidance:
                documents[document.client_id].append(document)
        pending = set(
            Renewal.objects.filter(centre=self.centre, decision=Decision.PENDING).values_list(
                "document_id", flat=True
            )
        )
        changed = []
        for pk, until, was_pending in Client.objects.filter(centre=self.centre).values_list(
            "pk", "residence_valid_until", "residence_renewal_pending"
        ):
            if pk not in clients:
                continue
            own = documents.get(pk, [])
            latest = max(own, key=lambda d: (d.issued_on, d.pk), default=None)
            values = (status.current_validity(own), latest is not None and latest.pk in pending)
            if values != (until, was_pending):
                changed.append((*values, pk))
        bulk.update(Client, ["residence_valid_until", "residence_renewal_pending"], changed)


def _shares_a_night(
    start: datetime.date,
    end: datetime.date | None,
    check_in: datetime.date,
    check_out: datetime.date | None,
) -> bool:
    """Whether a stay (nights ``check_in <= d < check_out``) has a night within an episode's
    days ``start..end``."""
    first = max(start, check_in)
    if end is not None and first > end:
        return False
    return check_out is None or first < check_out
