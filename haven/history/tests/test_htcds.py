"""The HTCDS export: the standard's 37 columns in order, only the standard's picklist values,
identities only when asked, one row per episode of the centre and none of another."""

import csv
import datetime
import io
from pathlib import Path
from typing import Any

import pytest

from haven.accounts.permissions import Role
from haven.centres.models import Centre
from haven.clients.models import Client, Gender
from haven.factories import ClientFactory, IntakeFactory, NationalityFactory, UserFactory
from haven.guidance.models import EndReason, Episode
from haven.history.htcds import write_htcds
from haven.intake.models import IndicatorConclusion, Intake, Referrer, Screening
from haven.legal.models import Verdict
from haven.legal.testing import make_dossier
from haven.reference.codes import (
    ExploitationForm,
    JudicialDistrict,
    MethodOfControl,
    RecruitmentMethod,
)
from haven.residence.models import DocumentType, ResidenceDocument

pytestmark = pytest.mark.django_db

PICKLISTS = Path(__file__).resolve().parents[1] / "htcds" / "picklists.csv"
CODES = [
    "cas_CaseOwner", "prs_Salutation", "prs_FirstName", "prs_SecondName", "con_Consent",
    "prs_Birthdate", "prs_Gender", "prs_Citizenship", "prs_Title", "prs_Email",
    "prs_HomePhone", "prs_MobilePhone", "prs_MailingCity", "prs_MailingCountry",
    "prs_MailingState", "prs_MailingStreet", "prs_MailingPostalCode", "vic_TraffickingStatus",
    "vic_TraffickinStatusDecisionMakingOrg", "vic_MethodOfRecruitment",
    "vic_LocationOfRecruitment", "vic_MethodsOfControl", "vic_TypeOfExploitation",
    "vic_ForcedLabourIndustry", "vic_TypeOfSexExploitation", "vic_LocationOfExploitation",
    "cas_Status", "cas_ReferringOrganisation", "cas_IncomingReferralDate",
    "cas_ReferringPrimaryCaseWorker", "cas_ReasonForIncomingReferral",
    "cas_IncomingReferralDetails", "cas_ReferredOrganisation", "cas_ReferredPrimaryCaseWorker",
    "cas_OutgoingReferralDate", "cas_OutgoingReferralDetails", "cas_ReasonForCaseClosure",
]  # fmt: skip
# The picklist of each column that takes one (the standard's template's validation).
PICKLIST_COLUMNS = {
    "prs_Gender": "Gender",
    "prs_Citizenship": "Country",
    "prs_MailingCountry": "Country",
    "vic_TraffickingStatus": "Trafficking Status",
    "vic_TraffickinStatusDecisionMakingOrg": "Trafficking Status Decision Making Organization",
    "vic_MethodOfRecruitment": "Method of Recruitment",
    "vic_LocationOfRecruitment": "Country",
    "vic_MethodsOfControl": "Methods of Control",
    "vic_TypeOfExploitation": "Type of Exploitation",
    "vic_ForcedLabourIndustry": "Forced Labour Industry",
    "vic_TypeOfSexExploitation": "Type of Sex Exploitation",
    "vic_LocationOfExploitation": "Country",
    "cas_Status": "Status",
    "cas_ReasonForIncomingReferral": "Reason for Incoming Referral",
}
IDENTITY = [
    "prs_Salutation", "prs_FirstName", "prs_SecondName", "prs_Birthdate", "prs_Email",
    "prs_HomePhone", "prs_MobilePhone", "prs_MailingCity", "prs_MailingCountry",
    "prs_MailingState", "prs_MailingStreet", "prs_MailingPostalCode",
]  # fmt: skip


def picklists() -> dict[str, set[str]]:
    lists: dict[str, set[str]] = {}
    with PICKLISTS.open(encoding="utf-8", newline="") as file:
        for row in csv.DictReader(file):
            lists.setdefault(row["list"], set()).add(row["value"])
    return lists


