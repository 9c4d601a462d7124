"""Thirty years of the demo centres' outreach (``haven.outreach``): trainings of professionals,
delegations received and awareness sessions.

The seed report gives the last five years of its Brussels centre: 2,650 professionals trained,
49 international delegations, 6,620 people at awareness actions; more trainings since 2019
(a regional subsidy), the international day against trafficking (30 July) and the European day
(18 October) each year, a week against trafficking in Brussels since 2022. BXL follows that
order of size; the other demo centres are the same shape, smaller (``figures.CENTRE_SIZE``).
The earlier years' ramp-up is an assumption. The same seed gives the same activities; the
current year stops at today.
"""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from haven.audit import services as audit
from haven.audit.models import Action
from haven.centres.models import Centre
from haven.demo import figures
from haven.outreach.models import Activity, Kind

TRAINING_PARTICIPANTS = (8, 40)
AWARENESS_PARTICIPANTS = (20, 200)
DELEGATION_MEMBERS = (3, 15)
MORE_TRAININGS_FROM = 2019  # "sinds 2019 het aantal vormingen aanzienlijk kunnen verhogen"
WORLD_DAY_FROM = 2014  # 30 July, the UN World Day against Trafficking in Persons
EU_DAY_FROM = 2007  # 18 October, the EU Anti-Trafficking Day
WEEK_FROM = 2022  # the centre's week against trafficking, around 18 October (BXL)

# The professional categories trained, written the same way each time (counted as written);
# an empty audience is a mixed group. Weights: the first-line professions come most.
AUDIENCES = {
    "police": 22,
    "social inspection": 12,
    "magistrates": 6,
    "guardians": 8,
    "lawyers": 6,
    "reception centres": 12,
    "social services": 16,
    "medical staff": 8,
    "": 10,
}
TRAINING_TITLES = [
    "Indicators of trafficking",
    "The protection procedure",
    "Labour exploitation",
    "Sexual exploitation",
    "Minors and trafficking",
    "Referring a presumed victim",
    "Working with interpreters",
]
AWARENESS_TITLES = ["Film screening", "Photo exhibition", "Information stand", "School visit"]
# Where the delegations come from (codes of the nationality list).
DELEGATION_COUNTRIES = [
    "NL", "FR", "DE", "LU", "GB", "IE", "SE", "NO", "FI", "IT", "ES", "PT", "PL", "RO", "BG",
    "HU", "AL", "UA", "MD", "NG", "MA", "VN", "CN", "TH", "PH", "JP", "KR", "US", "CA", "BR",
]  # fmt: skip


def activities(centre: Centre, *, seed: int = 2026) -> int:
    """Fill the centre's outreach once; a centre that has activities is left as it is."""
    if Activity.objects.filter(centre=centre).exists():
        return 0
    rng = random.Random(f"{seed}:{centre.code}:outreach")  # noqa: S311 - synthetic
    size = figures.CENTRE_SIZE.get(centre.code, 0.5)
    today = timezone.localdate()
    now = timezone.now()
    rows: list[Activity] = []
    for year in range(figures.FIRST_YEAR, today.year + 1):
        # Every year is drawn whole, then cut at today: earlier years never depend on the date.
        rows += [
            Activity(centre=centre, created_at=now, **values)
            for values in _year(rng, year, size, weekly=centre.code == "BXL")
            if values["date"] <= today
        ]
    rows.sort(key=lambda activity: activity.date)
    with transaction.atomic():
        Activity.objects.bulk_create(rows, batch_size=1000)
        audit.record(
            Action.CREATE,
            centre=centre,
            actor_name="haven demo",
            note=f"Demo outreach {figures.FIRST_YEAR}-{today.year}: {len(rows)} activities.",
        )
    return len(rows)


def _year(rng: random.Random, year: int, size: float, *, weekly: bool) -> list[dict]:
    growth = min(1.0, max(0.0, (year - figures.FIRST_YEAR) / (2018 - figures.FIRST_YEAR)))
    found: list[dict] = []

    # Trainings: 5 a year after the founding, about 14 by 2018, 20-25 from 2019.
    if year >= MORE_TRAININGS_FROM:
        trainings = rng.randint(20, 25)
    else:
        trainings = round(5 + 9 * growth) + rng.randint(-1, 2)
    for _ in range(max(5, min(25, round(trainings * size**0.5)))):
        found.append(
            {
                "date": _day(rng, year),
                "kind": Kind.TRAINING,
                "title": rng.choice(TRAINING_TITLES),
                "participants": rng.randint(*TRAINING_PARTICIPANTS),
                "audience": rng.choices(list(AUDIENCES), weights=list(AUDIENCES.values()))[0],
            }
        )

    # Delegations: a few a year at first, about ten a year in the last years.
    delegations = round((1 + 8 * growth) * size) + rng.randint(0, 2)
    for _ in range(delegations):
        found.append(
            {
                "date": _day(rng, year),
                "kind": Kind.DELEGATION,
                "title": "Study visit",
                "participants": rng.randint(*DELEGATION_MEMBERS),
                "country_id": rng.choice(DELEGATION_COUNTRIES),
            }
        )

    # Awareness: a few sessions at first, about a dozen a year now, the two days included.
    days = []
    if year >= WORLD_DAY_FROM:
        days.append(datetime.date(year, 7, 30))
    if year >= EU_DAY_FROM:
        days.append(datetime.date(year, 10, 18))
    if weekly and year >= WEEK_FROM:
        days += [datetime.date(year, 10, day) for day in (14, 15, 16, 17)]
    sessions = max(len(days), round((2 + 10 * growth) * size**0.5) + rng.randint(0, 2))
    days += [_day(rng, year) for _ in range(sessions - len(days))]
    for day in days:
        found.append(
            {
                "date": day,
                "kind": Kind.AWARENESS,
                "title": rng.choice(AWARENESS_TITLES),
                "participants": rng.randint(*AWARENESS_PARTICIPANTS),
                "audience": "general public",
            }
        )
    return found


def _day(rng: random.Random, year: int) -> datetime.date:
    """A working day of the year (no trainings in the August holidays)."""
    while True:
        day = datetime.date(year, 1, 1) + datetime.timedelta(days=rng.randrange(365))
        if day.weekday() < 5 and day.month != 8:
            return day
