"""The report as documents: HTML (charts inline), PDF (that HTML through WeasyPrint) and XLSX.

``sections(report, extras)`` turns the JSON document of the report (shared REPORT.md, section
2) into what a reader sees: per section its single figures, and per breakdown a table with
its chart. The web page and the documents show that same structure with the same template
fragment (reports/_sections.html), so the page and the PDF cannot drift apart.
"""

import datetime
import io
from dataclasses import dataclass, field
from typing import Any, Literal

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from haven.reports import charts, labels
from haven.reports.charts import SUPPRESSED, Value

Format = Literal["xlsx", "pdf", "html"]
SECTION_KEYS = (
    "intakes",
    "guidance",
    "shelter",
    "legal",
    "administrative",
    "psychosocial",
    "outreach",
)
# Figures that are rates (shown as percentages).
PERCENT = {("shelter", "occupancy_rate"), ("shelter", "occupancy_by_year")}
# Series drawn as bars rather than a line.
BARS = {("shelter", "nights_by_year")}
# The total each breakdown divides into shares; a breakdown not named here has no shares
# once a cell is suppressed (its own sum is then unknown).
TOTALS = {
    ("intakes", "by_referrer"): "total",
    ("intakes", "by_channel"): "total",
    ("intakes", "by_outcome"): "total",
    ("guidance", "new_by_gender"): "new",
    ("guidance", "new_by_exploitation"): "new",
    ("guidance", "new_by_arrondissement"): "new",
    ("guidance", "new_persons_by_nationality"): "new_persons",
    ("legal", "verdicts"): "court_cases",
    ("administrative", "regularised_by_basis"): "regularised",
    ("outreach", "trained_by_audience"): "professionals_trained",
}
# Breakdowns without a fixed code order: largest first.
BY_SIZE = {("guidance", "new_persons_by_nationality"), ("outreach", "trained_by_audience")}


@dataclass
class Fact:
    key: str
    label: str
    value: Value
    display: str
    percent: bool = False


@dataclass
class Row:
    code: str
    label: str
    values: list[Value]
    display: list[str]


@dataclass
class Block:
    """One breakdown or series: a table, and its chart when it has one."""

    id: str
    key: str
    title: str
    kind: Literal["breakdown", "series", "matrix", "list"]
    columns: list[str]
    rows: list[Row]
    chart: SafeString | None = None
    percent_columns: set[int] = field(default_factory=set)


@dataclass
class Section:
    key: str
    title: str
    facts: list[Fact]
    blocks: list[Block]


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _share(value: Value, total: Any) -> float | None:
    if _is_count(value) and _is_count(total) and total:
        return round(float(value) / total, 4)  # type: ignore[arg-type]
    return None


def _breakdown(section: str, key: str, values: dict[str, Value], data: dict[str, Any]) -> Block:
    title = labels.figure_title(section, key)
    name = labels.code_labeller(section, key, values.keys())
    codes = list(values)
    if (section, key) in BY_SIZE:
        codes.sort(key=lambda c: (-(charts._drawn(values[c]) or 0), name(c)))
    total = data.get(TOTALS[(section, key)]) if (section, key) in TOTALS else None
    if total is None and all(_is_count(v) for v in values.values()):
        total = sum(values.values())  # type: ignore[arg-type]
    rows = []
    for code in codes:
        value = values[code]
        share = _share(value, total)
        rows.append(
            Row(
                code,
                name(code),
                [value, share],
                [charts.number(value), "" if share is None else charts.number(share, percent=True)],
            )
        )
    block = Block(
        id=f"{section}-{key}",
        key=key,
        title=title,
        kind="breakdown",
        columns=[_("Number"), _("Share")],
        rows=rows,
        percent_columns={1},
    )
    block.chart = charts.hbar_chart(
        chart_id=f"chart-{block.id}",
        title=title,
        desc=_describe(rows),
        rows=[(row.label, row.values[0]) for row in rows],
        total=total if _is_count(total) else None,
    )
    return block


def _describe(rows: list[Row]) -> str:
    return "; ".join(f"{row.label}: {row.display[0]}" for row in rows)