def export(centre: Centre, *, with_identity: bool = False) -> tuple[list[str], list[dict]]:
    out = io.StringIO()
    count = write_htcds(centre, out, with_identity=with_identity)
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert count == len(rows) - 1
    return rows[0], [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def episode(client: Client, start: datetime.date, **values: Any) -> Episode:
    worker = UserFactory(centre=client.centre, role=Role.PSYCHOSOCIAL)
    return Episode.objects.create(
        centre=client.centre, client=client, start_date=start, created_by=worker, **values
    )


def screened(client: Client, conclusion: str, **values: Any) -> Intake:
    intake = IntakeFactory(centre=client.centre, client=client)
    Screening.objects.create(
        intake=intake,
        conclusion=conclusion,
        screened_by=UserFactory(centre=client.centre, role=Role.PSYCHOSOCIAL),
        **values,
    )
    return intake


def mixed_centre(centre: Centre) -> None:
    """Every code Haven has for what the export maps: genders, nationalities, forms,
    methods of control, recruitment, conclusions, end reasons, evidence of victim status."""
    for code in ("XK", "YUCS", "ZZ", "NG", "BE"):
        NationalityFactory(code=code)
    genders = list(Gender.values)
    nationalities = ["RO", "XK", "YUCS", "ZZ", "NG", "BE", None]
    forms = list(ExploitationForm.values)
    controls = list(MethodOfControl.values)
    recruitment = list(RecruitmentMethod.values)
    conclusions = list(IndicatorConclusion.values)
    reasons = list(EndReason.values)
    districts = list(JudicialDistrict.values)
    referrers = list(Referrer.values)
    for i in range(max(len(forms), len(reasons), len(recruitment), len(referrers))):
        client = ClientFactory(
            centre=centre,
            gender=genders[i % len(genders)],
            nationality_id=nationalities[i % len(nationalities)],
        )
        intake = screened(
            client,
            conclusions[i % len(conclusions)],
            methods_of_control=controls[i % 4 :: 4],
            recruitment=recruitment[i % len(recruitment)],
            place=districts[(i + 3) % len(districts)],
        )
        intake.referrer = referrers[i % len(referrers)]
        intake.referrer_organisation = "" if i % 2 else "Police zone Test-Noord"
        intake.save()
        ended = i % 3 != 1
        episode(
            client,
            datetime.date(2015, 1, 1) + datetime.timedelta(days=40 * i),
            intake=intake,
            exploitation=forms[i % len(forms)],
            other_forms=[f for f in forms if f != forms[i % len(forms)]][: i % 3],
            district=districts[i % len(districts)] if i % 4 else "",
            end_date=datetime.date(2024, 6, 30) if ended else None,
            end_reason=reasons[i % len(reasons)] if ended else "",
            in_protection_procedure=i % 5 == 0,
        )
    # Without an intake, from an intake never screened, and evidence of an actual victim.
    episode(ClientFactory(centre=centre), datetime.date(2020, 1, 1))
    unscreened = ClientFactory(centre=centre)
    episode(
        unscreened,
        datetime.date(2021, 1, 1),
        intake=IntakeFactory(centre=centre, client=unscreened, referrer=Referrer.VICTIM),
    )
    carded = ClientFactory(centre=centre)
    ResidenceDocument.objects.create(
        centre=centre,
        client=carded,
        document=DocumentType.B_CARD,
        issued_on=datetime.date(2022, 1, 1),
    )
    episode(carded, datetime.date(2019, 5, 1))
    convicted = ClientFactory(centre=centre)
    make_dossier(centre, victims=[convicted], verdict=Verdict.CONVICTION)
    episode(convicted, datetime.date(2018, 5, 1))


def test_the_header_is_exactly_the_37_codes_of_the_standard_in_order(centre_a: Centre) -> None:
    header, rows = export(centre_a)
    assert header == CODES
    assert len(header) == 37
    assert rows == []


def test_every_value_of_a_picklist_column_is_in_that_columns_picklist(
    centre_a: Centre,
) -> None:
    mixed_centre(centre_a)
    lists = picklists()
    _header, rows = export(centre_a, with_identity=True)
    seen: dict[str, set[str]] = {}
    for row in rows:
        for column, picklist in PICKLIST_COLUMNS.items():
            for value in filter(None, row[column].split(";")):
                assert value in lists[picklist], f"{column}: {value!r}"
                seen.setdefault(column, set()).add(value)
    # The mapping is exercised, not just silent.
    assert seen["prs_Gender"] == {"Feminine", "Masculine", "NonConforming", "NonSpecifiedUnknown"}
    assert seen["prs_Citizenship"] == {"Romania", "Nigeria", "Belgium"}
    assert len(seen["vic_MethodsOfControl"]) == len(MethodOfControl.values)
    assert len(seen["vic_MethodOfRecruitment"]) == len(RecruitmentMethod.values)
    assert seen["vic_TraffickingStatus"] == {
        "Actual victim of trafficking",
        "Possible victim of trafficking",
        "Not a victim of trafficking",
    }
    assert seen["cas_Status"] == {"Active", "Closed", "Closed Referred"}
    assert seen["vic_LocationOfExploitation"] == {"Belgium"}


def test_identity_columns_are_empty_without_the_flag_and_filled_with_it(
    centre_a: Centre,
) -> None:
    client = ClientFactory(centre=centre_a, legal_name="Ioana Maria Testescu")
    episode(client, datetime.date(2024, 2, 1))
    _header, (row,) = export(centre_a)
    assert all(row[column] == "" for column in IDENTITY)
    _header, (row,) = export(centre_a, with_identity=True)
    assert (row["prs_FirstName"], row["prs_SecondName"]) == ("Ioana", "Maria Testescu")
    assert row["prs_Birthdate"] == "1995-04-12"
    assert row["prs_MobilePhone"] == "+32 470 00 11 22"
    assert row["prs_MailingStreet"] == "Voorbeeldstraat 7, 1000 Brussel"
    # Haven keeps no e-mail address of a client, nor a split address.
    assert row["prs_Email"] == row["prs_MailingCity"] == row["prs_MailingCountry"] == ""


def test_one_row_per_episode_and_an_episode_of_another_centre_never_appears(
    centre_a: Centre, centre_b: Centre
) -> None:
    returning = ClientFactory(centre=centre_a)
    episode(
        returning,
        datetime.date(2010, 3, 1),
        end_date=datetime.date(2012, 3, 1),
        end_reason=EndReason.AUTONOMY,
    )
    episode(returning, datetime.date(2020, 3, 1))
    episode(ClientFactory(centre=centre_a), datetime.date(2021, 3, 1))
    theirs = ClientFactory(centre=centre_b, legal_name="Other Centre")
    episode(theirs, datetime.date(2022, 3, 1))
    _header, rows = export(centre_a, with_identity=True)
    assert len(rows) == Episode.objects.filter(centre=centre_a).count() == 3
    assert {row["cas_CaseOwner"] for row in rows} == {"Centre A"}
    assert "Other" not in {row["prs_FirstName"] for row in rows}
    assert [row["cas_Status"] for row in rows] == ["Closed", "Active", "Active"]
    assert rows[0]["cas_ReasonForCaseClosure"] == "Autonomy reached"


def test_an_episode_from_a_screened_intake_carries_the_screening_and_the_referral(
    centre_a: Centre,
) -> None:
    client = ClientFactory(centre=centre_a)
    intake = screened(
        client,
        IndicatorConclusion.YES,
        methods_of_control=[MethodOfControl.DEBT_BONDAGE, MethodOfControl.WITHHOLDS_DOCUMENTS],
        recruitment=RecruitmentMethod.SOCIAL_NETWORKS,
    )
    episode(
        client,
        datetime.date(2026, 3, 5),
        intake=intake,
        exploitation=ExploitationForm.LABOUR,
        other_forms=[ExploitationForm.CRIMINALITY, ExploitationForm.SMUGGLING_AGGRAVATED],
        district=JudicialDistrict.ANT,
        end_date=datetime.date(2026, 4, 1),
        end_reason=EndReason.TRANSFERRED,
    )
    _header, (row,) = export(centre_a)
    assert row["prs_Citizenship"] == "Romania"
    assert row["vic_TraffickingStatus"] == "Possible victim of trafficking"
    assert row["vic_TraffickinStatusDecisionMakingOrg"] == "NGO"
    assert row["vic_MethodsOfControl"].split(";") == ["Debt bondage ", "Withholds documents"]
    assert row["vic_MethodOfRecruitment"] == "Through online social networks"
    assert row["vic_TypeOfExploitation"] == "Forced labour;Other"
    assert row["vic_LocationOfExploitation"] == "Belgium"
    assert row["cas_ReferringOrganisation"] == "Police zone Test-Noord"
    assert row["cas_IncomingReferralDate"] == "2026-03-04"
    assert row["cas_Status"] == "Closed Referred"
    assert row["cas_OutgoingReferralDate"] == "2026-04-01"
    assert row["cas_ReasonForCaseClosure"] == "Transferred to a partner centre"


def test_a_b_card_makes_an_actual_victim_decided_by_court_or_prosecution(
    centre_a: Centre,
) -> None:
    client = ClientFactory(centre=centre_a)
    ResidenceDocument.objects.create(
        centre=centre_a,
        client=client,
        document=DocumentType.B_CARD,
        issued_on=datetime.date(2023, 1, 1),
    )
    episode(client, datetime.date(2020, 1, 1), in_protection_procedure=True)
    _header, (row,) = export(centre_a)
    assert row["vic_TraffickingStatus"] == "Actual victim of trafficking"
    assert row["vic_TraffickinStatusDecisionMakingOrg"] == "Court or prosecution"
