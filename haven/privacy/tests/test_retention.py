import datetime
import io
from pathlib import Path
from typing import Any

from django.core.management import call_command

from haven.centres.models import Centre
from haven.clients.models import Client
from haven.guidance.models import Episode
from haven.history.importer import import_dataset
from haven.privacy.models import Erasure
from haven.privacy.testing import make_full_client
from haven.reports.figures import report

SAMPLE = Path(__file__).parents[2] / "history" / "tests" / "fixtures" / "report-sample" / "dataset"
PERIOD = (datetime.date(1990, 1, 1), datetime.date(2030, 12, 31))


def twenty_years(centre: Centre) -> list[Client]:
    """Clients guided from 2005 to 2024, each episode ended two years after it began."""
    clients = []
    for year in range(2005, 2025, 4):
        client = make_full_client(centre, pseudonym=f"Retained{year}")
        Episode.objects.filter(client=client).update(
            start_date=datetime.date(year, 5, 2),
            end_date=datetime.date(year + 2, 5, 2),
            end_reason="completed",
        )
        clients.append(client)
    return clients


def test_retention_leaves_the_report_figures_unchanged(centre_a: Any) -> None:
    import_dataset(SAMPLE, "SAMPLE")
    sample = Centre.objects.get(code="SAMPLE")
    twenty_years(centre_a)
    before = {c.code: report(c, *PERIOD) for c in (sample, centre_a)}
    call_command("retention", "--date", "2030-06-01", stdout=io.StringIO())
    assert Erasure.objects.filter(centre=centre_a).exists()
    assert {c.code: report(c, *PERIOD) for c in (sample, centre_a)} == before


def test_the_dry_run_lists_file_codes_changes_nothing_and_names_no_one(centre_a: Any) -> None:
    clients = twenty_years(centre_a)
    out = io.StringIO()
    call_command("retention", "--dry-run", "--centre", "AAA", "--date", "2030-06-01", stdout=out)
    text = out.getvalue()
    old = [
        c
        for c in clients
        if (c.episodes.get().end_date or datetime.date.max) < datetime.date(2020, 6, 1)
    ]
    assert old and all(c.file_code in text for c in old)
    assert all(c.pseudonym not in text and c.legal_name not in text for c in clients)
    assert not Erasure.objects.exists()


def test_retention_erases_clients_out_of_guidance_for_ten_years_only(centre_a: Any) -> None:
    clients = twenty_years(centre_a)
    call_command("retention", "--centre", "AAA", "--date", "2030-06-01", stdout=io.StringIO())
    erased = set(Erasure.objects.values_list("client__file_code", flat=True))
    for client in clients:
        ended = client.episodes.get().end_date or datetime.date.max
        assert (client.file_code in erased) == (ended < datetime.date(2020, 6, 1))
    # A second run finds nothing left to do.
    out = io.StringIO()
    call_command("retention", "--dry-run", "--centre", "AAA", "--date", "2030-06-01", stdout=out)
    assert "would erase 0 clients whose last guidance" in out.getvalue()
