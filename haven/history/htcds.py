"""The HTCDS export (REPORT.md section 4): one row per guidance episode in the 37 columns of the
Human Trafficking Case Data Standard v2.0 case sheet (IOM, CC BY 4.0), values from its
picklists. ``htcds/columns.csv`` and ``htcds/picklists.csv`` are the standard's own lists, read
here at run time; every picklist value written is checked against them.

What Haven knows is mapped where the mapping is faithful; a column with no faithful value stays
empty (salutation, title, consent, e-mail, recruitment location, labour industry, type of sex
exploitation, the referral reasons, details and case workers, the receiving organisation).

- The person: gender, citizenship (the nationality's country; former states, Kosovo and
  unknown have no entry in the standard's country list and stay empty).
- Identity (names, birth date, phone, address) only ``with_identity``, from the decrypted
  identity block: the legal name's first word as first name, the rest as second name (a single
  word: second name, the standard's required surname); the birth date on documents, else the
  birth date; the phone as mobile phone; the address, one text, as mailing street.
- Trafficking status, strongest evidence first: a B card (issued after a conviction for
  trafficking or at the prosecutor's request to convict) or a conviction in a dossier where the
  client is a victim: *actual victim*, decided by court or prosecution; an episode in the
  protection procedure, or an intake screened with indicators: *possible victim* (not formally
  verified), decided by the centre (NGO); screened without indicators: *not a victim*, by the
  centre; otherwise empty.
- Recruitment method and methods of control: from the screening of the episode's intake.
- Exploitation: the primary form and the others, each in the standard's nearest type (forced
  criminality and aggravated smuggling have none: ``Other``); the place of exploitation is
  Belgium when it is a Belgian judicial district.
- The case: owner (the centre's name), status (open: Active; ended: Closed, or Closed Referred
  when transferred to a partner centre, with the end date as outgoing referral date), the
  intake's referrer and received date as incoming referral, the end reason as reason for
  closure (the standard has no list for it: Haven's English label).

Multi-valued cells join values with ``;``, as the standard's multi-select template does.
"""

import csv
import datetime
import functools
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

from django.db.models import Exists, OuterRef
from django.utils import translation

from haven.centres.models import Centre
from haven.clients.models import Gender
from haven.guidance.models import EndReason, Episode
from haven.history.mapping import local_date
from haven.intake.models import IndicatorConclusion, Referrer
from haven.legal.models import Verdict, Victim
from haven.reference.codes import (
    ExploitationForm,
    JudicialDistrict,
    MethodOfControl,
    RecruitmentMethod,
)
from haven.residence.models import DocumentType, ResidenceDocument

DATA = Path(__file__).resolve().parent / "htcds"
SEPARATOR = ";"

