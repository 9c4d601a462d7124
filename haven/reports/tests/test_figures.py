"""The report's figures on hand-computed cases: the edge rules of REPORT.md section 2."""

import datetime
from typing import Any, cast

import pytest
from django.db import transaction

from haven.accounts.models import User
from haven.accounts.permissions import Role
from haven.appointments.models import Kind as AppointmentKind
from haven.appointments.models import Status
from haven.appointments.testing import make_appointment
from haven.centres.models import Centre
from haven.clients.models import Client, Gender
from haven.factories import ClientFactory, IntakeFactory, NationalityFactory, UserFactory
from haven.guidance.models import Episode
from haven.history.mapping import BRUSSELS
from haven.intake.models import Outcome, Screening
from haven.legal.models import Outcome as LegalOutcome
from haven.legal.models import Verdict
from haven.legal.testing import make_dossier
from haven.outreach.models import Activity
from haven.reports.figures import report, suppress, suppress_top, top_nationalities
from haven.residence.models import DocumentType, ResidenceDocument, VoluntaryReturn

D = datetime.date
YEAR_2023 = (D(2023, 1, 1), D(2023, 12, 31))

pytestmark = pytest.mark.django_db


def worker(centre: Centre) -> User:
    return cast(User, UserFactory(centre=centre, role=Role.PSYCHOSOCIAL))


def client(centre: Centre, **values: Any) -> Client:
    values.setdefault("birth_year", None)
    return cast(Client, ClientFactory(centre=centre, **values))


def episode(centre: Centre, who: Client | None = None, **values: Any) -> Episode:
    values.setdefault("exploitation", "labour")
    return Episode.objects.create(
        centre=centre,
        client=who or client(centre),
        created_by=worker(centre),
        **values,
    )


def test_an_intake_at_23_30_utc_on_31_december_counts_in_the_next_year(centre_a: Centre) -> None:
    late = datetime.datetime(2022, 12, 31, 23, 30, tzinfo=datetime.UTC)  # 00:30 in Brussels
    IntakeFactory(centre=centre_a, received_at=late)
    IntakeFactory(
        centre=centre_a, received_at=datetime.datetime(2022, 12, 31, 22, 30, tzinfo=datetime.UTC)
    )
    figures = report(centre_a, D(2022, 1, 1), D(2023, 12, 31))["intakes"]
    assert figures["by_year"] == {"2022": 1, "2023": 1}
    assert report(centre_a, *YEAR_2023)["intakes"]["total"] == 1


def test_intakes_count_open_decisions_as_pending_and_indicators_yes_only(centre_a: Centre) -> None:
    at = datetime.datetime(2023, 5, 1, 10, tzinfo=BRUSSELS)
    screener = worker(centre_a)
    for outcome, conclusion in [
        ("", "yes"),
        (Outcome.FIRST_MEETING, "unclear"),
        (Outcome.DECLINED, "yes"),
        (Outcome.GUIDANCE_STARTED, None),
    ]:
        intake = IntakeFactory(centre=centre_a, received_at=at, outcome=outcome)
        if conclusion:
            Screening.objects.create(intake=intake, conclusion=conclusion, screened_by=screener)
    figures = report(centre_a, *YEAR_2023)["intakes"]
    assert figures["by_outcome"] == {
        "guidance_started": 1,
        "referred_partner_centre": 0,
        "referred_other_service": 0,
        "declined": 1,
        "no_follow_up": 0,
        "pending": 2,
    }
    assert figures["with_indicators"] == 2
    assert figures["by_referrer"]["judicial"] == 4 and figures["by_referrer"]["victim"] == 0
    assert figures["by_channel"]["phone"] == 4


def test_an_episode_starting_and_ending_the_same_day_lasts_one_day(centre_a: Centre) -> None:
    episode(centre_a, start_date=D(2023, 3, 1), end_date=D(2023, 3, 1), end_reason="autonomy")
    duration = report(centre_a, *YEAR_2023)["guidance"]["duration_days"]
    assert duration == {"min": 1, "median": 1.0, "max": 1, "ongoing_max": None}


