"""The director's history page: importing a dataset by upload, downloading the export."""

import io
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
import pyzipper
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as HttpClient
from django.urls import reverse

from haven.accounts.models import User
from haven.accounts.permissions import Role
from haven.audit.models import AuditEntry
from haven.centres.models import Centre
from haven.clients.models import Client
from haven.conftest import sign_in
from haven.guidance.models import Episode
from haven.history import views
from haven.history.exporter import FILES
from haven.intake.models import Intake

SAMPLE = Path(__file__).parent / "fixtures" / "report-sample" / "dataset"
URL = reverse("history:import")


def sample_files() -> list[SimpleUploadedFile]:
    return [
        SimpleUploadedFile(path.name, path.read_bytes(), content_type="text/csv")
        for path in sorted(SAMPLE.glob("*.csv"))
    ]


def zipped(entries: dict[str, bytes]) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return SimpleUploadedFile("dataset.zip", buffer.getvalue(), content_type="application/zip")


@pytest.fixture
def director(users: dict[Role, User]) -> User:
    return users[Role.DIRECTOR]


def test_the_director_imports_the_sample_by_sending_its_csv_files(
    director: User, centre_a: Centre, signed_in: Any
) -> None:
    response = signed_in(director).post(URL, {"dataset": sample_files()})
    assert response.status_code == 200
    summary = response.content.decode()
    assert 'data-testid="summary"' in summary
    assert "The dataset was imported." in summary
    assert '<td>clients.csv</td><td class="text-end">40</td>' in summary
    assert Client.objects.for_centre(centre_a).count() == 40
    assert Episode.objects.for_centre(centre_a).filter(ref="SG902").exists()
    assert Intake.objects.for_centre(centre_a).count() == 122


def test_the_director_imports_the_sample_as_one_zip_archive(
    director: User, centre_a: Centre, signed_in: Any
) -> None:
    archive = zipped({path.name: path.read_bytes() for path in SAMPLE.glob("*.csv")})
    response = signed_in(director).post(URL, {"dataset": [archive]})
    assert "The dataset was imported." in response.content.decode()
    assert Client.objects.for_centre(centre_a).count() == 40


def test_a_dry_run_checks_the_files_and_stores_nothing(
    director: User, centre_a: Centre, signed_in: Any
) -> None:
    response = signed_in(director).post(URL, {"dataset": sample_files(), "dry_run": "on"})
    page = response.content.decode()
    assert "Nothing was stored (dry run)." in page
    assert "<td>intakes.csv</td>" in page
    assert not Client.objects.exists()


def test_a_bad_file_shows_every_problem_escaped_and_nothing_is_stored(
    director: User, centre_a: Centre, signed_in: Any
) -> None:
    clients = b"client_ref,gender\nC1,F\nC2,<b>Q</b>\n"
    guidance = (
        b"guidance_ref,client_ref,start_date,exploitation\n"
        b"G1,C1,2023-01-01,sexual\nG2,NOBODY,2023-01-01,labour\n"
    )
    response = signed_in(director).post(
        URL,
        {
            "dataset": [
                SimpleUploadedFile("clients.csv", clients),
                SimpleUploadedFile("guidance.csv", guidance),
            ]
        },
    )
    page = response.content.decode()
    assert 'data-testid="problems"' in page
    assert "Nothing was stored: the dataset has 2 problems." in page
    assert "<li>clients.csv:3: gender: " in page
    assert "<li>guidance.csv:3: client_ref: " in page
    assert "&lt;b&gt;Q&lt;/b&gt;" in page
    assert "<b>Q</b>" not in page
    assert not Client.objects.exists()
    assert not Episode.objects.exists()


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ({"dataset/clients.csv": b"client_ref,gender\n"}, "The ZIP archive holds a folder"),
        ({"../clients.csv": b"client_ref,gender\n"}, "The ZIP archive holds a folder"),
        ({"clients.xlsx": b"PK"}, "clients.xlsx is not one of the dataset"),
        ({"notes.csv": b"a\n"}, "notes.csv is not one of the dataset"),
    ],
    ids=["folder", "path", "not-csv", "unknown-csv"],
)
def test_a_zip_archive_holding_anything_but_the_dataset_files_is_refused(
    entries: dict[str, bytes], message: str, director: User, signed_in: Any
) -> None:
    response = signed_in(director).post(URL, {"dataset": [zipped(entries)]})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Client.objects.exists()