# The columns that hold picklist values, and the standard's list each takes them from.
PICKLIST_OF = {
    "prs_Gender": "Gender",
    "prs_Citizenship": "Country",
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
# The identity and contact columns: empty unless the export is asked with identities.
IDENTITY_COLUMNS = (
    "prs_Salutation",
    "prs_FirstName",
    "prs_SecondName",
    "prs_Birthdate",
    "prs_Email",
    "prs_HomePhone",
    "prs_MobilePhone",
    "prs_MailingCity",
    "prs_MailingCountry",
    "prs_MailingState",
    "prs_MailingStreet",
    "prs_MailingPostalCode",
)

GENDER = {
    Gender.FEMALE: "Feminine",
    Gender.MALE: "Masculine",
    Gender.OTHER: "NonConforming",
    Gender.UNKNOWN: "NonSpecifiedUnknown",
}
EXPLOITATION = {
    ExploitationForm.SEXUAL: "Sexual exploitation",
    ExploitationForm.LABOUR: "Forced labour",
    ExploitationForm.BEGGING: "Forced begging",
    ExploitationForm.CRIMINALITY: "Other",
    ExploitationForm.ORGAN_REMOVAL: "Organ removal",
    ExploitationForm.SMUGGLING_AGGRAVATED: "Other",
    ExploitationForm.FORCED_MARRIAGE: "Forced marriage",
    ExploitationForm.ILLEGAL_ADOPTION: "Forced adoption",
    ExploitationForm.SURROGACY: "Surrogacy",
    ExploitationForm.OTHER: "Other",
}
CONTROL = {
    MethodOfControl.PHYSICAL_THREATS: "Physical threats",
    MethodOfControl.LAW_ENFORCEMENT_THREATS: "Threats of law enforcement",
    MethodOfControl.THREATENS_FAMILY: "Threatens children/family",
    MethodOfControl.DEBT_BONDAGE: "Debt bondage",
    MethodOfControl.FALSE_PROMISES: "False promises",
    MethodOfControl.PHYSICAL_ABUSE: "Physical abuse",
    MethodOfControl.SEXUAL_ABUSE: "Sexual abuse",
    MethodOfControl.TAKES_EARNINGS: "Takes earnings",
    MethodOfControl.RESTRICTS_FINANCES: "Restricts financial access",
    MethodOfControl.RESTRICTS_MEDICAL: "Restricts medical care",
    MethodOfControl.WITHHOLDS_NECESSITIES: "Withholds necessities",
    MethodOfControl.PSYCHOLOGICAL_ABUSE: "Psychological abuse",
    MethodOfControl.PSYCHOACTIVE_SUBSTANCE: "Psychoactive substance",
    MethodOfControl.EXCESSIVE_HOURS: "Excessive working hours",
    MethodOfControl.WITHHOLDS_DOCUMENTS: "Withholds documents",
    MethodOfControl.OTHER: "Other",
}
RECRUITMENT = {
    RecruitmentMethod.PLACE_OF_BUSINESS: "At a place of business",
    RecruitmentMethod.EDUCATIONAL_INSTITUTION: "At an educational institution",
    RecruitmentMethod.AT_WORK: "At work",
    RecruitmentMethod.SOCIAL_NETWORKS: "Through online social networks",
    RecruitmentMethod.ONLINE_ADVERTISEMENT: "Through an online advertisement",
    RecruitmentMethod.TELEVISION: "Through a television advert",
    RecruitmentMethod.NEWSPAPER: "Through a newspaper advert",
    RecruitmentMethod.FAMILY: "Through family or family events",
    RecruitmentMethod.FRIENDS: "Through friends or social events",
    RecruitmentMethod.OTHER: "Other",
}
# Referrers that are organisations; a victim, a private person or nobody known is not.
REFERRING_ORGANISATIONS = frozenset(Referrer.values) - {
    Referrer.VICTIM,
    Referrer.PRIVATE_PERSON,
    Referrer.UNKNOWN,
}
BELGIAN_DISTRICTS = frozenset(JudicialDistrict.values) - {
    JudicialDistrict.ABROAD,
    JudicialDistrict.UNKNOWN,
}
BELGIUM = "BE"
ACTUAL, POSSIBLE, NOT_A_VICTIM = (
    "Actual victim of trafficking",
    "Possible victim of trafficking",
    "Not a victim of trafficking",
)
COURT, NGO = "Court or prosecution", "NGO"
ACTIVE, CLOSED, CLOSED_REFERRED = "Active", "Closed", "Closed Referred"


@functools.cache
def columns() -> tuple[str, ...]:
    """The 37 column codes of the case sheet, in order."""
    with (DATA / "columns.csv").open(encoding="utf-8", newline="") as file:
        return tuple(row["code"] for row in csv.DictReader(file))


@functools.cache
def picklists() -> dict[str, tuple[str, ...]]:
    """Each picklist of the standard with its values, exactly as the template spells them."""
    lists: dict[str, list[str]] = {}
    with (DATA / "picklists.csv").open(encoding="utf-8", newline="") as file:
        for row in csv.DictReader(file):
            lists.setdefault(row["list"], []).append(row["value"])
    return {name: tuple(values) for name, values in lists.items()}


def _pick(list_name: str, wanted: str) -> str:
    """The picklist's own spelling of a value (the template has stray spaces: 'Debt bondage ')."""
    for value in picklists()[list_name]:
        if value.strip().casefold() == wanted.strip().casefold():
            return value
    raise LookupError(f"{wanted!r} is not in the HTCDS picklist {list_name!r}")


@functools.cache
def _values() -> dict[str, dict[str, str]]:
    """Haven's codes -> the standard's values, resolved against the picklists once."""
    lists = picklists()
    return {
        "gender": {code: _pick("Gender", value) for code, value in GENDER.items()},
        "exploitation": {
            code: _pick("Type of Exploitation", value) for code, value in EXPLOITATION.items()
        },
        "control": {code: _pick("Methods of Control", value) for code, value in CONTROL.items()},
        "recruitment": {
            code: _pick("Method of Recruitment", value) for code, value in RECRUITMENT.items()
        },
        # The country list and the code list run in parallel in the template.
        "country": dict(zip(lists["Country Code"], lists["Country"], strict=True)),
        "status": {
            name: _pick("Trafficking Status", name) for name in (ACTUAL, POSSIBLE, NOT_A_VICTIM)
        },
        "decided_by": {
            name: _pick("Trafficking Status Decision Making Organization", name)
            for name in (COURT, NGO)
        },
        "case": {name: _pick("Status", name) for name in (ACTIVE, CLOSED, CLOSED_REFERRED)},
    }


def write_htcds(centre: Centre, out: TextIO, *, with_identity: bool) -> int:
    """Write the centre's guidance episodes as an HTCDS case sheet (CSV, header = the codes);
    returns the number of rows. Identity columns stay empty unless ``with_identity``."""
    writer = csv.writer(out)
    header = columns()
    writer.writerow(header)
    count = 0
    with translation.override("en"):
        for episode in _episodes(centre, with_identity=with_identity):
            row = _row(episode, centre, with_identity=with_identity)
            writer.writerow([row.get(code, "") for code in header])
            count += 1
    return count


def _episodes(centre: Centre, *, with_identity: bool) -> Iterator[Episode]:
    convicted = Victim.objects.filter(
        client=OuterRef("client"), dossier__verdict=Verdict.CONVICTION
    )
    b_card = ResidenceDocument.objects.filter(
        client=OuterRef("client"), document=DocumentType.B_CARD
    )
    episodes = (
        Episode.objects.for_centre(centre)
        .select_related("client", "client__nationality", "intake", "intake__screening")
        .annotate(b_card=Exists(b_card), convicted=Exists(convicted))
        .order_by("start_date", "pk")
    )
    if not with_identity:
        # Never decrypted when they are not written.
        episodes = episodes.defer(
            *(
                f"client__{name}"
                for name in ("legal_name", "documented_birth_date", "phone", "address")
            )
        )
    return episodes.iterator(chunk_size=2000)


def _row(episode: Any, centre: Centre, *, with_identity: bool) -> dict[str, str]:
    values = _values()
    client = episode.client
    intake = episode.intake
    screening = getattr(intake, "screening", None) if intake is not None else None
    row: dict[str, str] = {
        "cas_CaseOwner": centre.name,
        "prs_Gender": values["gender"].get(client.gender, ""),
        "prs_Citizenship": values["country"].get(client.nationality_id or "", ""),
    }
    if with_identity:
        row.update(_identity(client))

    status, decided_by = _trafficking_status(episode, screening)
    row["vic_TraffickingStatus"] = values["status"][status] if status else ""
    row["vic_TraffickinStatusDecisionMakingOrg"] = (
        values["decided_by"][decided_by] if decided_by else ""
    )
    if screening is not None:
        row["vic_MethodOfRecruitment"] = values["recruitment"].get(screening.recruitment, "")
        row["vic_MethodsOfControl"] = _joined(
            values["control"].get(code, "") for code in screening.methods_of_control or []
        )
    row["vic_TypeOfExploitation"] = _joined(
        values["exploitation"].get(code, "")
        for code in [episode.exploitation, *(episode.other_forms or [])]
    )
    place = episode.district or (screening.place if screening is not None else "")
    if place in BELGIAN_DISTRICTS:
        row["vic_LocationOfExploitation"] = values["country"][BELGIUM]

    transferred = episode.end_reason == EndReason.TRANSFERRED
    if episode.end_date is None:
        row["cas_Status"] = values["case"][ACTIVE]
    else:
        row["cas_Status"] = values["case"][CLOSED_REFERRED if transferred else CLOSED]
        if episode.end_reason:
            row["cas_ReasonForCaseClosure"] = str(EndReason(episode.end_reason).label)
        if transferred:
            row["cas_OutgoingReferralDate"] = _date(episode.end_date)
    if intake is not None:
        row["cas_IncomingReferralDate"] = _date(local_date(intake.received_at))
        if intake.referrer in REFERRING_ORGANISATIONS:
            row["cas_ReferringOrganisation"] = intake.referrer_organisation.strip() or str(
                Referrer(intake.referrer).label
            )
    return row


def _identity(client: Any) -> dict[str, str]:
    words = (client.legal_name or "").split()
    first, second = (words[0], " ".join(words[1:])) if len(words) > 1 else ("", " ".join(words))
    born = client.documented_birth_date or client.birth_date
    return {
        "prs_FirstName": first,
        "prs_SecondName": second,
        "prs_Birthdate": _date(born) if born else "",
        "prs_MobilePhone": (client.phone or "").strip(),
        "prs_MailingStreet": " ".join((client.address or "").split()),
    }


def _trafficking_status(episode: Any, screening: Any) -> tuple[str, str]:
    """(status, who decided it), strongest evidence first; ('', '') when nothing says."""
    if episode.b_card or episode.convicted:
        return ACTUAL, COURT
    conclusion = screening.conclusion if screening is not None else ""
    if episode.in_protection_procedure or conclusion == IndicatorConclusion.YES:
        return POSSIBLE, NGO
    if conclusion == IndicatorConclusion.NO:
        return NOT_A_VICTIM, NGO
    return "", ""


def _joined(values: Iterable[str]) -> str:
    """Distinct non-empty values in their order, joined with the template's separator."""
    return SEPARATOR.join(dict.fromkeys(value for value in values if value))


def _date(day: datetime.date) -> str:
    return day.isoformat()