def test_the_median_of_an_even_count_is_the_mean_of_the_middle_two(centre_a: Centre) -> None:
    for days in (1, 10, 21, 100):  # lengths 1, 10, 21, 100 days: median (10 + 21) / 2
        episode(
            centre_a,
            start_date=D(2023, 12, 31) - datetime.timedelta(days=days - 1),
            end_date=D(2023, 12, 31),
            end_reason="autonomy",
        )
    episode(centre_a, start_date=D(2020, 1, 1))  # still open on 31 December 2023
    duration = report(centre_a, *YEAR_2023)["guidance"]["duration_days"]
    assert duration == {"min": 1, "median": 15.5, "max": 100, "ongoing_max": 1461}


def test_a_minor_by_birth_year_only_is_born_on_1_july(centre_a: Centre) -> None:
    episode(centre_a, client(centre_a, birth_year=2005), start_date=D(2023, 6, 30))  # 17
    episode(centre_a, client(centre_a, birth_year=2005), start_date=D(2023, 7, 1))  # 18
    episode(centre_a, client(centre_a, birth_date=D(2005, 12, 31)), start_date=D(2023, 12, 30))
    episode(centre_a, client(centre_a), start_date=D(2023, 1, 1))  # age unknown
    assert report(centre_a, *YEAR_2023)["guidance"]["new_minors"] == 2


def test_new_guidance_breakdowns_count_an_empty_arrondissement_as_unknown(
    centre_a: Centre,
) -> None:
    person = client(centre_a, gender=Gender.MALE, nationality=NationalityFactory(code="XK"))
    episode(centre_a, person, start_date=D(2023, 2, 1), end_date=D(2023, 3, 1), end_reason="other")
    episode(centre_a, person, start_date=D(2023, 4, 1), district="ANT", exploitation="sexual")
    episode(centre_a, client(centre_a, nationality=None), start_date=D(2022, 4, 1))
    figures = report(centre_a, *YEAR_2023)["guidance"]
    assert figures["new"] == 2
    assert figures["new_by_arrondissement"]["UNKNOWN"] == 1
    assert figures["new_by_arrondissement"]["ANT"] == 1
    assert figures["new_by_gender"] == {"F": 0, "M": 2, "X": 0, "U": 0}
    assert figures["new_by_exploitation_by_year"]["2023"]["sexual"] == 1
    assert figures["new_persons"] == 1
    assert figures["new_persons_by_nationality"] == {"XK": 1}
    assert figures["active"] == 2
    assert figures["active_by_year"] == {"2023": 2}


def test_active_clients_by_year_count_a_client_once_a_year(centre_a: Centre) -> None:
    person = client(centre_a)
    episode(centre_a, person, start_date=D(2021, 5, 1), end_date=D(2022, 2, 1), end_reason="other")
    episode(centre_a, person, start_date=D(2022, 6, 1), end_date=D(2022, 7, 1), end_reason="other")
    episode(centre_a, person, start_date=D(2023, 6, 1))
    episode(centre_a, start_date=D(2019, 1, 1), end_date=D(2021, 1, 1), end_reason="other")
    figures = report(centre_a, D(2020, 1, 1), D(2023, 12, 31))["guidance"]
    assert figures["active_by_year"] == {"2020": 1, "2021": 2, "2022": 1, "2023": 1}
    assert figures["active"] == 2
    only_2022 = report(centre_a, D(2022, 1, 1), D(2022, 12, 31))["guidance"]
    assert only_2022["active"] == 1 and only_2022["new_persons"] == 1


