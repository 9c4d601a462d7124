"""The demo's criminal cases (``haven.legal``): for the complaint of a victim in guidance, a case
with its whole course, and the dossier the centre keeps of it.

A case is drawn from its opening: an investigation, then a dismissal, a non-suit or a referral
to court, hearings, a verdict, sometimes an appeal. A later victim of the same form and district
may join a recent dossier, so some dossiers have two or three victims; a dossier is written when
no later victim can join it any more. The centre records a dossier's steps while one of its
victims is in guidance, and the next hearing of a running case is already on the calendar; its
stored outcome, verdict and appeal are those of the recorded steps (as haven.legal's services
keep them). Victims get their complaint or statement, civil-party claims, a lawyer and
compensation. Generation only: nothing here reads the database after the start.
"""

import datetime
import math
import random
from collections import defaultdict, deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils import timezone

from haven.centres.models import Centre
from haven.demo.bulk import Writer
from haven.guidance.models import EndReason
from haven.legal.models import Dossier, DossierEvent, Victim
from haven.partners.models import PartnerKind

WRITTEN = (Dossier, Victim, DossierEvent)

# The criminal case (assumptions, shaped on the report's "rechtszaken" and "dossiers die niet
# tot een proces hebben geleid"; the report adds that one dossier may have several victims).
IN_DOSSIER = 0.9  # of the complaints, those whose dossier the centre follows
JOIN = 0.3  # a new victim joins a recent dossier of the same form and district, if there is one
JOIN_DAYS = 120
MAX_VICTIMS = 3
INVESTIGATION_DAYS = 420  # median; log-normal
DECISIONS = {"dismissed": 28, "non_suit": 17, "referred": 55}
VERDICTS = {"conviction": 65, "partial_acquittal": 20, "acquittal": 15}
# A victim still in guidance is more often one whose case goes on: those whose case ended
# without a conviction tend to leave guidance.
DECISIONS_IN_GUIDANCE = {"dismissed": 12, "non_suit": 8, "referred": 80}
VERDICTS_IN_GUIDANCE = {"conviction": 75, "partial_acquittal": 20, "acquittal": 5}
NEAR_HEARINGS = 3  # per centre, at least: a running case with a hearing in the next 30 days
APPEAL, APPEAL_HEARD = 0.2, 0.6
AUTONOMY_B_CARD = 0.6  # a guidance that ended with autonomy: most after a conviction
CIVIL_PARTY, CLAIMED, AWARDED, RECEIVED = 0.5, 0.7, 0.75, 0.35
CENTRE_CIVIL_PARTY = 0.06  # "burgerlijke partijstellingen door" the centre itself: a few


# The court of first instance in each office's district, and the court of appeal above it.
COURT_CITY = {
    "ANT": "Antwerp", "LIM": "Hasselt", "OVL": "Ghent", "WVL": "Bruges", "LEU": "Leuven",
    "HVV": "Brussels (Dutch-speaking)", "BRU": "Brussels", "WBR": "Nivelles",
    "CHA": "Charleroi", "MTO": "Mons", "LUI": "Liège", "LUX": "Arlon", "NAM": "Namur",
    "EUP": "Eupen", "OTHER": "Brussels",
}  # fmt: skip
APPEAL_CITY = {
    "ANT": "Antwerp", "LIM": "Antwerp", "OVL": "Ghent", "WVL": "Ghent", "CHA": "Mons",
    "MTO": "Mons", "LUI": "Liège", "LUX": "Liège", "NAM": "Liège", "EUP": "Liège",
}  # fmt: skip
HOME_OFFICE = {"BXL": "BRU", "ANT": "ANT", "LIE": "LUI"}
SERVICES = {  # investigating service by form of exploitation (labour: the inspection)
    "labour": {"social_inspection": 60, "local_police": 25, "federal_police": 15},
    "": {"local_police": 55, "federal_police": 40, "social_inspection": 5},
}
SERVICE_PARTNER = {
    "local_police": PartnerKind.LOCAL_POLICE,
    "federal_police": PartnerKind.FEDERAL_POLICE,
    "social_inspection": PartnerKind.SOCIAL_INSPECTION,
}

# A step of a case: kind, date, court, verdict.
Step = tuple[str, datetime.date, str, str]


def _draw(rng: random.Random, weights: Mapping[str, float]) -> str:
    point = rng.random() * sum(weights.values())
    for code, weight in weights.items():
        point -= weight
        if point < 0:
            return code
    return list(weights)[-1]


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


