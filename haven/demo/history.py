"""Thirty years of synthetic intake history for the demo centres (``haven demo``).

From 1995 to now, each demo centre gets intakes, the clients they identify, screenings and the
guidance episodes that decisions opened, in the mix of the seed report (``figures``); then the
last year's work with clients (``guidance``) and the administrative and legal tracks of every
episode (``legal``, ``dossiers``). The same seed gives the same data (ciphertexts aside: their
nonces are random), as long as it runs in the same minute: the current year ends now.

This writes in bulk, past the per-record services (``bulk``): codes are computed here and
numbered per centre and year, rows go in batches inside one transaction per centre, and one
audit entry per centre summarises what was generated. A centre that already has intakes is left
alone, so running the demo again changes nothing. Memory stays bounded: one year of one centre
at a time.
"""

import bisect
import datetime
import functools
import itertools
import math
import random
import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from haven.accounts.models import User
from haven.accounts.permissions import Role
from haven.audit import services as audit
from haven.audit.models import Action
from haven.centres.models import Centre
from haven.clients.models import Client, NameKey
from haven.demo import bulk, figures, guidance, legal, shelter
from haven.demo.bulk import Table, reset_sequences
from haven.demo.services import CENTRES, FAMILY, GIVEN, PSEUDONYMS
from haven.demo.shelter import Shelter
from haven.guidance.models import Episode
from haven.intake.indicators import GROUPS
from haven.intake.models import IndicatorConclusion, Intake, Outcome, Screening, Urgency
from haven.reference.codes import MethodOfControl, RecruitmentMethod, Vulnerability

BATCH = 5000
CHILD_PROCESS_FROM = 20_000  # intakes at a centre: generate them in a child process
RECENT_DAYS = 60  # intakes of the last weeks may still be open (no decision, or first meeting)
FORGOTTEN_OPEN = 0.001  # older intakes never decided
# "Duur van een doorsnee-begeleiding: 3 à 5 jaar", "250 slachtoffers jaarlijks begeleid":
# durations spread around 3 years give about 250 people in guidance at a time.
MEDIAN_GUIDANCE_DAYS = 3 * 365
GUIDANCE_SPREAD = 0.7  # of the log-normal
LONGEST_GUIDANCE_DAYS = 26 * 365
# Identity values: half the guided clients and a few others (encryption is cheap, not free).
IDENTITY_GUIDED = 0.5
IDENTITY_OTHERS = 0.02

YES, UNCLEAR, NO = (c.value for c in IndicatorConclusion)
GUIDANCE_STARTED = Outcome.GUIDANCE_STARTED.value
FIRST_MEETING = Outcome.FIRST_MEETING.value
DETAILS = {
    Outcome.REFERRED_OTHER_SERVICE.value: [
        "OCMW/CPAS (fictional branch)",
        "Fedasil reception centre (fictional)",
        "Homeless services (fictional)",
        "Legal aid office (fictional)",
        "Mental health service (fictional)",
    ],
    Outcome.NO_FOLLOW_UP.value: [
        "No indicators of trafficking; information given.",
        "The person could not be reached again.",
        "Question answered by phone.",
        "The person left the country.",
    ],
    Outcome.DECLINED.value: ["The person's own choice not to enter the procedure."],
}
ORGANISATIONS = {
    "social_sector": ["OCMW/CPAS", "Social service", "Night shelter", "Fedasil centre"],
    "judicial": ["Local police", "Federal police", "Social inspection", "Labour auditor"],
    "minors_service": ["Guardianship Service", "Shelter for minors"],
    "legal_service": ["Lawyer", "Legal aid office"],
    "medical": ["Hospital social service", "General practitioner", "Doctors' NGO"],
    "diplomatic": ["Embassy", "Consulate"],
}
CITY = {"BXL": "1000 Brussel", "ANT": "2000 Antwerpen", "LIE": "4000 Liège"}
# The screening checklist's group that goes with a form of exploitation.
INDICATORS = {group.code: [i.code for i in group.indicators] for group in GROUPS}
FORM_GROUPS = {form: form for form in ("sexual", "labour", "begging", "criminality")}
SECOND_FORMS = ["labour", "sexual", "begging", "criminality", "smuggling_aggravated"]
VULNERABILITIES = [v.value for v in Vulnerability]
CONTROLS = [c.value for c in MethodOfControl if c != MethodOfControl.OTHER]
RECRUITMENTS = [r.value for r in RecruitmentMethod]
URGENCY = (Urgency.IMMEDIATE.value, Urgency.URGENT.value, Urgency.NORMAL.value)
ClientWorker = Client.workers.through
# A batch of rows by model label (a child process pickles it: an auto-created through model
# is no importable class).
Batch = dict[str, list[list[Any]]]
WRITTEN = (Client, Intake, Screening, Episode, NameKey, ClientWorker)