def test_a_court_case_without_a_verdict_is_pending(centre_a: Centre) -> None:
    make_dossier(
        centre_a,
        opened_on=D(2022, 1, 1),
        outcome=LegalOutcome.COURT,
        outcome_date=D(2023, 2, 2),
        verdict="",
        centre_civil_party_on=D(2023, 1, 5),
    )
    make_dossier(
        centre_a,
        opened_on=D(2022, 1, 1),
        outcome=LegalOutcome.COURT,
        outcome_date=D(2023, 2, 2),
        verdict=Verdict.ACQUITTAL,
    )
    make_dossier(
        centre_a, opened_on=D(2022, 1, 1), outcome=LegalOutcome.NON_SUIT, outcome_date=D(2023, 3, 3)
    )
    make_dossier(centre_a, opened_on=D(2022, 1, 1), outcome=LegalOutcome.COURT,
                 outcome_date=D(2022, 3, 3), verdict=Verdict.CONVICTION)  # fmt: skip
    assert report(centre_a, *YEAR_2023)["legal"] == {
        "court_cases": 2,
        "without_trial": 1,
        "centre_civil_party": 1,
        "verdicts": {"conviction": 0, "partial_acquittal": 0, "acquittal": 1, "pending": 1},
    }


def test_eu_registration_counts_as_other_and_only_a_first_permanent_document_regularises(
    centre_a: Centre,
) -> None:
    first, second = client(centre_a), client(centre_a)
    ResidenceDocument.objects.create(
        centre=centre_a, client=first, document=DocumentType.EU_REGISTRATION,
        issued_on=D(2023, 1, 2), valid_until=D(2028, 1, 1),
    )  # fmt: skip
    ResidenceDocument.objects.create(
        centre=centre_a, client=first, document=DocumentType.B_CARD, issued_on=D(2023, 5, 1)
    )
    ResidenceDocument.objects.create(
        centre=centre_a, client=second, document=DocumentType.HUMANITARIAN_PERMANENT,
        issued_on=D(2021, 5, 1),
    )  # fmt: skip
    ResidenceDocument.objects.create(
        centre=centre_a, client=second, document=DocumentType.B_CARD, issued_on=D(2023, 6, 1)
    )
    VoluntaryReturn.objects.create(centre=centre_a, client=second, returned_on=D(2023, 12, 31))
    figures = report(centre_a, *YEAR_2023)["administrative"]
    assert figures["documents_issued"]["other"] == 1
    assert figures["documents_issued"]["b_card"] == 2
    assert figures["regularised"] == 1
    assert figures["regularised_by_basis"] == {"trafficking": 1, "humanitarian": 0}
    assert figures["voluntary_returns"] == 1


def test_an_accompaniment_is_not_a_contact(centre_a: Centre) -> None:
    day = datetime.datetime(2023, 4, 3, 10, tzinfo=BRUSSELS)
    done = {"status": Status.DONE, "starts_at": day}
    make_appointment(centre_a, kind=AppointmentKind.INDIVIDUAL, duration_minutes=45, **done)
    make_appointment(
        centre_a, kind=AppointmentKind.HOME_VISIT, duration_minutes=60, interpreter_minutes=30,
        **done,
    )  # fmt: skip
    make_appointment(
        centre_a, kind=AppointmentKind.ACCOMPANY_COURT, duration_minutes=240,
        interpreter_minutes=240, **done,
    )  # fmt: skip
    make_appointment(centre_a, kind=AppointmentKind.INDIVIDUAL, duration_minutes=600,
                     starts_at=day)  # planned, not held  # fmt: skip
    make_appointment(centre_a, kind=AppointmentKind.GROUP, client=client(centre_a), **done)
    make_appointment(centre_a, kind=AppointmentKind.GROUP, **done)  # without a client
    assert report(centre_a, *YEAR_2023)["psychosocial"] == {
        "individual_hours": 1.8,  # 105 minutes; 1.75 rounds half to even
        "individual_hours_per_month": 0.1,  # 1.75 / 12 = 0.1458...
        "interpreter_hours": 0.5,
        "group_sessions": 1,
    }


