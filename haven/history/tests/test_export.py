"""The dataset export (REPORT.md section 1) and the ``haven export`` command."""

import csv
import datetime
import sys
import types
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import pyzipper
from django.core.management import call_command
from django.core.management.base import CommandError

from haven.accounts.models import User
from haven.accounts.permissions import Role
from haven.appointments.models import Kind as AppointmentKind
from haven.appointments.models import Status as AppointmentStatus
from haven.appointments.testing import make_appointment
from haven.audit.models import Action, AuditEntry
from haven.centres.models import Centre
from haven.factories import ClientFactory, IntakeFactory, NationalityFactory, UserFactory
from haven.guidance.models import Episode
from haven.history.exporter import COLUMNS, FILES, export_dataset
from haven.history.mapping import BRUSSELS
from haven.intake.models import Outcome, Screening
from haven.legal.testing import make_dossier
from haven.outreach.testing import make_activity
from haven.residence.models import DocumentType
from haven.residence.testing import make_document, make_return
from haven.shelter.testing import make_room, make_stay

UTC = datetime.UTC


def read(directory: Path, name: str) -> list[dict[str, str]]:
    with (directory / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def header(directory: Path, name: str) -> list[str]:
    with (directory / name).open(encoding="utf-8", newline="") as handle:
        return next(csv.reader(handle))


def test_an_export_writes_the_ten_files_with_exactly_the_columns_of_the_format(
    centre_a: Centre, tmp_path: Path
) -> None:
    counts = export_dataset(centre_a, tmp_path / "out")
    assert sorted(counts) == sorted(FILES)
    assert set(counts.values()) == {0}
    for name in FILES:
        assert header(tmp_path / "out", name) == list(COLUMNS[name])
    assert COLUMNS["clients.csv"] == (
        "client_ref",
        "gender",
        "birth_date",
        "birth_year",
        "nationality",
        "pseudonym",
    )
    assert COLUMNS["legal.csv"][1] == "client_refs"


def test_clients_are_written_by_file_code_without_any_identity_value(
    centre_a: Centre, tmp_path: Path
) -> None:
    NationalityFactory(code="XK")
    ClientFactory(
        centre=centre_a,
        file_code="AAA-2",
        pseudonym="Mira",
        gender="X",
        birth_year=None,
        birth_date=datetime.date(2004, 2, 29),
        nationality_id="XK",
    )
    ClientFactory(centre=centre_a, file_code="AAA-1", pseudonym="Lena", nationality=None)
    export_dataset(centre_a, tmp_path)
    assert read(tmp_path, "clients.csv") == [
        {
            "client_ref": "AAA-1",
            "gender": "F",
            "birth_date": "",
            "birth_year": "1995",
            "nationality": "",
            "pseudonym": "Lena",
        },
        {
            "client_ref": "AAA-2",
            "gender": "X",
            "birth_date": "2004-02-29",
            "birth_year": "",
            "nationality": "XK",
            "pseudonym": "Mira",
        },
    ]
    text = "".join((tmp_path / name).read_text(encoding="utf-8") for name in FILES)
    for identity in ("Testescu", "Voorbeeldstraat", "+32 470", "1995-04-12"):
        assert identity not in text


def test_an_intake_received_at_brussels_midnight_is_written_as_a_date_otherwise_with_its_offset(
    centre_a: Centre, tmp_path: Path
) -> None:
    midnight = datetime.datetime(2023, 6, 30, 22, 0, tzinfo=UTC)  # 1 July 00:00 in Brussels
    IntakeFactory(centre=centre_a, code="I1", received_at=midnight)
    IntakeFactory(
        centre=centre_a, code="I2", received_at=datetime.datetime(2023, 12, 31, 23, 30, tzinfo=UTC)
    )
    export_dataset(centre_a, tmp_path)
    rows = {row["intake_ref"]: row["received_at"] for row in read(tmp_path, "intakes.csv")}
    assert rows == {"I1": "2023-07-01", "I2": "2024-01-01T00:30:00+01:00"}
    assert datetime.datetime.fromisoformat(rows["I2"]) == datetime.datetime(
        2023, 12, 31, 23, 30, tzinfo=UTC
    )


def test_an_intake_gives_its_client_its_screening_conclusion_and_its_outcome_in_the_format_codes(
    centre_a: Centre, tmp_path: Path
) -> None:
    client = ClientFactory(centre=centre_a, file_code="AAA-9")
    open_intake = IntakeFactory(centre=centre_a, code="I1", client=client)
    IntakeFactory(centre=centre_a, code="I2", outcome=Outcome.FIRST_MEETING)
    IntakeFactory(centre=centre_a, code="I3", outcome=Outcome.DECLINED)
    Screening.objects.create(
        intake=open_intake, conclusion="unclear", screened_by=open_intake.registered_by
    )
    export_dataset(centre_a, tmp_path)
    rows = {row["intake_ref"]: row for row in read(tmp_path, "intakes.csv")}
    assert rows["I1"]["client_ref"] == "AAA-9"
    assert rows["I1"]["indicators"] == "unclear"
    assert rows["I1"]["outcome"] == ""
    assert rows["I2"]["outcome"] == "pending"
    assert rows["I2"]["indicators"] == rows["I2"]["client_ref"] == ""
    assert rows["I3"]["outcome"] == "declined"
    assert (rows["I1"]["channel"], rows["I1"]["referrer"]) == ("phone", "judicial")


def test_an_episode_keeps_its_history_reference_or_is_named_by_its_number(
    centre_a: Centre, users: dict[Role, User], tmp_path: Path
) -> None:
    client = ClientFactory(centre=centre_a, file_code="AAA-1")
    worker = users[Role.PSYCHOSOCIAL]
    Episode.objects.create(
        centre=centre_a,
        client=client,
        ref="SG7",
        start_date=datetime.date(2019, 1, 1),
        end_date=datetime.date(2019, 5, 1),
        end_reason="autonomy",
        exploitation="labour",
        other_forms=["begging", "criminality"],
        district="LUI",
        created_by=worker,
    )
    new = Episode.objects.create(
        centre=centre_a,
        client=client,
        start_date=datetime.date(2020, 1, 1),
        exploitation="sexual",
        created_by=worker,
    )
    export_dataset(centre_a, tmp_path)
    assert read(tmp_path, "guidance.csv") == [
        {
            "guidance_ref": "SG7",
            "client_ref": "AAA-1",
            "start_date": "2019-01-01",
            "end_date": "2019-05-01",
            "end_reason": "autonomy",
            "exploitation": "labour",
            "exploitation_other": "begging;criminality",
            "arrondissement": "LUI",
        },
        {
            "guidance_ref": f"G{new.pk}",
            "client_ref": "AAA-1",
            "start_date": "2020-01-01",
            "end_date": "",
            "end_reason": "",
            "exploitation": "sexual",
            "exploitation_other": "",
            "arrondissement": "",
        },
    ]


def test_an_episode_whose_form_of_exploitation_is_not_known_yet_is_written_as_other(
    centre_a: Centre, users: dict[Role, User], tmp_path: Path
) -> None:
    client = ClientFactory(centre=centre_a, file_code="AAA-1")
    Episode.objects.create(
        centre=centre_a,
        client=client,
        ref="SG1",
        start_date=datetime.date(2020, 1, 1),
        other_forms=["other", "begging"],
        created_by=users[Role.PSYCHOSOCIAL],
    )
    export_dataset(centre_a, tmp_path)
    [row] = read(tmp_path, "guidance.csv")
    assert (row["exploitation"], row["exploitation_other"]) == ("other", "begging")


def test_every_room_assignment_is_one_row_of_stays_and_every_room_one_row_of_rooms(
    centre_a: Centre, tmp_path: Path
) -> None:
    a1 = make_room(centre_a, code="A1")
    b1 = make_room(centre_a, code="B1", opened_on=datetime.date(2020, 3, 1))
    b1.closed_on = datetime.date(2024, 1, 1)
    b1.save()
    client = ClientFactory(centre=centre_a, file_code="AAA-1")
    stay = make_stay(centre_a, room=a1, client=client, check_in=datetime.date(2023, 1, 1))
    first = stay.assignments.get()
    first.end = datetime.date(2023, 2, 1)
    first.save()
    stay.assignments.create(centre=centre_a, room=b1, start=datetime.date(2023, 2, 1))
    export_dataset(centre_a, tmp_path)
    assert read(tmp_path, "rooms.csv") == [
        {"room": "A1", "opened_on": "2018-01-01", "closed_on": ""},
        {"room": "B1", "opened_on": "2020-03-01", "closed_on": "2024-01-01"},
    ]
    assert read(tmp_path, "stays.csv") == [
        {"client_ref": "AAA-1", "room": "A1", "check_in": "2023-01-01", "check_out": "2023-02-01"},
        {"client_ref": "AAA-1", "room": "B1", "check_in": "2023-02-01", "check_out": ""},
    ]


def test_documents_of_other_routes_are_written_as_other_and_returns_with_their_country(
    centre_a: Centre, tmp_path: Path
) -> None:
    client = ClientFactory(centre=centre_a, file_code="AAA-1")
    make_document(
        centre_a,
        client=client,
        document=DocumentType.EU_REGISTRATION,
        issued_on=datetime.date(2022, 1, 1),
        valid_until=datetime.date(2027, 1, 1),
    )
    make_document(
        centre_a,
        client=client,
        document=DocumentType.B_CARD,
        issued_on=datetime.date(2023, 4, 4),
        valid_until=None,
    )
    make_return(centre_a, client=client, returned_on=datetime.date(2023, 5, 5))
    export_dataset(centre_a, tmp_path)
    assert read(tmp_path, "residence.csv") == [
        {
            "client_ref": "AAA-1",
            "document": "other",
            "issued_on": "2022-01-01",
            "valid_until": "2027-01-01",
        },
        {"client_ref": "AAA-1", "document": "b_card", "issued_on": "2023-04-04", "valid_until": ""},
    ]
    [returned] = read(tmp_path, "returns.csv")
    assert returned["client_ref"] == "AAA-1"
    assert returned["date"] == "2023-05-05"


def test_a_dossier_lists_its_victims_and_its_stored_outcome(
    centre_a: Centre, tmp_path: Path
) -> None:
    victims = [
        ClientFactory(centre=centre_a, file_code=code) for code in ("AAA-3", "AAA-1", "AAA-2")
    ]
    make_dossier(
        centre_a,
        code="SD1",
        victims=victims,
        opened_on=datetime.date(2021, 1, 1),
        outcome="court",
        outcome_date=datetime.date(2023, 2, 2),
        verdict="conviction",
        verdict_date=datetime.date(2023, 2, 2),
        centre_civil_party_on=datetime.date(2023, 3, 3),
    )
    make_dossier(centre_a, code="SD2", victims=victims[:1], opened_on=None)
    export_dataset(centre_a, tmp_path)
    assert read(tmp_path, "legal.csv") == [
        {
            "dossier_ref": "SD1",
            "client_refs": "AAA-1;AAA-2;AAA-3",
            "opened_on": "2021-01-01",
            "outcome": "court",
            "outcome_date": "2023-02-02",
            "verdict": "conviction",
            "centre_civil_party_on": "2023-03-03",
        },
        {
            "dossier_ref": "SD2",
            "client_refs": "AAA-3",
            "opened_on": "",
            "outcome": "pending",
            "outcome_date": "",
            "verdict": "",
            "centre_civil_party_on": "",
        },
    ]


def test_contacts_are_the_held_appointments_with_a_client_of_the_counted_kinds(
    centre_a: Centre, tmp_path: Path
) -> None:
    client = ClientFactory(centre=centre_a, file_code="AAA-1")
    done = AppointmentStatus.DONE
    late = datetime.datetime(2022, 12, 31, 23, 30, tzinfo=UTC)  # 1 January in Brussels

    def held(kind: str, starts_at: datetime.datetime, **values: Any) -> None:
        values.setdefault("status", done)
        values.setdefault("client", client)
        make_appointment(centre_a, kind=kind, starts_at=starts_at, **values)

    held(AppointmentKind.HOME_VISIT, late, duration_minutes=90, interpreter_minutes=30)
    held(AppointmentKind.PHONE, late + datetime.timedelta(days=1), duration_minutes=10)
    held(AppointmentKind.GROUP, late + datetime.timedelta(days=2), duration_minutes=120)
    held(AppointmentKind.ACCOMPANY_POLICE, late)
    held(AppointmentKind.INDIVIDUAL, late, status=AppointmentStatus.PLANNED)
    held(AppointmentKind.INDIVIDUAL, late, status=AppointmentStatus.MISSED)
    held(AppointmentKind.GROUP, late, client=None)
    export_dataset(centre_a, tmp_path)
    assert read(tmp_path, "contacts.csv") == [
        {
            "client_ref": "AAA-1",
            "date": "2023-01-01",
            "kind": "individual",
            "minutes": "90",
            "interpreter_minutes": "30",
        },
        {
            "client_ref": "AAA-1",
            "date": "2023-01-02",
            "kind": "phone",
            "minutes": "10",
            "interpreter_minutes": "0",
        },
        {
            "client_ref": "AAA-1",
            "date": "2023-01-03",
            "kind": "group",
            "minutes": "120",
            "interpreter_minutes": "0",
        },
    ]
    assert late.astimezone(BRUSSELS).date() == datetime.date(2023, 1, 1)


def test_outreach_activities_are_written_with_their_audience_and_country(
    centre_a: Centre, tmp_path: Path
) -> None:
    NationalityFactory(code="JP")
    make_activity(centre_a, date=datetime.date(2023, 1, 10), audience="magistrates")
    make_activity(
        centre_a,
        date=datetime.date(2023, 4, 10),
        kind="delegation",
        participants=5,
        audience="",
        country_id="JP",
    )
    export_dataset(centre_a, tmp_path)
    assert read(tmp_path, "outreach.csv") == [
        {
            "date": "2023-01-10",
            "kind": "training",
            "participants": "12",
            "audience": "magistrates",
            "country": "",
        },
        {
            "date": "2023-04-10",
            "kind": "delegation",
            "participants": "5",
            "audience": "",
            "country": "JP",
        },
    ]


def test_an_export_holds_nothing_of_another_centre(
    centre_a: Centre, centre_b: Centre, tmp_path: Path
) -> None:
    ClientFactory(centre=centre_b, file_code="BBB-1")
    IntakeFactory(centre=centre_b, code="I-B")
    make_room(centre_b, code="B-ROOM")
    make_activity(centre_b)
    counts = export_dataset(centre_a, tmp_path)
    assert set(counts.values()) == {0}


def test_an_export_is_recorded_in_the_audit_log_with_who_and_how_many_rows(
    centre_a: Centre, users: dict[Role, User], tmp_path: Path
) -> None:
    ClientFactory(centre=centre_a)
    ClientFactory(centre=centre_a)
    export_dataset(centre_a, tmp_path, by=users[Role.DIRECTOR])
    entry = AuditEntry.objects.get(centre=centre_a, action=Action.VIEW)
    assert entry.actor == users[Role.DIRECTOR]
    assert entry.note == "export: dataset CSV files; reason: not given; rows: 2; identity: no"


# The command ------------------------------------------------------------------------------


def test_the_command_writes_the_dataset_into_a_directory_and_audits_it(
    centre_a: Centre, tmp_path: Path, capsys: Any
) -> None:
    ClientFactory(centre=centre_a)
    call_command("export", "--centre", "aaa", "--format", "dataset", "-o", str(tmp_path / "d"))
    assert len(read(tmp_path / "d", "clients.csv")) == 1
    assert "clients.csv: 1 rows" in capsys.readouterr().out
    entry = AuditEntry.objects.get(centre=centre_a)
    assert (entry.actor, entry.actor_name) == (None, "haven export")


def test_the_command_refuses_an_unknown_centre(db: Any, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="No centre"):
        call_command("export", "--centre", "NOPE", "--format", "dataset", "-o", str(tmp_path))


@pytest.fixture
def fake_htcds(monkeypatch: Any) -> list[bool]:
    """The HTCDS writer replaced by one that writes a line and says how it was called (the
    writer itself is tested with its module)."""
    calls: list[bool] = []

    def write_htcds(centre: Centre, out: Any, *, with_identity: bool) -> int:
        calls.append(with_identity)
        out.write("header\n")
        return 0

    module = types.ModuleType("haven.history.htcds")
    module.write_htcds = write_htcds  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "haven.history.htcds", module)
    return calls


