"""The report as documents: HTML, PDF and XLSX show every figure of the sample report."""

import copy
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from haven.factories import CentreFactory, NationalityFactory
from haven.reports import labels, render

SAMPLE = (
    Path(__file__).resolve().parents[2]
    / "history/tests/fixtures/report-sample/expected-2019-2023.json"
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def report() -> dict[str, Any]:
    return json.loads(SAMPLE.read_text(encoding="utf-8"))


@pytest.fixture
def suppressed(report: dict[str, Any]) -> dict[str, Any]:
    """The sample as the national rapporteur sees it: cells from 1 to 4 hidden."""

    def hide(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: hide(v) for k, v in value.items()}
        return "<5" if isinstance(value, int) and 1 <= value <= 4 else value

    hidden = copy.deepcopy(report)
    hidden["centre"] = "ALL"
    for section in render.SECTION_KEYS:
        for key, value in hidden[section].items():
            if isinstance(value, dict) and key != "duration_days":
                hidden[section][key] = hide(value)
    return hidden


EXTRAS = {
    "top_nationalities": [
        {"from": "2019-01-01", "to": "2023-12-31", "top": [["MA", 5], ["NG", 5], ["RO", 3]]}
    ]
}


def chart_count(sections: list[render.Section]) -> int:
    return sum(1 for s in sections for b in s.blocks if b.chart)


def test_the_html_document_has_one_svg_per_chart_and_no_script(report: dict[str, Any]) -> None:
    html = render.document(report, "html", extras=EXTRAS).decode()
    charts = chart_count(render.sections(report, EXTRAS))
    assert charts >= 15
    assert html.count("<svg") == charts
    assert "<script" not in html.lower()
    assert "style=" not in html  # the CSS is one embedded sheet, never inline attributes
    assert html.startswith("<!doctype html>")


def test_the_html_document_names_the_centre_and_the_period(report: dict[str, Any]) -> None:
    CentreFactory(code="SAMPLE", name="Sample centre")
    html = render.document(report, "html", language="en").decode()
    title = re.search(r"<title>(.*?)</title>", html, re.S)
    assert title is not None
    assert "Sample centre" in title.group(1)
    assert "2019" in title.group(1) and "2023" in title.group(1)


def test_the_html_document_shows_every_section_and_its_figures(report: dict[str, Any]) -> None:
    html = render.document(report, "html", language="en").decode()
    for section in render.SECTION_KEYS:
        assert labels.section_title(section) in html
        for key in report[section]:
            if key != "duration_days":
                assert f'data-figure="{section}.{key}"' in html, (section, key)
    assert "1,487" in html  # nights
    assert "24.9\u00a0%" in html  # occupancy rate


def test_ids_are_unique_in_a_document_with_many_charts(report: dict[str, Any]) -> None:
    html = render.document(report, "html").decode()
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids))


def test_suppressed_cells_are_shown_as_less_than_five(suppressed: dict[str, Any]) -> None:
    html = render.document(suppressed, "html", language="en").decode()
    assert "&lt;5" in html
    assert "All centres" in html
    assert "totals are exact" in html


def test_the_document_follows_the_language_asked_for(report: dict[str, Any]) -> None:
    NationalityFactory(code="MA", name_en="Morocco", name_nl="Marokko", name_fr="Maroc")
    english = render.document(report, "html", language="en").decode()
    dutch = render.document(report, "html", language="nl").decode()
    assert "Morocco" in english and "Marokko" not in english
    assert "Marokko" in dutch
    assert '<html lang="nl">' in dutch


def test_the_pdf_holds_the_section_titles_and_the_figures(report: dict[str, Any]) -> None:
    pdf = render.document(report, "pdf", extras=EXTRAS, language="en")
    assert pdf.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    for section in render.SECTION_KEYS:
        assert labels.section_title(section) in text
    assert "Intakes received" in text
    assert "101" in text
    assert "Professionals trained" in text


def _sheet_rows(book: Any, title: str) -> list[tuple[Any, ...]]:
    return list(book[title].iter_rows(values_only=True))


def _block(rows: list[tuple[Any, ...]], key: str) -> dict[str, tuple[Any, ...]]:
    """The rows of one labelled table of a sheet, by code (or year)."""
    start = next(i for i, row in enumerate(rows) if row[0] == key) + 2
    found = {}
    for row in rows[start:]:
        if row[0] is None:
            break
        found[str(row[0])] = row
    return found


def test_the_workbook_cells_equal_the_report(report: dict[str, Any]) -> None:
    book = load_workbook(io.BytesIO(render.document(report, "xlsx", language="en")))
    assert book.sheetnames[0] == "Report"
    first = _sheet_rows(book, "Report")
    assert ("Centre code", "SAMPLE") in [row[:2] for row in first]
    assert next(row[1] for row in first if row[0] == "From").date().isoformat() == "2019-01-01"
    assert len(book.sheetnames) == 1 + len(render.SECTION_KEYS)

    intakes = _sheet_rows(book, labels.section_title("intakes"))
    facts = {row[0]: row[2] for row in intakes if row and row[0] in report["intakes"]}
    assert facts["total"] == 101
    assert facts["with_indicators"] == 23
    referrers = _block(intakes, "by_referrer")
    assert {code: row[2] for code, row in referrers.items()} == report["intakes"]["by_referrer"]
    assert referrers["victim"][1] == "The victim"
    years = _block(intakes, "by_year")
    assert {year: row[2] for year, row in years.items()} == report["intakes"]["by_year"]

    guidance = _sheet_rows(book, labels.section_title("guidance"))
    by_gender = _block(guidance, "new_by_gender_by_year")
    assert by_gender["2020"][2:6] == (5, 4, 1, 0)

    shelter = _sheet_rows(book, labels.section_title("shelter"))
    rate = next(row[2] for row in shelter if row and row[0] == "occupancy_rate")
    assert rate == pytest.approx(0.2493)
    assert isinstance(rate, float)


def test_the_workbook_keeps_less_than_five_as_text_and_numbers_as_numbers(
    suppressed: dict[str, Any],
) -> None:
    book = load_workbook(io.BytesIO(render.document(suppressed, "xlsx", language="en")))
    legal = _sheet_rows(book, labels.section_title("legal"))
    verdicts = _block(legal, "verdicts")
    assert verdicts["conviction"][2] == "<5"
    assert verdicts["acquittal"][2] == 0
    intakes = _sheet_rows(book, labels.section_title("intakes"))
    assert _block(intakes, "by_referrer")["social_sector"][2] == 13


def test_an_unknown_format_is_refused(report: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        render.document(report, "docx")  # type: ignore[arg-type]