@dataclass
class Course:
    """When a case ended, as the residence documents see it."""

    decided_on: datetime.date | None  # dismissed, non-suit or referred
    convicted_on: datetime.date | None  # a conviction (also partial) before any other end
    ended_on: datetime.date | None  # dismissed, non-suit or acquitted: no conviction


def course(steps: list[Step]) -> Course:
    decided = convicted = ended = None
    for kind, day, _court, verdict in steps:
        if kind in ("dismissed", "non_suit", "referred") and decided is None:
            decided = day
        if ended is not None or convicted is not None:
            continue
        if kind in ("dismissed", "non_suit") or (kind == "verdict" and verdict == "acquittal"):
            ended = day
        elif kind == "verdict":
            convicted = day
    return Course(decided, convicted, ended)


def stored_state(steps: list[Step]) -> dict[str, Any]:
    """A dossier's outcome, verdict and appeal as its (recorded) steps give them: the latest
    dismissal, non-suit or referral; the latest verdict; an appeal after that verdict."""
    state: dict[str, Any] = {
        "outcome": "pending",
        "outcome_date": None,
        "verdict": "",
        "verdict_date": None,
        "appealed": False,
    }
    for kind, day, _court, verdict in steps:
        if kind in ("dismissed", "non_suit", "referred"):
            state["outcome"] = "court" if kind == "referred" else kind
            state["outcome_date"] = day
        elif kind == "verdict":
            state.update(verdict=verdict, verdict_date=day, appealed=False)
        elif kind == "appeal" and state["verdict"]:
            state["appealed"] = True
    return state


@dataclass
class Case:
    """A criminal case as it will run (steps may lie after today), and its dossier if the
    centre keeps one (``row``)."""

    opened: datetime.date
    office: str
    steps: list[Step]
    course: Course
    key: tuple[str, str] | None
    follow_until: datetime.date
    row: dict[str, Any] | None = None
    victims: list[dict[str, Any]] = field(default_factory=list)