def htcds(*arguments: str, out: Path) -> None:
    call_command("export", "--centre", "AAA", "--format", "htcds", "-o", str(out), *arguments)


def test_the_command_refuses_identities_without_a_user(
    centre_a: Centre, tmp_path: Path, fake_htcds: list[bool]
) -> None:
    with pytest.raises(CommandError, match="--with-identity needs --user"):
        htcds("--with-identity", out=tmp_path / "h.csv")
    assert fake_htcds == []
    assert not (tmp_path / "h.csv").exists()


@pytest.mark.parametrize("role", [Role.PSYCHOSOCIAL, Role.ADMIN_FINANCE, Role.RAPPORTEUR])
def test_the_command_refuses_identities_to_a_user_not_allowed_to_export_them(
    role: Role, users: dict[Role, User], tmp_path: Path, fake_htcds: list[bool]
) -> None:
    with pytest.raises(CommandError, match="may not export the identities"):
        htcds("--with-identity", "--user", users[role].username, out=tmp_path / "h.csv")
    assert fake_htcds == []
    assert not AuditEntry.objects.filter(note__startswith="HTCDS").exists()


def test_the_command_refuses_identities_to_the_director_of_another_centre(
    centre_a: Centre, outsider: User, tmp_path: Path, fake_htcds: list[bool]
) -> None:
    with pytest.raises(CommandError, match="may not export the identities"):
        htcds("--with-identity", "--user", outsider.username, out=tmp_path / "h.csv")
    assert fake_htcds == []