@dataclass
class Summary:
    """What was generated for one centre (or that it was skipped)."""

    centre: str
    intakes: int = 0
    clients: int = 0
    screenings: int = 0
    episodes: int = 0
    name_keys: int = 0
    journal_entries: int = 0
    appointments: int = 0
    goals: int = 0
    tasks: int = 0
    tracks: legal.Tracks = field(default_factory=legal.Tracks)
    shelter: Shelter = field(default_factory=Shelter)
    skipped: bool = False
    seconds: float = 0.0


class Mix:
    """Draw codes by weight, quickly: one random number and a binary search."""

    def __init__(self, weights: Mapping[str, float]):
        pairs = [(code, weight) for code, weight in weights.items() if weight > 0]
        self.codes = [code for code, _weight in pairs]
        self.bounds = list(itertools.accumulate(weight for _code, weight in pairs))

    def draw(self, rng: random.Random) -> str:
        return self.codes[bisect.bisect(self.bounds, rng.random() * self.bounds[-1])]


GENDERS = {form: Mix(weights) for form, weights in figures.GENDER_BY_FORM.items()}
OUTCOME_MIXES = {conclusion: Mix(weights) for conclusion, weights in figures.OUTCOMES.items()}


def generate(
    *,
    scale: float = 1.0,
    seed: int = 2026,
    now: datetime.datetime | None = None,
    child_process: bool | None = None,
) -> list[Summary]:
    """Generate the history of every demo centre that has no intakes yet.

    ``child_process``: generate in a forked process while this one inserts; by default when
    the history is large (``CHILD_PROCESS_FROM`` intakes at the centre).
    """
    now = (now or timezone.now()).replace(second=0, microsecond=0)
    summaries = []
    codes = [spec["code"] for spec in CENTRES]
    for centre in Centre.objects.filter(code__in=codes).order_by("code"):
        started = time.monotonic()
        if Intake.objects.filter(centre=centre).exists():
            summaries.append(Summary(centre.code, skipped=True))
            continue
        with transaction.atomic(), bulk.large_cache():
            history = CentreHistory(centre, scale=scale, seed=seed, now=now)
            large = history.expected_intakes() >= CHILD_PROCESS_FROM
            summary = history.write(child_process=large if child_process is None else child_process)
            generated = (*WRITTEN, *guidance.WRITTEN, *legal.WRITTEN, *shelter.WRITTEN)
            reset_sequences(*generated)
            bulk.analyze(*generated)
        summary.seconds = time.monotonic() - started
        summaries.append(summary)
    return summaries


def name_index_available() -> bool:
    return _name_indexer() is not None


def _name_indexer() -> Any:
    """``haven.clients.matching``'s key computation, when that module provides it."""
    try:
        from haven.clients import matching
    except ImportError:
        return None
    if not all(hasattr(matching, name) for name in ("index_hashes", "split_names")):
        return None
    return matching


@dataclass
class Row:
    """One generated intake and what came with it, as column values by attribute name."""

    local: datetime.datetime  # received, local time
    form: str  # the form of exploitation the situation suggests
    conclusion: str | None  # of the screening; None: not screened yet
    worker: int  # who screened and decided
    guided: bool
    intake: dict[str, Any]
    client: dict[str, Any] | None = None
    screening: dict[str, Any] | None = None
    episode: dict[str, Any] | None = None
    workers: list[tuple[int, int]] = field(default_factory=list)  # (client id, user id)


