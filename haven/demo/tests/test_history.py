"""The demo's 30 years of synthetic history: shaped on the seed report, repeatable, idempotent."""

import datetime
import json
from collections import Counter
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from haven.audit.models import AuditEntry
from haven.centres.models import Centre
from haven.clients.models import Client, NameKey
from haven.demo import figures, history
from haven.demo.services import FAMILY, GIVEN
from haven.guidance.models import Episode
from haven.intake.models import Channel, IndicatorConclusion, Intake, Outcome, Referrer, Screening
from haven.reference import codes as reference_codes
from haven.reference.codes import ExploitationForm, JudicialDistrict
from haven.reference.models import Nationality

NOW = datetime.datetime(2026, 3, 4, 8, 30, tzinfo=datetime.UTC)
NATIONALITIES = Path(reference_codes.__file__).parent / "data" / "nationalities.json"


def run_demo(*args: str) -> str:
    if "--reset" in args:
        # The test's transaction holds PostgreSQL's deferred foreign-key checks of the rows
        # inserted so far, and TRUNCATE (flush) refuses to run while they are pending.
        connection.check_constraints()
    out = StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def seed_shares() -> dict[str, float]:
    total = sum(figures.REFERRERS_2019_2023.values())
    return {code: count / total for code, count in figures.REFERRERS_2019_2023.items()}