def test_the_command_refuses_identities_to_a_deactivated_director(
    centre_a: Centre, tmp_path: Path, fake_htcds: list[bool]
) -> None:
    former = UserFactory(centre=centre_a, role=Role.DIRECTOR, username="former", is_active=False)
    with pytest.raises(CommandError, match="deactivated"):
        htcds("--with-identity", "--user", former.username, out=tmp_path / "h.csv")
    assert fake_htcds == []


def test_the_command_refuses_an_unknown_user(
    centre_a: Centre, tmp_path: Path, fake_htcds: list[bool]
) -> None:
    with pytest.raises(CommandError, match="No user named"):
        htcds("--with-identity", "--user", "nobody", out=tmp_path / "h.csv")


def test_the_director_exports_htcds_with_identities_and_it_is_audited_as_such(
    users: dict[Role, User], tmp_path: Path, fake_htcds: list[bool]
) -> None:
    director = users[Role.DIRECTOR]
    out = StringIO()
    call_command(
        "export",
        "--centre",
        "AAA",
        "--format",
        "htcds",
        "-o",
        str(tmp_path / "h.zip"),
        "--with-identity",
        "--user",
        director.username,
        "--reason",
        "Court order",
        stdout=out,
    )
    password_printed = out.getvalue().split("Password (shown once, never stored): ")[1].strip()
    assert fake_htcds == [True]
    # Identities leave only inside an AES ZIP whose password the command prints once.
    archive = pyzipper.AESZipFile(tmp_path / "h.zip")
    with pytest.raises(RuntimeError):
        archive.read("htcds-AAA.csv")
    archive.setpassword(password_printed.encode())
    assert archive.read("htcds-AAA.csv") == b"header\n"
    entry = AuditEntry.objects.get(note__startswith="export: HTCDS")
    assert password_printed not in entry.note
    assert entry.actor == director
    assert entry.note == "export: HTCDS CSV; reason: Court order; rows: 0; identity: yes"


def test_an_htcds_export_without_identities_needs_no_user_and_is_audited(
    centre_a: Centre, tmp_path: Path, fake_htcds: list[bool]
) -> None:
    htcds(out=tmp_path / "h.csv")
    assert fake_htcds == [False]
    entry = AuditEntry.objects.get(note__startswith="export: HTCDS")
    assert (entry.actor_name, entry.note) == (
        "haven export",
        "export: HTCDS CSV; reason: not given; rows: 0; identity: no",
    )


def test_identities_are_never_part_of_a_dataset_export(centre_a: Centre, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="holds no identities"):
        call_command(
            "export",
            "--centre",
            "AAA",
            "--format",
            "dataset",
            "-o",
            str(tmp_path),
            "--with-identity",
        )
    assert list(tmp_path.iterdir()) == []
