"""``haven import``: the dataset format of REPORT.md section 1, all or nothing."""

import datetime
import io
import random
import textwrap
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import models

from haven.accounts.models import User
from haven.appointments.models import Appointment
from haven.audit.models import AuditEntry
from haven.centres.models import Centre
from haven.clients.models import Client
from haven.factories import CentreFactory, ClientFactory
from haven.guidance.models import Episode
from haven.history.importer import ImportFailed, import_author, import_dataset
from haven.history.mapping import BRUSSELS
from haven.intake.models import Intake, Screening
from haven.legal.models import Dossier, DossierEvent, Victim
from haven.legal.services import derive_outcome
from haven.outreach.models import Activity
from haven.residence.models import (
    Regularisation,
    RegularisationBasis,
    ResidenceDocument,
    VoluntaryReturn,
)
from haven.residence.services import refresh_client_status
from haven.shelter.models import Assignment, House, Room, Stay, Wing

SAMPLE = Path(__file__).parent / "fixtures" / "report-sample" / "dataset"
MODELS: list[type[models.Model]] = [
    Centre,
    User,
    Client,
    Intake,
    Screening,
    Episode,
    House,
    Wing,
    Room,
    Stay,
    Assignment,
    ResidenceDocument,
    Regularisation,
    VoluntaryReturn,
    Dossier,
    Victim,
    DossierEvent,
    Appointment,
    Activity,
    AuditEntry,
]

# A small dataset that imports; each bad dataset below changes one of its files.
BASE = {
    "clients": """
        client_ref,gender,birth_date,birth_year,nationality,pseudonym
        C1,F,1990-01-01,,RO,
        C2,M,,1985,,Rover
    """,
    "rooms": """
        room,opened_on,closed_on
        A1,2020-01-01,
        A2,2020-01-01,
        A3,2020-01-01,2023-07-01
    """,
    "intakes": """
        intake_ref,received_at,channel,referrer,client_ref,indicators,outcome
        I1,2023-01-01,phone,victim,C1,yes,guidance_started
        I2,2023-01-02T14:30:00,email,judicial,,,pending
    """,
    "guidance": """
        guidance_ref,client_ref,start_date,end_date,end_reason,exploitation,exploitation_other,arrondissement
        G1,C1,2023-01-01,2023-03-01,,sexual,labour,BRU
        G2,C2,2023-02-01,,,labour,,
    """,
    "stays": """
        client_ref,room,check_in,check_out
        C1,A1,2023-01-01,2023-01-20
        C2,A2,2023-02-01,
    """,
    "residence": """
        client_ref,document,issued_on,valid_until
        C2,annex15,2023-02-01,2023-03-17
    """,
    "returns": """
        client_ref,date,country
        C1,2023-04-01,RO
    """,
    "legal": """
        dossier_ref,client_refs,opened_on,outcome,outcome_date,verdict,centre_civil_party_on
        D1,C1;C2,2023-01-01,court,2023-06-01,conviction,
    """,
    "contacts": """
        client_ref,date,kind,minutes,interpreter_minutes
        C1,2023-01-05,individual,60,30
    """,
    "outreach": """
        date,kind,participants,audience,country
        2023-01-10,training,25,police,
    """,
}