def shares(counts: Counter[str]) -> dict[str, float]:
    total = sum(counts.values())
    return {code: count / total for code, count in counts.items()}


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Everything generated, by code rather than id; identity decrypted."""
    return {
        "intakes": list(
            Intake.objects.order_by("centre__code", "code").values_list(
                "code",
                "received_at",
                "channel",
                "referrer",
                "on_call",
                "outcome",
                "decided_on",
                "client__file_code",
                "assigned_to__username",
                "submission_key",
            )
        ),
        "clients": [
            (c.file_code, c.pseudonym, c.gender, c.birth_year, c.nationality_id, c.legal_name)
            for c in Client.objects.order_by("centre__code", "file_code")
        ],
        "screenings": list(
            Screening.objects.order_by("intake__centre__code", "intake__code").values_list(
                "intake__code", "conclusion", "suspected_forms", "indicators", "place"
            )
        ),
        "episodes": list(
            Episode.objects.order_by("centre__code", "client__file_code").values_list(
                "client__file_code", "start_date", "end_date"
            )
        ),
    }


def test_the_demo_builds_thirty_years_of_intakes_for_every_centre(db: Any) -> None:
    output = run_demo("--scale", "0.05")
    years = {
        code: set(
            Intake.objects.filter(centre__code=code).values_list("received_at__year", flat=True)
        )
        for code in ("BXL", "ANT", "LIE")
    }
    assert {1997, 2010, 2026} <= years["BXL"]
    assert max(years["LIE"]) == 2026
    assert "BXL:" in output and "intakes" in output
    assert not Intake.objects.filter(received_at__gt=NOW).exists()


def test_the_same_seed_gives_the_same_history(db: Any) -> None:
    run_demo("--scale", "0.03", "--seed", "7")
    first = snapshot()
    run_demo("--reset", "--scale", "0.03", "--seed", "7")
    assert snapshot() == first
    run_demo("--reset", "--scale", "0.03", "--seed", "8")
    assert snapshot()["intakes"] != first["intakes"]


def test_volumes_follow_the_report_and_scale(db: Any) -> None:
    run_demo("--scale", "0.1")
    small = Counter(Intake.objects.values_list("centre__code", flat=True))
    run_demo("--reset", "--scale", "0.2")
    large = Counter(Intake.objects.values_list("centre__code", flat=True))
    reported = sum(figures.intakes(y) for y in range(1995, 2024))
    assert round(reported) == 9913
    bxl_1995_2023 = Intake.objects.filter(centre__code="BXL", received_at__year__lte=2023).count()
    assert bxl_1995_2023 == pytest.approx(0.2 * 9913, abs=20)
    assert large["BXL"] == pytest.approx(2 * small["BXL"], rel=0.03)
    assert large["ANT"] == pytest.approx(0.6 * large["BXL"], rel=0.03)
    assert large["LIE"] == pytest.approx(0.4 * large["BXL"], rel=0.03)


def test_referrers_follow_the_report_over_thirty_years_and_match_it_in_its_last_five(
    db: Any, seed_shares: dict[str, float]
) -> None:
    run_demo("--scale", "0.3")
    whole = shares(Counter(Intake.objects.values_list("referrer", flat=True)))
    last_five = shares(
        Counter(
            Intake.objects.filter(received_at__year__range=(2019, 2023)).values_list(
                "referrer", flat=True
            )
        )
    )
    for code, share in seed_shares.items():
        assert whole[code] == pytest.approx(share, abs=0.05), code
        assert last_five[code] == pytest.approx(share, abs=0.03), code
    # The early years lean on the police more than the report's last five (an assumption).
    early = shares(
        Counter(
            Intake.objects.filter(received_at__year__lt=2000).values_list("referrer", flat=True)
        )
    )
    assert early["judicial"] > seed_shares["judicial"]


def test_the_national_reporting_point_brings_intakes_only_from_2022(db: Any) -> None:
    run_demo("--scale", "0.1")
    reporting_point = Intake.objects.filter(channel="reporting_point")
    start_2022 = timezone.make_aware(datetime.datetime(2022, 1, 1))
    assert not reporting_point.filter(received_at__lt=start_2022).exists()
    assert reporting_point.filter(received_at__gte=start_2022).count() > 20


def test_forms_of_exploitation_of_guided_victims_follow_the_report(db: Any) -> None:
    run_demo("--scale", "0.3")
    guided = Screening.objects.filter(intake__outcome=Outcome.GUIDANCE_STARTED)
    primary = shares(
        Counter(forms[0] for forms in guided.values_list("suspected_forms", flat=True))
    )
    for code, percent in figures.FORMS_30_YEARS.items():
        assert primary.get(code, 0) == pytest.approx(percent / 100, abs=0.04), code


def test_a_guidance_episode_exists_exactly_for_each_guidance_started_decision(db: Any) -> None:
    run_demo("--scale", "0.1")
    started = Intake.objects.filter(outcome=Outcome.GUIDANCE_STARTED)
    episodes = Episode.objects.select_related("intake")
    assert episodes.count() == started.count() > 100
    for episode in episodes:
        assert episode.intake.outcome == Outcome.GUIDANCE_STARTED
        assert episode.start_date == episode.intake.decided_on
        assert episode.client_id == episode.intake.client_id
        assert episode.end_date is None or episode.end_date >= episode.start_date
    # About 60-80 new guidances a year at the reference centre, as in the report.
    per_year = Episode.objects.filter(centre__code="BXL", start_date__year=2018).count()
    assert per_year == pytest.approx(0.1 * 68, abs=3)
    assert Episode.objects.filter(end_date__isnull=True).exists()


def test_the_on_call_flag_follows_the_centres_office_hours(db: Any) -> None:
    run_demo("--scale", "0.05")
    for centre in Centre.objects.all():
        intakes = list(Intake.objects.filter(centre=centre))
        assert all(i.on_call == (not centre.is_office_hours(i.received_at)) for i in intakes)
        on_call = sum(i.on_call for i in intakes) / len(intakes)
        assert 0.2 < on_call < 0.4


def test_decisions_are_dated_after_the_intake_and_open_ones_are_mostly_recent(db: Any) -> None:
    run_demo("--scale", "0.3")
    for received, decided in Intake.objects.exclude(decided_on=None).values_list(
        "received_at", "decided_on"
    ):
        assert timezone.localdate(received) <= decided <= NOW.date()
    open_intakes = Intake.objects.open()
    recent = open_intakes.filter(received_at__gte=NOW - datetime.timedelta(days=60))
    assert recent.count() > 0.5 * open_intakes.count()
    assert not Intake.objects.filter(outcome__in=["", "first_meeting"], decided_on__isnull=False)


def test_clients_are_mostly_adults_from_the_reports_nationalities_with_few_identities(
    db: Any,
) -> None:
    run_demo("--scale", "0.1")
    clients = Client.objects.exclude(intakes=None)
    assert Intake.objects.filter(client=None).exists()  # some stay anonymous
    assert clients.count() > 0.8 * Intake.objects.count()
    ages = [
        intake.received_at.year - intake.client.birth_year
        for intake in Intake.objects.exclude(client=None).select_related("client")
    ]
    adults = sum(18 <= age <= 46 for age in ages) / len(ages)
    minors = sum(age < 18 for age in ages) / len(ages)
    assert adults > 0.8 and 0.01 < minors < 0.15
    nationalities = Counter(clients.values_list("nationality_id", flat=True))
    assert {"MA", "RO", "NG"} <= {code for code, _count in nationalities.most_common(8)}
    assert len(nationalities) > 40
    assert set(nationalities) <= set(Nationality.objects.values_list("code", flat=True))
    former = clients.filter(nationality_id__in=["YUCS", "SUHH"])
    assert former.exists()
    assert not former.filter(created_at__year__gte=2006).exists()
    named = [c.legal_name for c in clients if c.legal_name]
    assert 0 < len(named) < 0.2 * clients.count()
    assert all(name.split()[0] in GIVEN and name.split()[1] in FAMILY for name in named)


def test_one_audit_entry_per_centre_summarises_the_history(db: Any) -> None:
    run_demo("--scale", "0.05")
    entries = AuditEntry.objects.filter(note__startswith="Demo history")
    assert sorted(entries.values_list("centre__code", flat=True)) == ["ANT", "BXL", "LIE"]
    bxl = entries.get(centre__code="BXL")
    assert f"{Intake.objects.filter(centre__code='BXL').count()} intakes" in bxl.note


def test_running_the_demo_twice_leaves_the_history_as_it_is(db: Any) -> None:
    run_demo("--scale", "0.05")
    before = snapshot()
    audit_entries = AuditEntry.objects.count()
    output = run_demo("--scale", "0.05")
    assert snapshot() == before
    assert "history exists" in output
    assert AuditEntry.objects.count() == audit_entries


def test_codes_are_numbered_per_centre_and_year_after_the_showcase_files(db: Any) -> None:
    run_demo("--scale", "0.05")
    codes = list(
        Intake.objects.filter(centre__code="BXL", received_at__year=2020)
        .order_by("received_at", "id")
        .values_list("code", flat=True)
    )
    assert codes[:2] == ["BXL-I-2020-0001", "BXL-I-2020-0002"]
    assert codes[-1] == f"BXL-I-2020-{len(codes):04d}"
    # The twelve showcase files of this year were made first; the history's come after them.
    this_year = Client.objects.filter(centre__code="LIE", file_code__startswith="LIE-2026-")
    assert this_year.filter(file_code="LIE-2026-0013").exists()
    assert this_year.count() == len(set(this_year.values_list("file_code", flat=True)))


def test_generating_in_a_child_process_gives_the_same_history(db: Any) -> None:
    run_demo("--scale", "0")
    with time_machine.travel(NOW, tick=False):
        history.generate(scale=0.03, seed=3, child_process=True)
    in_child = snapshot()
    run_demo("--reset", "--scale", "0")
    with time_machine.travel(NOW, tick=False):
        history.generate(scale=0.03, seed=3, child_process=False)
    assert snapshot() == in_child


def test_generated_names_are_indexed_for_the_duplicate_search(db: Any) -> None:
    matching = pytest.importorskip("haven.clients.matching")
    run_demo("--scale", "0.05")
    client = Client.objects.filter(centre__code="BXL").exclude(legal_name="").last()
    assert client is not None
    keys = set(NameKey.objects.filter(client=client).values_list("key", flat=True))
    names = matching.split_names(client.legal_name, client.aliases)
    assert keys == matching.index_hashes(client.centre_id, names)
    found = matching.find_duplicates(client.centre, matching.Probe([client.legal_name]))
    assert found and found[0].client.legal_name == client.legal_name


def test_scale_zero_builds_the_accounts_without_history(db: Any) -> None:
    run_demo("--scale", "0")
    assert not Intake.objects.exists()
    assert Client.objects.count() == 36


def test_every_code_of_the_figures_is_one_haven_knows() -> None:
    assert set(figures.REFERRERS_2019_2023) == set(Referrer.values)
    assert set(figures.channels(2026)) <= set(Channel.values)
    assert set(figures.forms(2000)) <= set(ExploitationForm.values)
    assert set(figures.GENDER_BY_FORM) == set(figures.FORMS_30_YEARS)
    assert set(figures.DISTRICTS) <= set(JudicialDistrict.values)
    for conclusion, outcomes in figures.OUTCOMES.items():
        assert conclusion in IndicatorConclusion.values
        assert set(outcomes) <= set(Outcome.values) - {"guidance_started", "first_meeting"}
    codes = {row["code"] for row in json.loads(NATIONALITIES.read_text(encoding="utf-8"))}
    assert set(figures.NATIONALITIES_30_YEARS) | set(figures.FORMER_STATES_EXTRA) <= codes
    assert len(figures.NATIONALITIES_30_YEARS) > 100


def test_former_states_appear_only_while_they_existed() -> None:
    assert {"YUCS", "SUHH"} <= set(figures.nationalities(1996))
    assert "SUHH" not in figures.nationalities(2001)
    assert "YUCS" not in figures.nationalities(2010)
    assert "XK" in figures.nationalities(2015) and "XK" not in figures.nationalities(2000)


def test_guided_victims_are_mostly_women_early_and_about_even_lately(db: Any) -> None:
    run_demo("--scale", "0.3")
    genders = Counter(Episode.objects.values_list("client__gender", flat=True))
    assert genders["F"] / (genders["F"] + genders["M"]) == pytest.approx(0.58, abs=0.05)
    assert "U" not in genders
    early = Counter(
        Episode.objects.filter(start_date__year__lt=2000).values_list("client__gender", flat=True)
    )
    assert early["F"] > 2 * early["M"]


def test_about_250_people_are_in_guidance_at_the_reference_centre_at_any_time(db: Any) -> None:
    run_demo("--scale", "0.3")
    active = Episode.objects.filter(centre__code="BXL", start_date__lte=NOW.date()).exclude(
        end_date__lt=NOW.date()
    )
    assert active.count() == pytest.approx(0.3 * 250, rel=0.3)


def test_records_made_after_the_history_get_fresh_ids(db: Any) -> None:
    run_demo("--scale", "0.02")
    last = Intake.objects.order_by("-pk").first()
    assert last is not None
    centre = Centre.objects.get(code="BXL")
    client = Client.objects.create(centre=centre, file_code="BXL-2026-9999", pseudonym="Nova")
    intake = Intake.objects.create(
        centre=centre,
        code="BXL-I-2026-9999",
        received_at=NOW,
        channel="phone",
        referrer="victim",
        client=client,
        registered_by=last.registered_by,
    )
    assert intake.pk > last.pk