def _series(section: str, key: str, values: dict[str, Value]) -> Block:
    title = labels.figure_title(section, key)
    percent = (section, key) in PERCENT
    rows = [
        Row(year, year, [value], [charts.number(value, percent=percent)])
        for year, value in values.items()
    ]
    block = Block(
        id=f"{section}-{key}",
        key=key,
        title=title,
        kind="series",
        columns=[_("Rate") if percent else _("Number")],
        rows=rows,
        percent_columns={0} if percent else set(),
    )
    chart_id = f"chart-{block.id}"
    if (section, key) in BARS:
        block.chart = charts.bar_chart(
            chart_id=chart_id,
            title=title,
            desc=_describe(rows),
            years=list(values),
            stacks=[(title, values)],
        )
    else:
        block.chart = charts.line_chart(
            chart_id=chart_id,
            title=title,
            desc=_describe(rows),
            series=[(title, values)],
            percent=percent,
        )
    return block


def _matrix(section: str, key: str, values: dict[str, dict[str, Value]]) -> Block:
    title = labels.figure_title(section, key)
    codes: list[str] = []
    for per_year in values.values():
        codes += [code for code in per_year if code not in codes]
    name = labels.code_labeller(section, key, codes)
    rows = [
        Row(
            year,
            year,
            [per_year.get(code, 0) for code in codes],
            [charts.number(per_year.get(code, 0)) for code in codes],
        )
        for year, per_year in values.items()
    ]
    block = Block(
        id=f"{section}-{key}",
        key=key,
        title=title,
        kind="matrix",
        columns=[name(code) for code in codes],
        rows=rows,
    )
    # Codes never counted in the period would only lengthen the legend.
    shown = [
        code
        for code in codes
        if any(per_year.get(code) not in (0, None) for per_year in values.values())
    ]
    block.chart = charts.bar_chart(
        chart_id=f"chart-{block.id}",
        title=title,
        desc="; ".join(
            f"{row.label}: "
            + ", ".join(f"{name(c)} {charts.number(values[row.code].get(c, 0))}" for c in shown)
            for row in rows
        ),
        years=list(values),
        stacks=[
            (name(code), {year: values[year].get(code, 0) for year in values}) for code in shown
        ],
    )
    return block


def _top_nationalities(blocks: list[dict[str, Any]]) -> Block:
    codes = [code for block in blocks for code, _count in block.get("top", [])]
    names = labels.nationality_names(codes)
    rows = []
    for block in blocks:
        period = f"{block['from']} – {block['to']}"
        for rank, (code, count) in enumerate(block.get("top", []), start=1):
            rows.append(
                Row(
                    code,
                    f"{period}: {rank}. {names.get(code, code)}",
                    [count],
                    [charts.number(count)],
                )
            )
    return Block(
        id="guidance-top-nationalities",
        key="top_nationalities",
        title=labels.figure_title("guidance", "top_nationalities"),
        kind="list",
        columns=[_("Persons")],
        rows=rows,
    )


def sections(report: dict[str, Any], extras: dict[str, Any] | None = None) -> list[Section]:
    """What each section of the report shows: its single figures, then its breakdowns and
    series, each a table with a chart. Keys follow the report's own order."""
    result = []
    for section in [k for k in SECTION_KEYS if k in report]:
        data: dict[str, Any] = report[section]
        facts: list[Fact] = []
        blocks: list[Block] = []
        for key, value in data.items():
            if key == "duration_days" and isinstance(value, dict):
                facts += [
                    Fact(
                        f"duration_days.{part}",
                        str(label),
                        value.get(part),
                        charts.number(value.get(part)),
                    )
                    for part, label in labels.DURATION.items()
                    if part in value
                ]
            elif isinstance(value, dict):
                nested = any(isinstance(v, dict) for v in value.values())
                if nested:
                    blocks.append(_matrix(section, key, value))
                elif key == "by_year" or key.endswith("_by_year"):
                    blocks.append(_series(section, key, value))
                else:
                    blocks.append(_breakdown(section, key, value, data))
            else:
                percent = (section, key) in PERCENT
                facts.append(
                    Fact(
                        key,
                        labels.figure_title(section, key),
                        value,
                        charts.number(value, percent=percent),
                        percent,
                    )
                )
        if section == "guidance" and extras and extras.get("top_nationalities"):
            blocks.append(_top_nationalities(extras["top_nationalities"]))
        result.append(Section(section, labels.section_title(section), facts, blocks))
    return result


def centre_name(report: dict[str, Any]) -> str:
    """The centre the report is about, by name: every centre for ``ALL``."""
    from haven.centres.models import Centre

    code = report.get("centre", "")
    if code == "ALL":
        return _("All centres")
    name = Centre.objects.filter(code=code).values_list("name", flat=True).first()
    return f"{name} ({code})" if name else str(code)