def write_dataset(directory: Path, **files: str) -> Path:
    """The base dataset with some files replaced (by name without .csv; None leaves it out)."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in {**BASE, **files}.items():
        if text is not None:
            path = directory / (name if name.endswith(".csv") else f"{name}.csv")
            path.write_text(textwrap.dedent(text).strip() + "\n", encoding="utf-8")
    return directory


def counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in MODELS}


def problems_of(directory: Path, centre: str = "NEW") -> list[str]:
    """The problems of a refused import, after checking that nothing was stored."""
    before = counts()
    with pytest.raises(ImportFailed) as refused:
        import_dataset(directory, centre)
    assert counts() == before
    return refused.value.problems


def test_the_sample_dataset_imports_with_the_expected_counts_per_model(db: Any) -> None:
    before = counts()
    summary = import_dataset(SAMPLE, "SAMPLE")
    after = counts()
    added = {label: after[label] - before[label] for label in after}
    assert added == {
        "centres.Centre": 1,
        "accounts.User": 1,
        "clients.Client": 40,
        "intake.Intake": 122,
        "intake.Screening": 78,
        "guidance.Episode": 41,
        "shelter.House": 1,
        "shelter.Wing": 1,
        "shelter.Room": 4,
        "shelter.Stay": 7,
        "shelter.Assignment": 8,
        "residence.ResidenceDocument": 8,
        "residence.Regularisation": 3,
        "residence.VoluntaryReturn": 2,
        "legal.Dossier": 5,
        "legal.Victim": 6,
        "legal.DossierEvent": 5,
        "appointments.Appointment": 5,
        "outreach.Activity": 6,
        "audit.AuditEntry": 1,
    }
    assert summary.counts == {
        "clients.csv": 40,
        "rooms.csv": 4,
        "intakes.csv": 122,
        "guidance.csv": 41,
        "stays.csv": 8,
        "residence.csv": 8,
        "returns.csv": 2,
        "legal.csv": 5,
        "contacts.csv": 5,
        "outreach.csv": 6,
    }
    centre = Centre.objects.get(code="SAMPLE")
    assert centre.name == "SAMPLE"
    assert Client.objects.for_centre(centre).get(file_code="S001").pseudonym == "Sam1"


def test_the_import_author_is_an_inactive_volunteer_of_the_centre(tmp_path: Path, db: Any) -> None:
    import_dataset(write_dataset(tmp_path), "NEW")
    author = User.objects.get(username="import-new")
    assert author.centre == Centre.objects.get(code="NEW")
    assert (author.role, author.is_active) == ("volunteer", False)
    assert author.first_name == "History import"
    assert not author.has_usable_password()
    assert import_author(Centre.objects.get(code="NEW")) == author
    assert set(Intake.objects.values_list("registered_by", flat=True)) == {author.pk}


def test_an_imported_row_keeps_its_values(tmp_path: Path, db: Any) -> None:
    import_dataset(write_dataset(tmp_path), "NEW")
    c1 = Client.objects.get(file_code="C1")
    c2 = Client.objects.get(file_code="C2")
    assert (c1.pseudonym, c1.gender, c1.birth_date, c1.nationality_id) == (
        "C1",
        "F",
        datetime.date(1990, 1, 1),
        "RO",
    )
    assert (c2.pseudonym, c2.birth_year, c2.nationality_id) == ("Rover", 1985, None)
    i1, i2 = Intake.objects.order_by("code")
    assert i1.received_at == datetime.datetime(2023, 1, 1, tzinfo=BRUSSELS)
    assert (i1.client, i1.outcome, i1.screening.conclusion) == (c1, "guidance_started", "yes")
    assert i2.received_at == datetime.datetime(2023, 1, 2, 14, 30, tzinfo=BRUSSELS)
    assert (i2.client, i2.outcome) == (None, "")
    assert not Screening.objects.filter(intake=i2).exists()
    g1 = Episode.objects.get(ref="G1")
    assert (g1.client, g1.end_date, g1.other_forms, g1.district) == (
        c1,
        datetime.date(2023, 3, 1),
        ["labour"],
        "BRU",
    )
    contact = Appointment.objects.get()
    assert contact.starts_at == datetime.datetime(2023, 1, 5, 10, 0, tzinfo=BRUSSELS)
    assert (contact.kind, contact.status, contact.duration_minutes) == ("individual", "done", 60)
    assert contact.interpreter_minutes == 30
    room = Room.objects.get(code="A3")
    assert (room.closed_on, room.wing.name, room.wing.house.name) == (
        datetime.date(2023, 7, 1),
        "Imported",
        "Imported",
    )
    activity = Activity.objects.get()
    assert (activity.kind, activity.participants, activity.audience) == ("training", 25, "police")


def test_a_datetime_with_an_offset_keeps_its_moment(tmp_path: Path, db: Any) -> None:
    intakes = """
        intake_ref,received_at,channel,referrer
        I1,2022-12-31T23:30:00+00:00,phone,victim
    """
    import_dataset(write_dataset(tmp_path, intakes=intakes), "NEW")
    received = Intake.objects.get().received_at
    assert received == datetime.datetime(2022, 12, 31, 23, 30, tzinfo=datetime.UTC)
    assert received.astimezone(BRUSSELS).date() == datetime.date(2023, 1, 1)


def test_a_file_with_a_byte_order_mark_and_columns_in_another_order_imports(
    tmp_path: Path, db: Any
) -> None:
    write_dataset(tmp_path)
    (tmp_path / "clients.csv").write_bytes(
        "\ufeffpseudonym,gender,client_ref\r\nMoon,F,C1\r\n,M,C2\r\n".encode()
    )
    import_dataset(tmp_path, "NEW")
    assert dict(Client.objects.values_list("file_code", "pseudonym")) == {"C1": "Moon", "C2": "C2"}


def test_every_file_is_optional(tmp_path: Path, db: Any) -> None:
    outreach = BASE["outreach"]
    only = dict.fromkeys(BASE)
    summary = import_dataset(write_dataset(tmp_path, **{**only, "outreach": outreach}), "NEW")
    assert summary.counts["outreach.csv"] == 1
    assert summary.counts["clients.csv"] == 0
    assert Activity.objects.count() == 1


def test_a_dry_run_stores_nothing(tmp_path: Path, db: Any) -> None:
    before = counts()
    summary = import_dataset(write_dataset(tmp_path), "NEW", dry_run=True)
    assert counts() == before
    assert summary.dry_run
    assert summary.counts["clients.csv"] == 2


# Each kind of bad row, in a dataset otherwise fine: the files replaced, the exact problem.
BAD: dict[str, tuple[dict[str, str], str]] = {
    "unknown_code": (
        {
            "intakes": """
                intake_ref,received_at,channel,referrer
                I1,2023-01-01,phone,victim
                I2,2023-01-02,fax,victim
            """
        },
        'intakes.csv:3: channel: unknown code "fax" (one of phone, email, in_person, '
        "reporting_point, outreach, other)",
    ),
    "bad_date": (
        {"residence": "client_ref,document,issued_on,valid_until\nC1,annex15,2023-13-01,"},
        'residence.csv:2: issued_on: not a date (YYYY-MM-DD): "2023-13-01"',
    ),
    "bad_datetime": (
        {"intakes": "intake_ref,received_at,channel,referrer\nI1,2023-01-01 9h,phone,victim"},
        "intakes.csv:2: received_at: not a date (YYYY-MM-DD) or an ISO 8601 date and time "
        '(YYYY-MM-DDTHH:MM:SS): "2023-01-01 9h"',
    ),
    "missing_required_column": (
        {"clients": "client_ref,birth_date\nC1,\nC2,"},
        "clients.csv:1: gender: required column missing",
    ),
    "extra_column": (
        {"clients": "client_ref,gender,shoe_size\nC1,F,42\nC2,M,43"},
        "clients.csv:1: shoe_size: unknown column (expected: client_ref, gender, birth_date, "
        "birth_year, nationality, pseudonym)",
    ),
    "empty_required_cell": (
        {"intakes": "intake_ref,received_at,channel,referrer\nI1,,phone,victim"},
        "intakes.csv:2: received_at: required, but empty",
    ),
    "unknown_client_ref": (
        {
            "intakes": "intake_ref,received_at,channel,referrer,client_ref\n"
            "I1,2023-01-01,phone,victim,S999"
        },
        "intakes.csv:2: client_ref: no client S999 in clients.csv or the centre",
    ),
    "unknown_client_ref_in_a_list": (
        {"legal": "dossier_ref,client_refs\nD1,C1;S999"},
        "legal.csv:2: client_refs: no client S999 in clients.csv or the centre",
    ),
    "duplicate_ref": (
        {"clients": "client_ref,gender\nC1,F\nC2,M\nC1,X"},
        "clients.csv:4: client_ref: C1 already on line 2",
    ),
    "unknown_nationality": (
        {"clients": "client_ref,gender,nationality\nC1,F,QQ\nC2,M,"},
        'clients.csv:2: nationality: unknown code "QQ" (not in Haven\'s nationality list)',
    ),
    "negative_minutes": (
        {"contacts": "client_ref,date,kind,minutes\nC1,2023-01-05,individual,-5"},
        'contacts.csv:2: minutes: not a whole number of zero or more: "-5"',
    ),
    "episode_ends_before_it_starts": (
        {
            "guidance": """
                guidance_ref,client_ref,start_date,end_date,exploitation
                G1,C1,2023-03-01,2023-01-02,sexual
            """
        },
        "guidance.csv:2: end_date: ends 2023-01-02, before its start 2023-03-01",
    ),
    "document_valid_until_before_its_issue": (
        {"residence": "client_ref,document,issued_on,valid_until\nC1,ai,2023-03-01,2023-02-01"},
        "residence.csv:2: valid_until: valid until 2023-02-01, before its issue 2023-03-01",
    ),
    "stay_check_out_not_after_check_in": (
        {"stays": "client_ref,room,check_in,check_out\nC1,A1,2023-03-01,2023-03-01"},
        "stays.csv:2: check_out: check-out 2023-03-01 is not after the check-in 2023-03-01",
    ),
    "room_closes_before_it_opens": (
        {"rooms": "room,opened_on,closed_on\nA1,2020-01-01,2019-01-01\nA2,2020-01-01,"},
        "rooms.csv:2: closed_on: closes 2019-01-01, not after it opens 2020-01-01",
    ),
    "overlapping_episodes": (
        {
            "guidance": """
                guidance_ref,client_ref,start_date,end_date,exploitation
                G1,C1,2023-01-01,2023-03-01,sexual
                G2,C1,2023-03-01,,labour
            """
        },
        "guidance.csv:3: start_date: C1 is in guidance G1 from 2023-01-01 to 2023-03-01 "
        "(guidance.csv:2)",
    ),
    "double_booked_room": (
        {
            "stays": """
                client_ref,room,check_in,check_out
                C1,A1,2023-01-01,2023-01-20
                C2,A1,2023-01-19,
            """
        },
        "stays.csv:3: check_in: room A1 holds C1 from 2023-01-01 to 2023-01-20 (stays.csv:2)",
    ),
    "client_in_two_rooms_a_night": (
        {
            "stays": """
                client_ref,room,check_in,check_out
                C1,A1,2023-01-01,
                C1,A2,2023-02-01,2023-02-03
            """
        },
        "stays.csv:3: check_in: C1 sleeps in room A1 from 2023-01-01 on (stays.csv:2)",
    ),
    "unknown_room": (
        {"stays": "client_ref,room,check_in\nC1,Z9,2023-01-01"},
        "stays.csv:2: room: no room Z9 in rooms.csv or the centre",
    ),
    "stay_before_its_room_opens": (
        {"stays": "client_ref,room,check_in,check_out\nC1,A1,2019-12-01,2020-01-05"},
        "stays.csv:2: check_in: room A1 opens 2020-01-01, after this check-in",
    ),
    "stay_after_its_room_closes": (
        {"stays": "client_ref,room,check_in,check_out\nC1,A3,2023-06-01,2023-08-01"},
        "stays.csv:2: check_out: room A3 closes 2023-07-01, before this check-out",
    ),
    "open_stay_in_a_room_that_closes": (
        {"stays": "client_ref,room,check_in,check_out\nC1,A3,2023-06-01,"},
        "stays.csv:2: check_out: room A3 closes 2023-07-01: this stay needs a check-out by then",
    ),
    "permanent_document_with_valid_until": (
        {"residence": "client_ref,document,issued_on,valid_until\nC1,b_card,2023-01-01,2028-01-01"},
        "residence.csv:2: valid_until: a b_card is permanent: leave valid_until empty",
    ),
    "exploitation_other_repeating_the_primary": (
        {
            "guidance": """
                guidance_ref,client_ref,start_date,exploitation,exploitation_other
                G1,C1,2023-01-01,labour,sexual;labour
            """
        },
        'guidance.csv:2: exploitation_other: repeats the primary form "labour"',
    ),
    "outcome_before_the_dossier_opened": (
        {
            "legal": "dossier_ref,client_refs,opened_on,outcome,outcome_date\n"
            "D1,C1,2023-05-01,dismissed,2023-04-01"
        },
        "legal.csv:2: outcome_date: 2023-04-01, before the dossier opened 2023-05-01",
    ),
    "outcome_without_its_date": (
        {"legal": "dossier_ref,client_refs,outcome\nD1,C1,non_suit"},
        'legal.csv:2: outcome_date: required for the outcome "non_suit"',
    ),
    "verdict_without_court": (
        {
            "legal": "dossier_ref,client_refs,outcome,outcome_date,verdict\n"
            "D1,C1,dismissed,2023-01-01,acquittal"
        },
        'legal.csv:2: verdict: a verdict needs the outcome "court" (not "dismissed")',
    ),
    "misspelt_file": (
        {"client.csv": "client_ref,gender\nC1,F"},
        "client.csv:1: file: unknown file (expected: clients.csv, rooms.csv, intakes.csv, "
        "guidance.csv, stays.csv, residence.csv, returns.csv, legal.csv, contacts.csv, "
        "outreach.csv)",
    ),
    "row_longer_than_the_header": (
        {"returns": "client_ref,date\nC1,2023-01-01,RO"},
        "returns.csv:2: row: 3 cells, the header has 2",
    ),
}


@pytest.mark.parametrize("files, problem", list(BAD.values()), ids=list(BAD))
def test_a_dataset_breaking_a_rule_is_refused_with_its_problem_and_nothing_is_stored(
    tmp_path: Path, db: Any, files: dict[str, str], problem: str
) -> None:
    assert problems_of(write_dataset(tmp_path, **files)) == [problem]


def test_a_ref_already_in_the_centre_is_refused(tmp_path: Path, db: Any) -> None:
    centre = CentreFactory(code="NEW")
    ClientFactory(centre=centre, file_code="C2")
    assert problems_of(write_dataset(tmp_path)) == [
        "clients.csv:3: client_ref: C2 already in the centre"
    ]


def test_a_client_ref_of_the_centre_needs_no_row_in_clients_csv(tmp_path: Path, db: Any) -> None:
    centre = CentreFactory(code="NEW")
    ClientFactory(centre=centre, file_code="OLD1")
    returns = "client_ref,date\nOLD1,2023-01-01"
    import_dataset(write_dataset(tmp_path, returns=returns), "NEW")
    assert VoluntaryReturn.objects.get().client.file_code == "OLD1"


def test_an_episode_overlapping_one_in_the_centre_is_refused(tmp_path: Path, db: Any) -> None:
    centre = CentreFactory(code="NEW")
    client = ClientFactory(centre=centre, file_code="OLD1")
    Episode.objects.create(
        centre=centre,
        client=client,
        ref="H7",
        start_date=datetime.date(2022, 1, 1),
        created_by=import_author(centre),
    )
    guidance = """
        guidance_ref,client_ref,start_date,exploitation
        G1,OLD1,2023-01-01,labour
    """
    assert problems_of(write_dataset(tmp_path, guidance=guidance)) == [
        "guidance.csv:2: start_date: OLD1 is in guidance H7 from 2022-01-01, not ended "
        "(in the centre)"
    ]


def test_a_room_booked_in_the_centre_is_refused(tmp_path: Path, db: Any) -> None:
    from haven.shelter.testing import make_room, make_stay

    centre = CentreFactory(code="NEW")
    room = make_room(centre, code="OLD")
    stay = make_stay(centre, room=room, check_in=datetime.date(2023, 1, 10))
    stays = "client_ref,room,check_in,check_out\nC1,OLD,2023-01-01,2023-01-11"
    assert problems_of(write_dataset(tmp_path, stays=stays)) == [
        f"stays.csv:2: check_out: room OLD holds {stay.client.file_code} from 2023-01-10 on "
        "(in the centre)"
    ]


def test_a_second_import_of_the_same_data_is_refused(tmp_path: Path, db: Any) -> None:
    import_dataset(SAMPLE, "SAMPLE")
    problems = problems_of(SAMPLE, "SAMPLE")
    assert problems[0] == "clients.csv:2: client_ref: S001 already in the centre"
    assert len(problems) == 100


def test_problems_are_listed_up_to_a_hundred_then_and_more(tmp_path: Path, db: Any) -> None:
    rows = "\n".join(f"X{n},2023-01-01,phone,victim,S{n}" for n in range(150))
    intakes = "intake_ref,received_at,channel,referrer,client_ref\n" + rows
    with pytest.raises(ImportFailed) as refused:
        import_dataset(write_dataset(tmp_path, intakes=intakes), "NEW")
    assert len(refused.value.problems) == 100
    assert refused.value.more
    assert refused.value.lines()[-1] == "... and more"
    assert refused.value.lines()[0] == (
        "intakes.csv:2: client_ref: no client S0 in clients.csv or the centre"
    )


def test_problems_are_listed_by_file_and_line(tmp_path: Path, db: Any) -> None:
    stays = """
        client_ref,room,check_in,check_out
        C1,A1,2023-01-01,2023-01-20
        C2,A1,2023-01-10,2023-01-12
        C2,A9,2023-02-01,
    """
    clients = "client_ref,gender\nC1,F\nC2,Q"
    assert problems_of(write_dataset(tmp_path, stays=stays, clients=clients)) == [
        'clients.csv:3: gender: unknown code "Q" (one of F, M, X, U)',
        "stays.csv:3: check_in: room A1 holds C1 from 2023-01-01 to 2023-01-20 (stays.csv:2)",
        "stays.csv:4: room: no room A9 in rooms.csv or the centre",
    ]


def test_the_command_imports_and_prints_the_counts_per_file(tmp_path: Path, db: Any) -> None:
    out = io.StringIO()
    call_command("import", str(write_dataset(tmp_path)), "--centre", "new", stdout=out)
    assert "Imported into NEW:" in out.getvalue()
    assert "clients.csv 2 rows" in " ".join(out.getvalue().split())
    assert Client.objects.count() == 2


def test_the_command_fails_with_the_problems_on_stderr(tmp_path: Path, db: Any) -> None:
    out, err = io.StringIO(), io.StringIO()
    before = counts()
    directory = write_dataset(tmp_path, clients="client_ref,gender\nC1,F\nC2,M\nC1,F")
    with pytest.raises(CommandError) as failed:
        call_command("import", str(directory), "--centre", "NEW", stdout=out, stderr=err)
    assert failed.value.returncode == 1
    assert str(failed.value) == "1 problems found: nothing imported."
    assert err.getvalue() == "clients.csv:4: client_ref: C1 already on line 2\n"
    assert out.getvalue() == ""
    assert counts() == before


def test_the_command_dry_run_stores_nothing(tmp_path: Path, db: Any) -> None:
    out = io.StringIO()
    before = counts()
    call_command("import", str(write_dataset(tmp_path)), "--centre", "NEW", "--dry-run", stdout=out)
    assert counts() == before
    assert out.getvalue().startswith("Dry run: nothing stored. Would import into NEW:")
    assert "intakes.csv 2 rows" in " ".join(out.getvalue().split())


def test_the_import_writes_one_audit_entry_without_personal_values(tmp_path: Path, db: Any) -> None:
    import_dataset(write_dataset(tmp_path), "NEW")
    entry = AuditEntry.objects.get()
    assert entry.centre == Centre.objects.get(code="NEW")
    assert entry.note.startswith("History imported into NEW: clients.csv 2, rooms.csv 3,")
    assert entry.changes["rows"]["clients.csv"] == 2
    assert entry.changes["records"]["clients.Client"] == 2
    assert "Rover" not in str(entry.changes) + entry.note


# --- derived columns ------------------------------------------------------------------------


def test_the_residence_status_equals_what_refresh_client_status_gives(
    tmp_path: Path, db: Any
) -> None:
    clients = "client_ref,gender\nC1,F\nC2,M\nC3,X\nC4,U"
    guidance = """
        guidance_ref,client_ref,start_date,end_date,exploitation
        G1,C1,2023-01-01,,sexual
        G2,C2,2023-01-01,2023-06-01,labour
        G3,C3,2023-01-01,,labour
    """
    residence = """
        client_ref,document,issued_on,valid_until
        C1,annex15,2023-01-01,2023-02-14
        C1,ai,2023-02-15,2023-05-15
        C2,a_card,2023-02-15,2023-08-15
        C3,ai,2023-01-15,2023-04-15
        C3,b_card,2023-04-15,
        C4,ai,2023-01-15,2023-04-15
    """
    directory = write_dataset(
        tmp_path,
        clients=clients,
        guidance=guidance,
        residence=residence,
        stays=None,
        legal=None,
        intakes=None,
    )
    import_dataset(directory, "NEW")
    stored = dict(Client.objects.values_list("file_code", "residence_valid_until"))
    assert stored == {"C1": datetime.date(2023, 5, 15), "C2": None, "C3": None, "C4": None}
    for client in Client.objects.all():
        values = (client.residence_valid_until, client.residence_renewal_pending)
        refresh_client_status(client)
        client.refresh_from_db()
        assert (client.residence_valid_until, client.residence_renewal_pending) == values


def test_a_first_permanent_document_records_the_regularisation(db: Any) -> None:
    import_dataset(SAMPLE, "SAMPLE")
    regularised = {
        (r.client.file_code, r.basis, r.decided_on) for r in Regularisation.objects.all()
    }
    assert regularised == {
        ("S004", RegularisationBasis.TRAFFICKING, datetime.date(2023, 4, 4)),
        ("S005", RegularisationBasis.TRAFFICKING, datetime.date(2019, 4, 4)),
        ("S006", RegularisationBasis.HUMANITARIAN, datetime.date(2023, 8, 8)),
    }


def test_room_assignments_that_follow_each_other_are_one_stay(db: Any) -> None:
    import_dataset(SAMPLE, "SAMPLE")
    stay = Stay.objects.get(client__file_code="S003")
    assert (stay.check_in, stay.check_out) == (
        datetime.date(2022, 11, 15),
        datetime.date(2023, 5, 20),
    )
    rooms = list(stay.assignments.order_by("start").values_list("room__code", "start", "end"))
    assert rooms == [
        ("A1", datetime.date(2022, 11, 15), datetime.date(2023, 2, 1)),
        ("B1", datetime.date(2023, 2, 1), datetime.date(2023, 5, 20)),
    ]
    assert Stay.objects.get(client__file_code="S005").check_out is None


def test_a_dossiers_stored_outcome_equals_what_derive_outcome_gives(db: Any) -> None:
    import_dataset(SAMPLE, "SAMPLE")
    sd1 = Dossier.objects.get(code="SD1")
    assert (sd1.outcome, sd1.outcome_date, sd1.verdict, sd1.verdict_date) == (
        "court",
        datetime.date(2023, 2, 2),
        "conviction",
        datetime.date(2023, 2, 2),
    )
    assert sd1.office == "OTHER"
    assert {v.client.file_code for v in sd1.victims.all()} == {"S003", "S004"}
    for dossier in Dossier.objects.all():
        assert derive_outcome(dossier) == {}, dossier.code
    sd4 = Dossier.objects.get(code="SD4")
    assert (sd4.outcome, sd4.verdict) == ("court", "")
    sd5 = Dossier.objects.get(code="SD5")
    assert (sd5.outcome, sd5.outcome_date) == ("pending", None)


def test_an_episode_with_a_night_in_the_shelter_is_residential(db: Any) -> None:
    import_dataset(SAMPLE, "SAMPLE")
    residential = set(Episode.objects.filter(residential=True).values_list("ref", flat=True))
    # S005 and S009 slept in the shelter during their guidance (S009's stay began before it);
    # S003's guidance of 2020 saw no night of their stay of 2022.
    assert {"SG003", "SG007"} <= residential
    assert "SG001" not in residential
    for episode in Episode.objects.all():
        nights = Stay.objects.filter(
            client=episode.client, check_in__lte=episode.end_date or datetime.date.max
        )
        shares = any((s.check_out is None or s.check_out > episode.start_date) for s in nights)
        assert episode.residential == shares, episode.ref


# --- a large generated dataset (for timing by hand; a small one here) ----------------------


def write_large_dataset(directory: Path, *, scale: float = 1.0, seed: int = 7) -> Path:
    """A valid dataset of about 7,000 clients, 10,000 intakes and 2,000 guidance episodes per
    ``scale``, with their stays, documents, returns, dossiers and contacts."""
    rng = random.Random(seed)
    directory.mkdir(parents=True, exist_ok=True)
    n_clients, n_intakes, n_episodes = int(7000 * scale), int(10000 * scale), int(2000 * scale)
    start = datetime.date(1995, 1, 1)

    def day(offset: int) -> str:
        return (start + datetime.timedelta(days=offset)).isoformat()

    def write(name: str, header: str, rows: list[str]) -> None:
        (directory / name).write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")

    genders, nationalities = "FMXU", ["RO", "NG", "BG", "AL", "MA", "CN", "YUCS", "XK", ""]
    write(
        "clients.csv",
        "client_ref,gender,birth_date,birth_year,nationality,pseudonym",
        [
            f"K{n:05d},{rng.choice(genders)},{day(-rng.randrange(9000)) if n % 3 else ''},"
            f"{1970 + n % 30 if n % 3 == 0 else ''},{rng.choice(nationalities)},P{n}"
            for n in range(n_clients)
        ],
    )
    channels = ["phone", "email", "in_person", "reporting_point", "outreach", "other"]
    referrers = ["victim", "social_sector", "judicial", "medical", "unknown"]
    write(
        "intakes.csv",
        "intake_ref,received_at,channel,referrer,client_ref,indicators,outcome",
        [
            f"N{n:06d},{day(rng.randrange(11000))}{'T14:10:00' if n % 2 else ''},"
            f"{rng.choice(channels)},{rng.choice(referrers)},"
            f"{f'K{n % n_clients:05d}' if n % 3 == 0 else ''},{rng.choice(['yes', 'no', ''])},"
            f"{rng.choice(['guidance_started', 'declined', 'pending', ''])}"
            for n in range(n_intakes)
        ],
    )
    episodes = []
    for n in range(n_episodes):
        first = rng.randrange(10000)
        end = day(first + rng.randrange(2000)) if n % 4 else ""
        forms = ["sexual", "labour", "begging", "criminality"]
        primary = forms[n % 4]
        other = forms[(n + 1) % 4] if n % 5 == 0 else ""
        episodes.append(f"E{n:05d},K{n:05d},{day(first)},{end},,{primary},{other},BRU")
    write(
        "guidance.csv",
        "guidance_ref,client_ref,start_date,end_date,end_reason,exploitation,exploitation_other,"
        "arrondissement",
        episodes,
    )
    rooms = max(2, int(30 * scale))
    write("rooms.csv", "room,opened_on,closed_on", [f"R{n:02d},1995-01-01," for n in range(rooms)])
    stays, client = [], 0
    for room in range(rooms):
        at = rng.randrange(100)
        while client < n_episodes and at < 11000:
            length = 20 + rng.randrange(300)
            stays.append(f"K{client:05d},R{room:02d},{day(at)},{day(at + length)}")
            client += 1
            at += length + rng.randrange(30)
    write("stays.csv", "client_ref,room,check_in,check_out", stays)
    documents = []
    for n in range(n_episodes):
        issued = rng.randrange(10000)
        documents.append(f"K{n:05d},annex15,{day(issued)},{day(issued + 45)}")
        documents.append(f"K{n:05d},ai,{day(issued + 46)},{day(issued + 136)}")
        if n % 3 == 0:
            documents.append(f"K{n:05d},b_card,{day(issued + 400)},")
    write("residence.csv", "client_ref,document,issued_on,valid_until", documents)
    write(
        "returns.csv",
        "client_ref,date,country",
        [f"K{n:05d},{day(rng.randrange(11000))},RO" for n in range(0, n_episodes, 20)],
    )
    write(
        "legal.csv",
        "dossier_ref,client_refs,opened_on,outcome,outcome_date,verdict,centre_civil_party_on",
        [
            f"D{n:05d},K{n:05d};K{n + 1:05d},{day(1000 + n)},court,{day(2000 + n)},conviction,"
            for n in range(0, n_episodes, 7)
        ],
    )
    write(
        "contacts.csv",
        "client_ref,date,kind,minutes,interpreter_minutes",
        [
            f"K{n % n_episodes:05d},{day(rng.randrange(11000))},"
            f"{rng.choice(['individual', 'group', 'phone'])},{rng.randrange(10, 120)},"
            f"{rng.choice(['', '30'])}"
            for n in range(int(20000 * scale))
        ],
    )
    write(
        "outreach.csv",
        "date,kind,participants,audience,country",
        [
            f"{day(rng.randrange(11000))},{rng.choice(['training', 'delegation', 'awareness'])},"
            f"{rng.randrange(100)},police,"
            for _n in range(int(200 * scale))
        ],
    )
    return directory


def test_a_generated_dataset_imports(tmp_path: Path, db: Any) -> None:
    summary = import_dataset(write_large_dataset(tmp_path, scale=0.02), "BIG")
    assert summary.counts["intakes.csv"] == 200
    assert Client.objects.count() == 140
    assert Episode.objects.count() == 40