@dataclass
class Tables:
    """The tables written, and the next id of each (ids are given, not returned)."""

    tables: dict[type[models.Model], Table] = field(default_factory=dict)
    ids: dict[type[models.Model], "itertools.count[int]"] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for model in WRITTEN:
            self.tables[model] = table = Table(model)
            self.ids[model] = table.next_ids()

    def next_id(self, model: type[models.Model]) -> int:
        return next(self.ids[model])


class YearMix:
    """The year's mixes of channels, forms and nationalities, ready to draw from."""

    def __init__(self, year: int, rest_yes: float):
        self.channels = Mix(figures.channels(year))
        self.forms = Mix(figures.forms(year))
        self.nationalities = Mix(figures.nationalities(year))
        self.rest_yes = rest_yes


class CentreHistory:
    """The generated history of one centre, written year by year."""

    def __init__(self, centre: Centre, *, scale: float, seed: int, now: datetime.datetime):
        self.centre = centre
        self.scale = scale
        self.seed = seed
        self.now = now
        self.tz = timezone.get_default_timezone()
        self.local_now = timezone.localtime(now, self.tz).replace(tzinfo=None)
        self.today = self.local_now.date()
        self.size = figures.CENTRE_SIZE.get(centre.code, 0.5) * scale
        self.office_days = frozenset(centre.office_days)
        self.opens, self.closes = centre.office_opens, centre.office_closes
        self.users = self._users()
        self.matching = _name_indexer()
        self.tables = Tables()
        self.summary = Summary(centre.code)
        districts = dict(figures.DISTRICTS)
        home = figures.HOME_DISTRICT.get(centre.code, "BRU")
        districts[home], districts["BRU"] = districts["BRU"], districts[home]
        self.districts = Mix(districts)
        self.partners = [str(spec["name"]) for spec in CENTRES if spec["code"] != centre.code]
        self.city = CITY.get(centre.code, CITY["BXL"])
        # Codes the centre already has (the showcase files of this year): numbering goes on.
        self.codes_taken = [
            *Client.objects.filter(centre=centre).values_list("file_code", flat=True),
            *Intake.objects.filter(centre=centre).values_list("code", flat=True),
        ]

    def _users(self) -> dict[str, int]:
        """The demo accounts that registered, screened and decided (ids by role)."""
        staff = User.objects.filter(centre=self.centre).order_by("pk")
        found = {user.role: user.pk for user in staff}
        fallback = found.get(Role.DIRECTOR) or next(iter(found.values()), None)
        if fallback is None:
            raise ValueError(f"centre {self.centre.code} has no staff to record history with")
        roles = (Role.DIRECTOR, Role.PSYCHOSOCIAL, Role.LEGAL, Role.NIGHT_STAFF, Role.ADMIN_FINANCE)
        return {role.value: found.get(role, fallback) for role in roles}

    def write(self, *, child_process: bool) -> Summary:
        """Generate and insert; in a child process, the two overlap on two cores."""
        tables = self.tables.tables
        s = self.summary
        batches = self._batches()
        for batch in bulk.in_child_process(batches) if child_process else batches:
            for model in WRITTEN:
                tables[model].write(batch[model._meta.label])
            s.clients += len(batch[Client._meta.label])
            s.intakes += len(batch[Intake._meta.label])
            s.screenings += len(batch[Screening._meta.label])
            s.episodes += len(batch[Episode._meta.label])
            s.name_keys += len(batch[NameKey._meta.label])
        recent = guidance.activity(self.centre, users=self.users, seed=self.seed, now=self.now)
        s.journal_entries, s.appointments = recent.entries, recent.appointments
        s.goals, s.tasks = recent.goals, recent.tasks
        s.tracks = t = legal.tracks(
            self.centre,
            users=self.users,
            seed=self.seed,
            now=self.now,
            child_process=child_process,
        )
        s.shelter = h = shelter.stays(
            self.centre,
            users=self.users,
            seed=self.seed,
            now=self.now,
            scale=self.scale,
            child_process=child_process,
        )
        audit.record(
            Action.CREATE,
            centre=self.centre,
            actor_name="haven demo",
            note=(
                f"Demo history {figures.FIRST_YEAR}-{self.now.year} generated: {s.intakes} "
                f"intakes, {s.clients} clients, {s.screenings} screenings, {s.episodes} "
                f"guidance episodes; {s.journal_entries} journal entries, {s.appointments} "
                f"appointments, {s.goals} goals, {s.tasks} tasks of the last year; "
                f"{t.documents} residence documents, {t.renewals} renewals, {t.dossiers} "
                f"criminal dossiers; {h.rooms} rooms, {h.stays} stays, {h.loans} deposit loans "
                f"(seed {self.seed}, scale {self.scale:g})."
            ),
        )
        return s

    # --- one year -------------------------------------------------------------------------

    def expected_intakes(self) -> float:
        return (
            sum(figures.intakes(year) for year in range(figures.FIRST_YEAR, self.now.year + 1))
            * self.size
        )

    def _batches(self) -> Iterator[Batch]:
        for year in range(figures.FIRST_YEAR, self.now.year + 1):
            yield from self._year(year)

    def _year(self, year: int) -> Iterator[Batch]:
        rng = random.Random(f"{self.seed}:{self.centre.code}:{year}")  # noqa: S311 - synthetic
        start, next_year = datetime.datetime(year, 1, 1), datetime.datetime(year + 1, 1, 1)
        end = min(next_year, self.local_now)
        if end <= start:
            return
        fraction = (end - start) / (next_year - start)  # the current year: up to now
        count = round(figures.intakes(year) * self.size * fraction)
        if count == 0:
            return
        minutes = int((end - start).total_seconds() // 60)
        moments = sorted(self._moment(rng, start, minutes) for _ in range(count))
        referrer_mix = Mix(figures.referrers(year))
        referrers = [referrer_mix.draw(rng) for _ in range(count)]
        person = [rng.random() < _identified_share(r) for r in referrers]
        with_person = [i for i, identified in enumerate(person) if identified]
        guided_count = min(
            round(figures.new_guidances(year) * self.size * fraction), len(with_person)
        )
        guided = set(rng.sample(with_person, guided_count))
        yes_share = figures.interpolate(figures.INDICATORS_YES, year)
        rest_yes = max(0.0, (yes_share * count - guided_count) / max(count - guided_count, 1))
        mix = YearMix(year, rest_yes)
        code = self.centre.code
        intake_numbers = itertools.count(self.first_number(f"{code}-I-{year}-"))
        client_numbers = itertools.count(self.first_number(f"{code}-{year}-"))
        for first in range(0, count, BATCH):
            rows = []
            for i in range(first, min(first + BATCH, count)):
                row = self._intake(rng, mix, moments[i], referrers[i], guided=i in guided)
                row.intake["code"] = f"{code}-I-{year}-{next(intake_numbers):04d}"
                if person[i]:
                    row.client = self._client(rng, mix, row, guided=i in guided)
                    row.client["file_code"] = f"{code}-{year}-{next(client_numbers):04d}"
                    row.intake["client_id"] = row.client["id"]
                    row.intake["languages"] = row.client["languages"]
                    if i in guided:
                        row.episode = self._episode(rng, row)
                self._screening(rng, row)
                if row.episode is not None:
                    row.workers = guidance.details(
                        row.episode,
                        seed=self.seed,
                        centre=code,
                        screening=row.screening,
                        form=row.form,
                        users=self.users,
                    )
                rows.append(row)
            yield self._values(rows)

    def first_number(self, prefix: str) -> int:
        """The first free number after a prefix (``BXL-2026-``): ``BXL-2026-0013`` after 12."""
        numbers = [
            int(code[len(prefix) :])
            for code in self.codes_taken
            if code.startswith(prefix) and code[len(prefix) :].isdigit()
        ]
        return max(numbers, default=0) + 1

    def _moment(
        self, rng: random.Random, start: datetime.datetime, minutes: int
    ) -> datetime.datetime:
        """A local time in the year, in office hours or (``ON_CALL_SHARE``) outside them."""
        office = rng.random() >= figures.ON_CALL_SHARE
        moment = start
        for _ in range(30):
            moment = start + datetime.timedelta(minutes=rng.randrange(minutes))
            if self._is_office_hours(moment) == office:
                break
        return moment

    def _is_office_hours(self, local: datetime.datetime) -> bool:
        """As ``Centre.is_office_hours``, on a local time: what the on-call flag follows."""
        return local.weekday() in self.office_days and self.opens <= local.time() < self.closes

    def _aware(self, local: datetime.datetime) -> datetime.datetime:
        return local.replace(tzinfo=self.tz)

    # --- one intake -----------------------------------------------------------------------

    def _intake(
        self,
        rng: random.Random,
        mix: YearMix,
        local: datetime.datetime,
        referrer: str,
        *,
        guided: bool,
    ) -> Row:
        on_call = not self._is_office_hours(local)
        received = self._aware(local)
        channel = "phone" if on_call and rng.random() < 0.6 else mix.channels.draw(rng)
        worker = self.users[Role.PSYCHOSOCIAL if rng.random() < 0.7 else Role.LEGAL]
        if on_call:
            registered_by = self.users[Role.NIGHT_STAFF]
        else:
            registered_by = self.users[
                rng.choice((Role.PSYCHOSOCIAL, Role.ADMIN_FINANCE, Role.DIRECTOR))
            ]
        # A conclusion and a decision: guided ones started a guidance; recent ones may be open.
        conclusion: str | None = YES
        outcome = GUIDANCE_STARTED
        if not guided:
            draw = rng.random()
            conclusion = (
                YES
                if draw < mix.rest_yes
                else UNCLEAR
                if draw < mix.rest_yes + figures.UNCLEAR_SHARE
                else NO
            )
            if rng.random() < _open_chance((self.today - local.date()).days):
                conclusion = conclusion if rng.random() < 0.5 else None  # not screened yet
                outcome = FIRST_MEETING if rng.random() < 0.3 else ""
            else:
                outcome = OUTCOME_MIXES[conclusion].draw(rng)
        decided = outcome not in ("", FIRST_MEETING)
        delay = min(int(rng.expovariate(1 / (5 if guided else 8))), 60)
        quick = on_call and local.year == self.now.year  # the quick intake is this year's
        intake_id = self.tables.next_id(Intake)
        intake = {
            "id": intake_id,
            "centre_id": self.centre.pk,
            "received_at": received,
            "channel": channel,
            "referrer": referrer,
            "referrer_organisation": self._organisation(rng, referrer),
            "urgency": _urgency(rng, on_call),
            "shelter_tonight": rng.random() < (0.25 if on_call else 0.07),
            "on_call": on_call,
            "quick": quick,
            "completed_at": (
                min(received + datetime.timedelta(hours=rng.randint(6, 30)), self.now)
                if quick and (decided or rng.random() < 0.5)
                else None
            ),
            "assigned_to_id": worker if decided or rng.random() < 0.7 else None,
            "registered_by_id": registered_by,
            "registered_at": min(
                received + datetime.timedelta(minutes=rng.randint(2, 90)), self.now
            ),
            "submission_key": _ordered_uuid(rng, intake_id),
            "outcome": outcome,
            "decided_on": (
                min(local.date() + datetime.timedelta(days=delay), self.today) if decided else None
            ),
            "decided_by_id": worker if decided else None,
            "outcome_detail": self._detail(rng, outcome),
            "first_meeting_on": (
                local.date() + datetime.timedelta(days=rng.randint(2, 14))
                if outcome == FIRST_MEETING
                else None
            ),
        }
        return Row(local, mix.forms.draw(rng), conclusion, worker, guided, intake)

    def _client(
        self, rng: random.Random, mix: YearMix, row: Row, *, guided: bool
    ) -> dict[str, Any]:
        year = row.local.year
        referrer = row.intake["referrer"]
        age = _age(rng, referrer)
        birth_year = year - age - (1 if rng.random() < 0.5 else 0)
        birth_date = _date_in(rng, birth_year) if rng.random() < 0.3 else None
        nationality = mix.nationalities.draw(rng)
        unaccompanied = age < 18 and (referrer == "minors_service" or rng.random() < 0.5)
        client = {
            "id": self.tables.next_id(Client),
            "centre_id": self.centre.pk,
            "pseudonym": rng.choice(PSEUDONYMS),
            # An intake by phone may leave the gender unknown; a guidance does not.
            "gender": "U" if not guided and rng.random() < 0.03 else GENDERS[row.form].draw(rng),
            "birth_date": birth_date,
            "birth_year": birth_year,
            "nationality_id": nationality,
            "languages": figures.LANGUAGES.get(nationality, ""),
            "unaccompanied": unaccompanied,
            "vulnerabilities": sorted(rng.sample(VULNERABILITIES, rng.randint(1, 3)))
            if guided
            else [],
            "created_at": row.intake["received_at"],
            "updated_at": row.intake["received_at"],
            "created_by_id": row.intake["registered_by_id"],
        }
        if rng.random() < (IDENTITY_GUIDED if guided else IDENTITY_OTHERS):
            # Invented names from the demo's lists: obviously fake, never a real person's.
            client["legal_name"] = f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}"
            client["documented_birth_date"] = birth_date or _date_in(rng, birth_year)
            client["phone"] = f"+32 470 00 {rng.randint(10, 99)} {rng.randint(10, 99)}"
            client["address"] = f"Voorbeeldstraat {rng.randint(1, 200)}, {self.city} (fictional)"
            client["confidential_address"] = rng.random() < 0.05
            if unaccompanied:
                guardian = f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}"
                client["guardian"] = f"{guardian} (fictional guardian)"
        return client

    def _screening(self, rng: random.Random, row: Row) -> None:
        if row.conclusion is None:
            return
        intake = row.intake
        values: dict[str, Any] = {"indicators": [], "methods_of_control": [], "suspected_forms": []}
        if row.conclusion != NO:
            found = row.conclusion == YES
            indicators = rng.sample(INDICATORS["general"], rng.randint(2, 4) if found else 1)
            group = FORM_GROUPS.get(row.form)
            if group and found:
                indicators += rng.sample(INDICATORS[group], rng.randint(1, 2))
            if row.client is not None and row.client["unaccompanied"]:
                indicators.append("minor_unaccompanied")
            forms = [row.form]
            if rng.random() < 0.1:
                forms.append(rng.choice([f for f in SECOND_FORMS if f != row.form]))
            values = {
                "indicators": indicators,
                "methods_of_control": sorted(
                    rng.sample(CONTROLS, rng.randint(1, 3) if found else rng.randint(0, 1))
                ),
                "suspected_forms": forms,
                "place": self.districts.draw(rng),
                "recruitment": rng.choice(RECRUITMENTS) if found and rng.random() < 0.6 else "",
            }
        screened = intake["received_at"] + datetime.timedelta(hours=rng.randint(1, 96))
        if intake["decided_on"]:
            decided = datetime.datetime.combine(intake["decided_on"], datetime.time(17, 0))
            screened = min(screened, self._aware(decided))
        intake["indicators"] = row.conclusion
        row.screening = {
            "id": self.tables.next_id(Screening),
            "intake_id": intake["id"],
            "conclusion": row.conclusion,
            "screened_by_id": row.worker,
            "screened_at": min(screened, self.now),
            **values,
        }

    def _episode(self, rng: random.Random, row: Row) -> dict[str, Any]:
        """The guidance the decision opened, from the decision date; ended or still running."""
        assert row.client is not None
        start = row.intake["decided_on"]
        days = rng.lognormvariate(math.log(MEDIAN_GUIDANCE_DAYS), GUIDANCE_SPREAD)
        end = start + datetime.timedelta(days=int(min(max(days, 1), LONGEST_GUIDANCE_DAYS)) - 1)
        return {
            "id": self.tables.next_id(Episode),
            "centre_id": self.centre.pk,
            "client_id": row.client["id"],
            "intake_id": row.intake["id"],
            "start_date": start,
            "end_date": end if end < self.today else None,
            "created_by_id": row.worker,
            "created_at": self._aware(datetime.datetime.combine(start, datetime.time(11, 0))),
        }

    def _detail(self, rng: random.Random, outcome: str) -> str:
        if outcome == Outcome.REFERRED_PARTNER_CENTRE:
            partner = rng.choice(self.partners)
            return f"{partner}: shelter full" if rng.random() < 0.5 else partner
        details = DETAILS.get(outcome)
        return rng.choice(details) if details else ""

    def _organisation(self, rng: random.Random, referrer: str) -> str:
        if referrer == "partner_centre":
            return rng.choice(self.partners)
        names = ORGANISATIONS.get(referrer)
        if names is None or rng.random() < 0.3:
            return ""
        return f"{rng.choice(names)} (fictional)"

    # --- writing --------------------------------------------------------------------------

    def _values(self, rows: Sequence[Row]) -> Batch:
        """A batch as the driver takes it, table by table in the order they reference."""
        tables = self.tables.tables
        clients = [row.client for row in rows if row.client is not None]
        return {
            Client._meta.label: tables[Client].values(clients),
            Intake._meta.label: tables[Intake].values(row.intake for row in rows),
            Screening._meta.label: tables[Screening].values(
                r.screening for r in rows if r.screening
            ),
            Episode._meta.label: tables[Episode].values(r.episode for r in rows if r.episode),
            NameKey._meta.label: tables[NameKey].values(self._name_keys(clients)),
            ClientWorker._meta.label: tables[ClientWorker].values(
                {"id": self.tables.next_id(ClientWorker), "client_id": c, "user_id": u}
                for row in rows
                for c, u in row.workers
            ),
        }

    def _name_keys(self, clients: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
        """The duplicate-search index (``haven.clients.matching``) of the clients with names."""
        if self.matching is None:
            return []
        return [
            {
                "id": self.tables.next_id(NameKey),
                "client_id": c["id"],
                "centre_id": c["centre_id"],
                "key": key,
            }
            for c in clients
            if c.get("legal_name")
            for key in self._keys_of(c["legal_name"])
        ]

    @functools.lru_cache(maxsize=1024)  # noqa: B019 - one history, a few dozen invented names
    def _keys_of(self, name: str) -> list[str]:
        names = self.matching.split_names(name, "")
        return sorted(self.matching.index_hashes(self.centre.pk, names))


def _ordered_uuid(rng: random.Random, number: int) -> uuid.UUID:
    """A random UUID whose first 48 bits count up (as UUIDv7's time does): a million of them
    go into the unique index in order instead of at random places, several times faster."""
    return uuid.UUID(int=(number << 80) | rng.getrandbits(80), version=4)


def _identified_share(referrer: str) -> float:
    """How often an intake names a person (the rest stay anonymous), by referrer (assumption)."""
    return {"private_person": 0.75, "unknown": 0.6}.get(referrer, 0.92)


def _open_chance(age_days: int) -> float:
    if age_days < 7:
        return 0.8
    if age_days < 30:
        return 0.45
    if age_days < RECENT_DAYS:
        return 0.2
    return FORGOTTEN_OPEN


def _age(rng: random.Random, referrer: str) -> int:
    """Age at intake: adults mostly 18-45, a few older, a few minors (most of those referred
    by services for unaccompanied minors)."""
    if rng.random() < (0.88 if referrer == "minors_service" else 0.04):
        return rng.randint(14, 17)
    if rng.random() < 0.08:
        return rng.randint(46, 64)
    return int(rng.triangular(18, 46, 26))


def _date_in(rng: random.Random, year: int) -> datetime.date:
    return datetime.date(year, 1, 1) + datetime.timedelta(days=rng.randrange(365))


def _urgency(rng: random.Random, on_call: bool) -> str:
    draw = rng.random()
    immediate, urgent = (0.15, 0.30) if on_call else (0.03, 0.15)
    if draw < immediate:
        return URGENCY[0]
    return URGENCY[1] if draw < immediate + urgent else URGENCY[2]