class Dossiers:
    """The criminal cases of one centre's complaints, and the dossiers it keeps of them."""

    def __init__(
        self,
        centre: Centre,
        *,
        rng: random.Random,
        now: datetime.datetime,
        writers: Mapping[type[models.Model], Writer],
        partners: Mapping[str, list[Any]],
        aware: Callable[[datetime.date], datetime.datetime],
    ):
        self.centre = centre
        self.rng = rng
        self.today = timezone.localtime(now, timezone.get_default_timezone()).date()
        self.writers = writers
        self.partners = partners
        self._aware = aware
        self.home_office = HOME_OFFICE.get(centre.code, "BRU")
        self.open: deque[Case] = deque()
        self.open_by_key: dict[tuple[str, str], list[Case]] = defaultdict(list)
        self.numbers: dict[int, int] = defaultdict(int)
        for code in Dossier.objects.filter(centre=centre).values_list("code", flat=True):
            year, _dash, number = code.rpartition("-D-")[2].partition("-")
            if year.isdigit() and number.isdigit():
                self.numbers[int(year)] = max(self.numbers[int(year)], int(number))
        self.near_hearings = 0

    def _pick(self, kind: str) -> Any:
        choices = self.partners.get(kind)
        return self.rng.choice(choices) if choices else None

    def case(
        self,
        client_id: int,
        worker: int,
        form: str,
        district: str,
        complaint: datetime.date,
        stop: datetime.date,
        end: datetime.date | None,
        end_reason: str,
    ) -> Case:
        """The case of a complaint: a recent dossier it joins, or a new one."""
        rng = self.rng
        key = (form, district) if form and district not in ("", "UNKNOWN", "ABROAD") else None
        victim = {"client_id": client_id, "complaint": complaint, "stop": stop, "worker": worker}
        if key is not None and rng.random() < JOIN:
            for case in self.open_by_key.get(key, []):
                decided = case.course.decided_on
                if (
                    len(case.victims) < MAX_VICTIMS
                    and case.opened <= complaint <= case.opened + days(JOIN_DAYS)
                    and (decided is None or complaint < decided)
                ):
                    case.victims.append(victim)
                    case.follow_until = max(case.follow_until, stop)
                    return case
        opened = min(complaint + days(rng.randint(0, 10)), self.today)
        office = self._office(district)
        target, deadline = ("", None) if end is not None else ("running", None)
        if end is not None and end_reason == EndReason.AUTONOMY and rng.random() < AUTONOMY_B_CARD:
            target, deadline = "conviction", end - days(90)
        elif end is not None and end_reason == EndReason.PROCEDURE_STOPPED:
            target, deadline = "stopped", end - days(30)
        steps = self._steps(opened, office, target)
        if deadline is not None:
            steps = _fit(steps, opened, target, deadline)
        case = Case(opened, office, steps, course(steps), key, stop, victims=[victim])
        if rng.random() < IN_DOSSIER:
            self._register(case, form)
        return case

    def _office(self, district: str) -> str:
        rng = self.rng
        if district == "BRU":
            return "HVV" if rng.random() < 0.15 else "BRU"
        if district == "HEN":
            return rng.choice(("CHA", "MTO"))
        if district in COURT_CITY:
            return district
        if district == "ABROAD" and rng.random() < 0.5:
            return "OTHER"
        return self.home_office

    def _steps(self, opened: datetime.date, office: str, target: str) -> list[Step]:
        """The whole course of a case from its opening (a target: the way it must end)."""
        rng = self.rng
        court = f"Criminal court, {COURT_CITY.get(office, 'Brussels')}"
        appeal_court = f"Court of appeal, {APPEAL_CITY.get(office, 'Brussels')}"
        steps: list[Step] = [("investigation", opened, "", "")]
        spread = rng.lognormvariate(math.log(INVESTIGATION_DAYS), 0.5)
        day = opened + days(int(min(max(spread, 60), 2500)))
        if target == "conviction":
            decision = "referred"
        elif target == "stopped":
            decision = _draw(rng, {"dismissed": 45, "non_suit": 25, "referred": 30})
        else:
            decision = _draw(rng, DECISIONS_IN_GUIDANCE if target == "running" else DECISIONS)
        if decision != "referred":
            return [*steps, (decision, day, "", "")]
        steps.append(("referred", day, court, ""))
        day += days(rng.randint(60, 240))
        hearings = rng.choice((1, 1, 2, 2, 3, 4))
        for i in range(hearings):
            steps.append(("hearing", day, court, ""))
            if i < hearings - 1:
                day += days(rng.randint(28, 120))
        day += days(rng.randint(14, 60))
        if target == "conviction":
            verdict = "conviction" if rng.random() < 0.8 else "partial_acquittal"
        elif target == "stopped":
            verdict = "acquittal"
        else:
            verdict = _draw(rng, VERDICTS_IN_GUIDANCE if target == "running" else VERDICTS)
        steps.append(("verdict", day, court, verdict))
        if rng.random() < APPEAL:
            day += days(rng.randint(10, 30))
            steps.append(("appeal", day, appeal_court, ""))
            if rng.random() < APPEAL_HEARD:
                day += days(rng.randint(120, 400))
                steps.append(("hearing", day, appeal_court, ""))
                day += days(rng.randint(21, 60))
                steps.append(("verdict", day, appeal_court, _draw(rng, VERDICTS)))
        return steps

    def _register(self, case: Case, form: str) -> None:
        """Keep a dossier for the case: numbered now, written when no victim can join it."""
        rng = self.rng
        year = case.opened.year
        self.numbers[year] += 1
        service = _draw(rng, SERVICES["labour" if form == "labour" else ""])
        labour = form == "labour" and rng.random() < 0.85
        prefix = "AUD" if labour else "55"
        case.row = {
            "id": self.writers[Dossier].next_id(),
            "centre_id": self.centre.pk,
            "code": f"{self.centre.code}-D-{year}-{self.numbers[year]:04d}",
            "office_kind": "labour_auditor" if labour else "prosecutor",
            "office": case.office,
            "notice_number": f"{case.office}.{prefix}.{rng.randint(1000, 99999)}/{year % 100:02d}",
            "investigating_service": service,
            "investigator_id": self._pick(SERVICE_PARTNER[service]),
            "opened_on": case.opened,
        }
        self.open.append(case)
        if case.key is not None:
            self.open_by_key[case.key].append(case)

    def close(self, *, before: datetime.date | None) -> None:
        """Write the dossiers no later victim can join (all of them when ``before`` is None)."""
        while self.open and (before is None or self.open[0].opened + days(JOIN_DAYS) < before):
            case = self.open.popleft()
            if case.key is not None:
                self.open_by_key[case.key].remove(case)
                if not self.open_by_key[case.key]:
                    del self.open_by_key[case.key]
            self._write_dossier(case)

    def _write_dossier(self, case: Case) -> None:
        rng, writers = self.rng, self.writers
        assert case.row is not None
        # Steps the centre saw: up to the last day one of the victims was in guidance, and the
        # next hearing when it already has a date.
        cut = min(case.follow_until, self.today)
        recorded = [step for step in case.steps if step[1] <= cut]
        following = case.follow_until >= self.today
        if following and len(recorded) < len(case.steps):
            kind, day, court, verdict = case.steps[len(recorded)]
            if kind == "hearing":
                if day > self.today + days(30) and self.near_hearings < NEAR_HEARINGS:
                    day = self.today + days(rng.randint(5, 30))  # the court planned it sooner
                if day <= self.today + days(30):
                    self.near_hearings += 1
                recorded.append((kind, day, court, verdict))
        state = stored_state(recorded)
        referred = next((day for kind, day, _c, _v in recorded if kind == "referred"), None)
        verdicts = [(day, v) for kind, day, _c, v in recorded if kind == "verdict"]
        convicted = next((day for day, v in verdicts if v != "acquittal"), None)
        worker = case.victims[0]["worker"]
        row = case.row
        lawyers = self.partners.get(PartnerKind.LAWYER, [])
        if referred is not None and rng.random() < CENTRE_CIVIL_PARTY:
            claim = referred + days(rng.randint(14, 200))
            if claim <= cut:
                claimed = Decimal(rng.randrange(10, 60) * 100)
                row["centre_civil_party_on"] = claim
                row["centre_lawyer_id"] = rng.choice(lawyers) if lawyers else None
                row["centre_compensation_claimed"] = claimed
                if convicted is not None and convicted >= claim:
                    row["centre_compensation_awarded"] = rng.choice(
                        (Decimal("1.00"), (claimed / 2).quantize(Decimal("1.00")))
                    )
        last = recorded[-1][1] if recorded else case.opened
        row.update(
            state,
            created_by_id=worker,
            created_at=self._aware(case.opened),
            updated_at=self._aware(min(last, self.today)),
        )
        writers[Dossier].add(row)
        for kind, day, court, verdict in recorded:
            scheduled = day - days(rng.randint(20, 60)) if day > self.today else day
            writers[DossierEvent].add(
                {
                    "centre_id": self.centre.pk,
                    "dossier_id": row["id"],
                    "kind": kind,
                    "date": day,
                    "court": court,
                    "verdict": verdict,
                    "created_by_id": worker,
                    "created_at": self._aware(scheduled),
                }
            )
        for victim in case.victims:
            writers[Victim].add(self._victim(row["id"], victim, referred, convicted, lawyers))

    def _victim(
        self,
        dossier_id: int,
        victim: dict[str, Any],
        referred: datetime.date | None,
        convicted: datetime.date | None,
        lawyers: list[Any],
    ) -> dict[str, Any]:
        rng = self.rng
        seen = min(victim["stop"], self.today)
        complaint = victim["complaint"]
        draw = rng.random()
        row: dict[str, Any] = {
            "centre_id": self.centre.pk,
            "dossier_id": dossier_id,
            "client_id": victim["client_id"],
            "complaint_on": complaint if draw < 0.75 else None,
            "statement_on": complaint if draw >= 0.6 else None,
        }
        if row["complaint_on"] and row["statement_on"]:
            row["statement_on"] = min(complaint + days(rng.randint(7, 60)), seen)
        if referred is None or rng.random() >= CIVIL_PARTY:
            return row
        claim = referred + days(rng.randint(14, 240))
        if convicted is not None:
            claim = min(claim, convicted)
        if claim > seen:
            return row
        row["civil_party_on"] = claim
        row["lawyer_id"] = rng.choice(lawyers) if lawyers else None
        if rng.random() >= CLAIMED:
            return row
        claimed = Decimal(rng.randrange(20, 400) * 100)
        row["compensation_claimed"] = claimed
        if convicted is None or convicted > seen or rng.random() >= AWARDED:
            return row
        awarded = Decimal(round(float(claimed) * rng.uniform(0.3, 1.0), -2))
        row["compensation_awarded"] = awarded
        if rng.random() < RECEIVED:
            share = Decimal(str(rng.choice((0.1, 0.25, 0.5, 1.0))))
            row["compensation_received"] = (awarded * share).quantize(Decimal("1.00"))
        return row


def _fit(
    steps: list[Step], opened: datetime.date, target: str, deadline: datetime.date
) -> list[Step]:
    """A case that has to end before the guidance did, run faster when that stays plausible
    (at least a quarter of its natural pace)."""
    result = course(steps)
    end = result.convicted_on if target == "conviction" else result.ended_on
    if end is None or end <= deadline:
        return steps
    span, room = (end - opened).days, (deadline - opened).days
    if room <= 0 or room < span / 4:
        return steps
    return [(kind, opened + days(int((day - opened).days * room / span)), court, verdict)
            for kind, day, court, verdict in steps]  # fmt: skip