def test_a_file_that_is_no_zip_archive_is_refused(director: User, signed_in: Any) -> None:
    upload = SimpleUploadedFile("dataset.zip", b"not a zip at all")
    response = signed_in(director).post(URL, {"dataset": [upload]})
    assert "This is not a ZIP archive that can be read." in response.content.decode()


def test_a_csv_file_with_another_name_is_refused(director: User, signed_in: Any) -> None:
    upload = SimpleUploadedFile("klanten.csv", b"client_ref,gender\nC1,F\n")
    response = signed_in(director).post(URL, {"dataset": [upload]})
    assert "klanten.csv is not one of the dataset" in response.content.decode()
    assert not Client.objects.exists()


def test_an_upload_over_the_limit_is_refused_before_it_is_read(
    director: User, signed_in: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(views, "MAX_UPLOAD_BYTES", 100)
    monkeypatch.setattr(views, "FRAMING_BYTES", 0)
    response = signed_in(director).post(URL, {"dataset": sample_files()})
    assert response.status_code == 413
    assert 'data-testid="too-large"' in response.content.decode()
    assert not Client.objects.exists()


def test_an_upload_without_the_csrf_token_is_refused(director: User, centre_a: Centre) -> None:
    http = sign_in(HttpClient(enforce_csrf_checks=True), director)
    response = http.post(URL, {"dataset": sample_files()})
    assert response.status_code == 403
    assert not Client.objects.exists()


@pytest.mark.parametrize("role", [Role.PSYCHOSOCIAL, Role.ADMIN_FINANCE, Role.RAPPORTEUR])
def test_only_the_director_may_import_or_download_history(
    role: Role, users: dict[Role, User], signed_in: Any
) -> None:
    http = signed_in(users[role])
    assert http.get(URL).status_code == 403
    assert http.post(URL, {"dataset": sample_files()}).status_code == 403
    assert http.get(reverse("history:export")).status_code == 403
    assert not Client.objects.exists()


def test_the_page_offers_the_upload_and_the_download(director: User, signed_in: Any) -> None:
    page = signed_in(director).get(URL).content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert 'type="file" name="dataset"' in page and "multiple" in page
    assert reverse("history:export") in page


def test_the_director_downloads_the_centre_dataset_as_an_encrypted_zip_and_it_is_audited(
    director: User, centre_a: Centre, signed_in: Any, settings: Any, tmp_path: Path
) -> None:
    settings.EXPORTS_DIR = tmp_path / "exports"
    http = signed_in(director)
    http.post(URL, {"dataset": sample_files()})
    page = http.post(reverse("history:export"), {"reason": "annual-report"}).content.decode()
    password = re.search(r'data-testid="export-password">([^<]+)<', page)
    token = re.search(r'name="token" value="([^"]+)"', page)
    assert password and token
    response = http.post(reverse("core:export_download"), {"token": token.group(1)})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert 'filename="dataset-AAA-' in response["Content-Disposition"]
    archive = pyzipper.AESZipFile(io.BytesIO(response.content))
    archive.setpassword(password.group(1).encode())
    assert sorted(archive.namelist()) == sorted(FILES)
    assert archive.read("clients.csv").decode().count("\n") == 41
    # One entry: who, what, how many rows, why.
    entry = AuditEntry.objects.filter(centre=centre_a, note__startswith="export: dataset").get()
    assert entry.actor == director
    assert entry.note == (
        "export: dataset ZIP, encrypted; reason: annual-report; rows: 241; identity: no"
    )


def test_a_dataset_with_over_a_hundred_problems_shows_the_first_hundred(
    director: User, signed_in: Any
) -> None:
    rows = "".join(f"C{n},Q\n" for n in range(150))
    upload = SimpleUploadedFile("clients.csv", f"client_ref,gender\n{rows}".encode())
    page = signed_in(director).post(URL, {"dataset": [upload]}).content.decode()
    assert "Nothing was stored: the dataset has more than 100 problems. The first 100:" in page
    assert page.count("<li>clients.csv:") == 100
    assert not Client.objects.exists()


def test_a_damaged_zip_archive_is_refused(director: User, signed_in: Any) -> None:
    archive = zipped({"clients.csv": b"client_ref,gender\n" + b"C1,F\n" * 200})
    content = bytearray(archive.read())
    start = content.index(b"C1,F")  # stored uncompressed: damage the data, not the index
    content[start : start + 4] = b"XXXX"
    upload = SimpleUploadedFile("dataset.zip", bytes(content))
    page = signed_in(director).post(URL, {"dataset": [upload]}).content.decode()
    assert "The ZIP archive is damaged: it cannot be read." in page
    assert not Client.objects.exists()