def test_outreach_counts_trainings_by_audience_as_written(centre_a: Centre) -> None:
    for kind, participants, audience in [
        ("training", 10, "police"),
        ("training", 3, ""),
        ("training", 0, "lawyers"),
        ("delegation", 6, ""),
        ("awareness", 40, ""),
    ]:
        Activity.objects.create(
            centre=centre_a, date=D(2023, 9, 9), kind=kind, participants=participants,
            audience=audience,
        )  # fmt: skip
    assert report(centre_a, *YEAR_2023)["outreach"] == {
        "trainings": 3,
        "professionals_trained": 13,
        "trained_by_audience": {"other": 3, "police": 10},
        "delegations": 1,
        "awareness_participants": 40,
    }


def test_all_centres_add_up(centre_a: Centre, centre_b: Centre) -> None:
    at = datetime.datetime(2023, 5, 1, 10, tzinfo=BRUSSELS)
    for centre in (centre_a, centre_b):
        IntakeFactory(centre=centre, received_at=at)
        episode(centre, start_date=D(2023, 2, 2))
    national = report(None, *YEAR_2023)
    assert national["centre"] == "ALL"
    assert national["intakes"]["total"] == 2
    assert national["guidance"]["new_persons"] == 2
    assert national["guidance"]["active"] == 2
    assert report(centre_a, *YEAR_2023)["guidance"]["active"] == 1


def test_suppression_hides_small_cells_but_not_totals_rates_or_durations(
    centre_a: Centre,
) -> None:
    at = datetime.datetime(2023, 5, 1, 10, tzinfo=BRUSSELS)
    for _ in range(3):
        IntakeFactory(centre=centre_a, received_at=at)
    episode(centre_a, start_date=D(2023, 3, 1), end_date=D(2023, 3, 3), end_reason="other")
    shown = suppress(report(centre_a, *YEAR_2023))
    assert shown["intakes"]["total"] == 3
    assert shown["intakes"]["by_referrer"]["judicial"] == "<5"
    assert shown["intakes"]["by_referrer"]["victim"] == 0
    assert shown["intakes"]["by_year"] == {"2023": "<5"}
    assert shown["guidance"]["new_by_gender_by_year"]["2023"]["F"] == "<5"
    assert shown["guidance"]["duration_days"]["max"] == 3
    assert shown["shelter"]["occupancy_by_year"] == {"2023": None}
    assert shown["period"] == {"from": "2023-01-01", "to": "2023-12-31"}


def test_top_nationalities_per_five_years_break_ties_by_code(centre_a: Centre) -> None:
    for code, start in [("RO", D(1998, 1, 1)), ("BG", D(1999, 1, 1)), ("NG", D(2001, 1, 1)),
                        ("NG", D(2002, 1, 1))]:  # fmt: skip
        episode(centre_a, client(centre_a, nationality=NationalityFactory(code=code)),
                start_date=start)  # fmt: skip
    assert top_nationalities(centre_a, D(1997, 6, 1), D(2003, 12, 31), top=1) == [
        {"from": "1997-06-01", "to": "1999-12-31", "top": [["BG", 1]]},
        {"from": "2000-01-01", "to": "2003-12-31", "top": [["NG", 2]]},
    ]
    hidden = suppress_top(top_nationalities(centre_a, D(2000, 1, 1), D(2003, 12, 31)))
    assert hidden == [{"from": "2000-01-01", "to": "2003-12-31", "top": [["NG", "<5"]]}]


@pytest.mark.django_db(transaction=True)
def test_sections_computed_on_two_threads_are_those_computed_one_after_the_other(
    centre_a: Centre,
) -> None:
    IntakeFactory(centre=centre_a, received_at=datetime.datetime(2023, 5, 1, tzinfo=BRUSSELS))
    episode(centre_a, start_date=D(2023, 2, 2))
    threaded = report(centre_a, *YEAR_2023)
    with transaction.atomic():
        in_turn = report(centre_a, *YEAR_2023)
    assert threaded == in_turn
    assert threaded["intakes"]["total"] == 1 and threaded["guidance"]["new"] == 1
