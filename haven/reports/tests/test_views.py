"""The reports page and its downloads: who sees whose figures, the period, the files."""

import datetime
import io
import json
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from haven.accounts.models import User
from haven.accounts.permissions import Role
from haven.audit.models import AuditEntry
from haven.centres.models import Centre
from haven.factories import IntakeFactory
from haven.intake.models import Referrer

PERIOD = {"from": "2025-01-01", "to": "2025-12-31"}
IN_2025 = datetime.datetime(2025, 6, 1, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture
def intakes(centre_a: Centre, centre_b: Centre) -> None:
    """Three intakes by the victims themselves in centre A, seven from judicial services in
    centre B, all in 2025; and one in A before the period."""
    for _ in range(3):
        IntakeFactory(centre=centre_a, received_at=IN_2025, referrer=Referrer.VICTIM)
    for _ in range(7):
        IntakeFactory(centre=centre_b, received_at=IN_2025, referrer=Referrer.JUDICIAL)
    IntakeFactory(
        centre=centre_a,
        received_at=datetime.datetime(2012, 3, 1, 9, 0, tzinfo=datetime.UTC),
        referrer=Referrer.MEDICAL,
    )


def figure(content: str, key: str) -> str:
    """The text of the table row of one single figure on the page."""
    start = content.index(f'data-figure="{key}"')
    return content[start : content.index("</tr>", start)]


def test_director_sees_the_own_centres_figures(
    users: dict[Role, User], intakes: None, signed_in: Any
) -> None:
    response = signed_in(users[Role.DIRECTOR]).get(reverse("reports:index"), PERIOD)
    assert response.status_code == 200
    content = response.content.decode()
    assert ">3<" in figure(content, "intakes.total")
    assert "Centre A" in content
    assert "&lt;5" not in content
    assert response.content.count(b"<svg") >= 10


def test_rapporteur_sees_every_centre_added_up_with_small_cells_hidden(
    users: dict[Role, User], intakes: None, signed_in: Any
) -> None:
    response = signed_in(users[Role.RAPPORTEUR]).get(reverse("reports:index"), PERIOD)
    assert response.status_code == 200
    content = response.content.decode()
    assert ">10<" in figure(content, "intakes.total")  # totals stay exact
    assert "&lt;5" in content  # the three victims of centre A
    assert "All centres" in content
    # Aggregates only: no link to any record.
    for prefix in ("/clients/", "/intake/", "/guidance/", "/legal/", "/shelter/"):
        assert f'href="{prefix}' not in content


def test_a_worker_without_statistics_is_refused(users: dict[Role, User], signed_in: Any) -> None:
    http = signed_in(users[Role.PSYCHOSOCIAL])
    assert http.get(reverse("reports:index")).status_code == 403
    assert http.get(reverse("reports:download"), {"fmt": "json", **PERIOD}).status_code == 403


def test_a_period_ending_before_it_starts_keeps_what_was_typed_and_says_why(
    users: dict[Role, User], signed_in: Any
) -> None:
    response = signed_in(users[Role.DIRECTOR]).get(
        reverse("reports:index"), {"from": "2025-05-01", "to": "2025-01-31"}
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "The period ends before it starts." in content
    assert 'value="2025-05-01"' in content and 'value="2025-01-31"' in content
    assert "<svg" not in content


def test_a_date_that_is_no_date_is_kept_and_refused(
    users: dict[Role, User], signed_in: Any
) -> None:
    response = signed_in(users[Role.DIRECTOR]).get(
        reverse("reports:index"), {"from": "1 jan", "to": "2025-01-31"}
    )
    content = response.content.decode()
    assert 'value="1 jan"' in content
    assert 'aria-invalid="true"' in content


def test_the_whole_history_starts_at_the_centres_first_record(
    users: dict[Role, User], intakes: None, signed_in: Any
) -> None:
    response = signed_in(users[Role.DIRECTOR]).get(reverse("reports:index"), {"preset": "all"})
    content = response.content.decode()
    assert 'value="2012-03-01"' in content
    assert ">4<" in figure(content, "intakes.total")


def test_the_page_opens_on_last_year(users: dict[Role, User], signed_in: Any) -> None:
    response = signed_in(users[Role.DIRECTOR]).get(reverse("reports:index"))
    year = datetime.date.today().year - 1
    assert f'value="{year}-01-01"' in response.content.decode()
    assert f'value="{year}-12-31"' in response.content.decode()


def test_the_page_computes_the_report_once(
    users: dict[Role, User], signed_in: Any, monkeypatch: Any
) -> None:
    from haven.reports import figures

    calls = []
    original = figures.report

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(figures, "report", counting)
    signed_in(users[Role.DIRECTOR]).get(reverse("reports:index"), PERIOD)
    assert len(calls) == 1


def download(http: Any, fmt: str) -> Any:
    """The file as the reason form posts it: format, period and why."""
    return http.post(reverse("reports:download"), {"fmt": fmt, **PERIOD, "reason": "funder"})


def test_the_pdf_download_is_a_pdf_named_after_centre_and_period_and_is_audited(
    users: dict[Role, User], intakes: None, signed_in: Any
) -> None:
    response = download(signed_in(users[Role.DIRECTOR]), "pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="haven-report-AAA-2025-01-01-2025-12-31.pdf"'
    )
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Intakes received" in text
    entry = AuditEntry.objects.get(note__startswith="export: report pdf")
    assert entry.actor == users[Role.DIRECTOR]
    assert entry.note == (
        "export: report pdf AAA 2025-01-01 2025-12-31; reason: funder; identity: no"
    )


def test_the_xlsx_download_opens_as_a_workbook_with_the_figures(
    users: dict[Role, User], intakes: None, signed_in: Any
) -> None:
    response = download(signed_in(users[Role.ADMIN_FINANCE]), "xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    rows = list(book["Intakes"].iter_rows(values_only=True))
    assert ("total", "Intakes received", 3) in [row[:3] for row in rows]
    assert AuditEntry.objects.filter(note__startswith="export: report xlsx AAA").count() == 1


def test_the_json_download_is_the_report_and_suppressed_for_the_rapporteur(
    users: dict[Role, User], intakes: None, signed_in: Any
) -> None:
    response = download(signed_in(users[Role.RAPPORTEUR]), "json")
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].endswith('haven-report-ALL-2025-01-01-2025-12-31.json"')
    report = json.loads(response.content)
    assert report["schema"] == "haven-report/1"
    assert report["centre"] == "ALL"
    assert report["intakes"]["total"] == 10
    assert report["intakes"]["by_referrer"]["victim"] == "<5"
    assert report["intakes"]["by_referrer"]["judicial"] == 7


def test_a_download_without_a_valid_period_or_format_goes_back_to_the_page(
    users: dict[Role, User], signed_in: Any
) -> None:
    http = signed_in(users[Role.DIRECTOR])
    for query in ({}, {"fmt": "docx", **PERIOD}, {"fmt": "pdf", "from": "2025-02-01", "to": "x"}):
        response = http.get(reverse("reports:download"), query)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("reports:index"))
    assert not AuditEntry.objects.filter(note__startswith="export: report").exists()


def test_the_reports_page_only_answers_reading(users: dict[Role, User], signed_in: Any) -> None:
    http = signed_in(users[Role.DIRECTOR])
    assert http.post(reverse("reports:index")).status_code == 405
    assert http.put(reverse("reports:download")).status_code == 405


def test_a_download_asks_why_and_gives_no_file_without_a_reason(
    users: dict[Role, User], signed_in: Any
) -> None:
    http = signed_in(users[Role.DIRECTOR])
    asked = http.get(reverse("reports:download"), {"fmt": "pdf", **PERIOD})
    assert asked["Content-Type"].startswith("text/html")
    assert 'name="reason"' in asked.content.decode()
    refused = http.post(reverse("reports:download"), {"fmt": "pdf", **PERIOD})
    assert refused["Content-Type"].startswith("text/html")
    assert not AuditEntry.objects.filter(note__startswith="export: report").exists()