def is_suppressed(report: dict[str, Any]) -> bool:
    """Whether small counts were hidden (the national picture)."""

    def walk(value: Any) -> bool:
        if isinstance(value, dict):
            return any(walk(v) for v in value.values())
        if isinstance(value, list):
            return any(walk(v) for v in value)
        return value == SUPPRESSED

    return walk(report)


def context(report: dict[str, Any], extras: dict[str, Any] | None = None) -> dict[str, Any]:
    """What the page and the documents render: the sections, the centre and the period."""
    period = report.get("period", {})
    return {
        "report": report,
        "sections": sections(report, extras),
        "centre_name": centre_name(report),
        "period_from": datetime.date.fromisoformat(period["from"]),
        "period_to": datetime.date.fromisoformat(period["to"]),
        "suppressed": is_suppressed(report),
        "generated_at": timezone.localtime(),
    }


def document(
    report: dict[str, Any],
    fmt: Format,
    *,
    extras: dict[str, Any] | None = None,
    language: str | None = None,
) -> bytes:
    """The report as a standalone HTML page, a PDF (A4) or a workbook, in ``language`` (the
    active language when not given)."""
    if language:
        with translation.override(language):
            return document(report, fmt, extras=extras)
    if fmt == "html":
        return _html(report, extras).encode()
    if fmt == "pdf":
        from haven.letters.services import pdf_from_html

        return pdf_from_html(_html(report, extras))
    if fmt == "xlsx":
        return _xlsx(report, extras)
    raise ValueError(f"unknown report format {fmt!r}")


def _html(report: dict[str, Any], extras: dict[str, Any] | None) -> str:
    return render_to_string(
        "reports/document.html",
        {**context(report, extras), "language": translation.get_language() or "en"},
    )


# A sheet name holds at most 31 characters and none of these.
SHEET_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\", " "))


def _sheet_title(title: str, used: set[str]) -> str:
    name = title.translate(SHEET_FORBIDDEN)[:31].strip() or "Sheet"
    base, number = name, 2
    while name in used:
        suffix = f" {number}"
        name, number = base[: 31 - len(suffix)] + suffix, number + 1
    used.add(name)
    return name


def _xlsx(report: dict[str, Any], extras: dict[str, Any] | None) -> bytes:
    """A first sheet with the centre, the period and when; then a sheet per section, its
    single figures then each breakdown as a labelled table. Numbers are numbers, a hidden
    small count is the text ``<5``."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    info = context(report, extras)
    bold = Font(bold=True)
    book = Workbook()
    sheet = book.active
    used: set[str] = set()
    sheet.title = _sheet_title(_("Report"), used)
    sheet.append([_("Haven report")])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([_("Centre"), info["centre_name"]])
    sheet.append([_("Centre code"), report.get("centre", "")])
    sheet.append([_("From"), info["period_from"]])
    sheet.append([_("To (included)"), info["period_to"]])
    sheet.append([_("Generated at"), info["generated_at"].replace(tzinfo=None)])
    sheet.append([_("Format"), report.get("schema", "")])
    for row in (4, 5):
        sheet.cell(row=row, column=2).number_format = "yyyy-mm-dd"
    sheet.cell(row=6, column=2).number_format = "yyyy-mm-dd hh:mm"
    if info["suppressed"]:
        sheet.append([])
        sheet.append([_("Counts from 1 to 4 are shown as <5; totals are exact.")])
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 40

    for section in info["sections"]:
        sheet = book.create_sheet(_sheet_title(section.title, used))
        sheet.append([section.title])
        sheet.cell(row=1, column=1).font = Font(bold=True, size=14)
        sheet.append([])
        for fact in section.facts:
            sheet.append([fact.key, fact.label, fact.value])
            if fact.percent and isinstance(fact.value, float):
                sheet.cell(row=sheet.max_row, column=3).number_format = "0.00%"
        for block in section.blocks:
            sheet.append([])
            sheet.append([block.key, block.title])
            sheet.cell(row=sheet.max_row, column=2).font = bold
            header = [_("Year") if block.kind in ("series", "matrix") else _("Code"), ""]
            sheet.append(header + block.columns)
            for cell in sheet[sheet.max_row]:
                cell.font = bold
            for row in block.rows:
                sheet.append([row.code, row.label, *row.values])
                for index in block.percent_columns:
                    cell = sheet.cell(row=sheet.max_row, column=3 + index)
                    if isinstance(cell.value, float):
                        cell.number_format = "0.0%"
        sheet.column_dimensions["A"].width = 28
        sheet.column_dimensions["B"].width = 48
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
