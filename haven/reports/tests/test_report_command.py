"""``haven report``: the acceptance test against the sample dataset's expected JSON, and the
command's own behaviour (options, errors, audit)."""

import datetime
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from haven.audit.models import AuditEntry
from haven.history.importer import import_dataset

SAMPLE = Path(__file__).resolve().parents[2] / "history/tests/fixtures/report-sample"

pytestmark = pytest.mark.django_db


def first_difference(actual: Any, expected: Any, path: str = "$") -> str | None:
    """Where two JSON documents first differ (numbers compare as numbers: 1 == 1.0), or None."""
    number = (int, float)
    if isinstance(expected, bool) or isinstance(actual, bool):
        return None if actual is expected else f"{path}: {actual!r} != {expected!r}"
    if isinstance(expected, number) and isinstance(actual, number):
        return None if actual == expected else f"{path}: {actual!r} != {expected!r}"
    if type(actual) is not type(expected):
        return f"{path}: {actual!r} ({type(actual).__name__}) != {expected!r}"
    if isinstance(expected, dict):
        if list(actual) != list(expected):
            return f"{path}: keys {list(actual)} != {list(expected)}"
        for key in expected:
            found = first_difference(actual[key], expected[key], f"{path}.{key}")
            if found:
                return found
        return None
    if isinstance(expected, list):
        if len(actual) != len(expected):
            return f"{path}: {len(actual)} items != {len(expected)}"
        for index, (mine, theirs) in enumerate(zip(actual, expected, strict=True)):
            found = first_difference(mine, theirs, f"{path}[{index}]")
            if found:
                return found
        return None
    return None if actual == expected else f"{path}: {actual!r} != {expected!r}"


def test_the_comparer_finds_the_path_of_a_difference() -> None:
    assert first_difference({"a": {"b": [1, 2.0]}}, {"a": {"b": [1.0, 2]}}) is None
    assert first_difference({"a": {"b": [1, 3]}}, {"a": {"b": [1, 2]}}) == "$.a.b[1]: 3 != 2"
    assert first_difference({"a": None}, {"a": 0}) == "$.a: None (NoneType) != 0"
    assert first_difference({"b": 1, "a": 1}, {"a": 1, "b": 1}) is not None


def run_report(*args: str) -> str:
    out = io.StringIO()
    call_command("report", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def sample() -> None:
    import_dataset(SAMPLE / "dataset", "SAMPLE")


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("2023-01-01", "2023-12-31", "expected-2023.json"),
        ("2019-01-01", "2023-12-31", "expected-2019-2023.json"),
    ],
)
def test_report_of_the_imported_sample_is_exactly_the_expected_json(
    sample: None, start: str, end: str, expected: str
) -> None:
    printed = json.loads(run_report("--centre", "SAMPLE", "--from", start, "--to", end))
    wanted = json.loads((SAMPLE / expected).read_text())
    assert first_difference(printed, wanted) is None, first_difference(printed, wanted)


def test_report_writes_json_to_a_file_and_audits_it(sample: None, tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    before = AuditEntry.objects.count()
    out = run_report(
        "--centre", "sample", "--from", "2023-01-01", "--to", "2023-12-31", "-o", str(target)
    )
    assert out == ""
    assert json.loads(target.read_text())["intakes"]["total"] == 25
    assert AuditEntry.objects.count() == before + 1
    entry = AuditEntry.objects.latest("id")
    assert entry.actor_name == "haven report"
    assert entry.centre is not None and entry.centre.code == "SAMPLE"


def test_report_suppressed_shows_small_cells_as_below_five(sample: None) -> None:
    printed = json.loads(
        run_report("--centre", "ALL", "--from", "2023-01-01", "--to", "2023-12-31", "--suppress")
    )
    assert printed["centre"] == "ALL"
    assert printed["intakes"]["total"] == 25
    assert printed["intakes"]["by_referrer"]["victim"] == 5
    assert printed["intakes"]["by_referrer"]["judicial"] == "<5"
    assert printed["intakes"]["by_referrer"]["minors_service"] == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--centre", "NOPE", "--from", "2023-01-01", "--to", "2023-12-31"], "No centre"),
        (["--centre", "ALL", "--from", "2023-13-01", "--to", "2023-12-31"], "--from"),
        (["--centre", "ALL", "--from", "2023-01-01", "--to", "yesterday"], "--to"),
        (["--centre", "ALL", "--from", "2024-01-01", "--to", "2023-12-31"], "after"),
        (
            ["--centre", "ALL", "--from", "2023-01-01", "--to", "2023-12-31", "--format", "pdf"],
            "-o FILE",
        ),
    ],
)
def test_report_refuses_bad_options_with_a_clear_message(args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        run_report(*args)


def test_report_of_a_period_without_data_has_zeros_and_nulls() -> None:
    printed = json.loads(
        run_report("--centre", "ALL", "--from", "2023-01-01", "--to", "2024-06-30")
    )
    assert printed["intakes"]["by_year"] == {"2023": 0, "2024": 0}
    assert printed["guidance"]["duration_days"] == {
        "min": None,
        "median": None,
        "max": None,
        "ongoing_max": None,
    }
    assert printed["shelter"]["occupancy_rate"] is None
    assert printed["psychosocial"]["individual_hours_per_month"] == 0.0
    assert datetime.date.fromisoformat(printed["period"]["to"]) == datetime.date(2024, 6, 30)


def test_report_writes_a_document_with_the_figures_to_a_file(sample: None, tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    args = ["--centre", "SAMPLE", "--from", "2019-01-01", "--to", "2023-12-31"]
    assert run_report(*args, "--format", "html", "-o", str(target), "--language", "nl") == ""
    assert target.stat().st_size > 0
    assert AuditEntry.objects.filter(actor_name="haven report", note__contains="html").exists()
