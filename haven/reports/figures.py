"""The figures of the annual report, exactly as ../shared/REPORT.md (section 2) defines them.

``report(centre, start, end)`` returns the JSON document of ``haven report``; ``centre`` None
adds up every centre (the national picture). Every figure is an aggregate query, nothing is
loaded row by row: mostly one GROUP BY per table giving the codes and the year at once; for
intakes, of which a large centre has a million, one COUNT per code over an index instead (a
GROUP BY would sort them all). How records map onto the dataset's rows is
``haven.history.mapping``'s, shared with the import and the export.
"""

import datetime
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from haven.appointments.models import Appointment
from haven.appointments.models import Status as AppointmentStatus
from haven.centres.models import Centre
from haven.clients.models import Gender
from haven.guidance.models import Episode
from haven.history.mapping import (
    CONTACT_KIND,
    DATASET_DOCUMENTS,
    INTAKE_OUTCOMES,
    VERDICTS,
    dataset_document,
    day_start,
)
from haven.intake.models import OPEN_OUTCOMES, Channel, IndicatorConclusion, Intake, Referrer
from haven.legal.models import Dossier, Verdict
from haven.legal.models import Outcome as LegalOutcome
from haven.outreach.models import Activity
from haven.outreach.models import Kind as OutreachKind
from haven.reference.codes import ExploitationForm, JudicialDistrict
from haven.reports.sql import ONE_DAY, DateNumber, birth_number, median, year_keys
from haven.residence.models import DocumentType, ResidenceDocument, VoluntaryReturn
from haven.shelter import occupancy
from haven.shelter.occupancy import DaysBetween, Year, exact_round, years

SCHEMA = "haven-report/1"
ALL = "ALL"
UNKNOWN_NATIONALITY = "ZZ"
MINOR_SPAN = 180000  # 18 years in YYYYMMDD numbers (see reports.sql.DateNumber)
# Breakdowns whose cells are not counts: never suppressed.
NOT_COUNTS = frozenset({"occupancy_by_year", "duration_days"})


def _codes(choices: Any) -> list[str]:
    return [str(value) for value in choices.values]


def _mine(model: Any, centre: Centre | None) -> QuerySet[Any]:
    rows: QuerySet[Any] = model.objects.all()
    return rows if centre is None else rows.filter(centre=centre)


def _zeros(codes: list[str]) -> dict[str, int]:
    return dict.fromkeys(codes, 0)


Section = Callable[[Centre | None, datetime.date, datetime.date], dict[str, Any]]


def report(centre: Centre | None, start: datetime.date, end: datetime.date) -> dict[str, Any]:
    """The report of ``centre`` (None: every centre added up) for ``[start, end]``."""
    if end < start:
        raise ValueError("The period ends before it starts.")
    sections: dict[str, Section] = {
        "intakes": intakes,
        "guidance": guidance,
        "shelter": occupancy.figures,
        "legal": legal,
        "administrative": administrative,
        "psychosocial": psychosocial,
        "outreach": outreach,
    }
    return {
        "schema": SCHEMA,
        "centre": centre.code if centre is not None else ALL,
        "period": {"from": start.isoformat(), "to": end.isoformat()},
        **_computed(sections, centre, start, end),
    }


def _computed(
    sections: dict[str, Section], centre: Centre | None, start: datetime.date, end: datetime.date
) -> dict[str, dict[str, Any]]:
    """Each section's figures. Outside a transaction the sections run on two threads, each
    with a database connection of its own (the database answers both at once: guidance and
    intakes, the two long ones, take about as long as either). Inside one (a test, an
    atomic request) another connection would not see its rows: one after the other."""
    if connection.in_atomic_block:
        return {name: section(centre, start, end) for name, section in sections.items()}

    def run(section: Section) -> dict[str, Any]:
        try:
            return section(centre, start, end)
        finally:
            connection.close()  # this thread's own connection

    longest_first = sorted(sections, key=lambda name: name not in ("guidance", "intakes"))
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {name: pool.submit(run, sections[name]) for name in longest_first}
        return {name: futures[name].result() for name in sections}


def _received(centre: Centre | None, start: datetime.date, end: datetime.date) -> QuerySet[Any]:
    """Intakes received in the period, by their date in Brussels."""
    return _mine(Intake, centre).filter(
        received_at__gte=day_start(start), received_at__lt=day_start(end + ONE_DAY)
    )


def intakes(centre: Centre | None, start: datetime.date, end: datetime.date) -> dict[str, Any]:
    """One COUNT per code and per year, each an index range of its own: a grouped query over
    a million intakes sorts them all, these only step through (centre, code, received_at)."""
    rows = _received(centre, start, end)
    by_year = {
        key: _mine(Intake, centre)
        .filter(received_at__gte=day_start(lo), received_at__lt=day_start(hi))
        .count()
        for key, lo, hi in years(start, end)
    }
    by_outcome = {code: rows.filter(outcome=code).count() for code in INTAKE_OUTCOMES[:-1]}
    by_outcome["pending"] = rows.filter(outcome__in=OPEN_OUTCOMES).count()
    return {
        "total": sum(by_year.values()),
        "by_referrer": {code: rows.filter(referrer=code).count() for code in _codes(Referrer)},
        "by_channel": {code: rows.filter(channel=code).count() for code in _codes(Channel)},
        "by_outcome": by_outcome,
        "by_year": by_year,
        "with_indicators": rows.filter(indicators=IndicatorConclusion.YES).count(),
    }


def _started(centre: Centre | None, start: datetime.date, end: datetime.date) -> QuerySet[Any]:
    return _mine(Episode, centre).filter(start_date__gte=start, start_date__lte=end)


def guidance(centre: Centre | None, start: datetime.date, end: datetime.date) -> dict[str, Any]:
    started = _started(centre, start, end)
    genders, forms = _codes(Gender), _codes(ExploitationForm)
    keys = year_keys(start, end)
    by_gender, by_form = _zeros(genders), _zeros(forms)
    by_district = _zeros(_codes(JudicialDistrict))
    by_gender_by_year = {key: _zeros(genders) for key in keys}
    by_form_by_year = {key: _zeros(forms) for key in keys}
    new_by_year = _zeros(keys)
    groups = (
        started.annotate(born=birth_number())
        .annotate(
            year=Year(F("start_date")),
            # Under 18 on the start date (REPORT.md: 1 July when only the year is known).
            minor=Case(
                When(
                    Q(born__gt=DateNumber(F("start_date")) - Value(MINOR_SPAN)),
                    then=Value(True),
                ),
                default=Value(False),
                output_field=BooleanField(),
            ),
        )
        .order_by()
        .values("client__gender", "exploitation", "district", "year", "minor")
        .annotate(n=Count("pk"))
    )
    minors = 0
    for group in groups:
        n, year = group["n"], str(group["year"])
        minors += n if group["minor"] else 0
        gender = group["client__gender"]
        gender = gender if gender in by_gender else Gender.UNKNOWN.value
        # An episode entered before its form is known counts as "other" (the dataset
        # requires a form).
        form = group["exploitation"] or ExploitationForm.OTHER.value
        new_by_year[year] += n
        by_gender[gender] += n
        by_form[form] += n
        by_district[group["district"] or JudicialDistrict.UNKNOWN.value] += n
        by_gender_by_year[year][gender] += n
        by_form_by_year[year][form] += n
    # Persons, not episodes: a grouping of their own (few groups, no nationality in the above).
    by_nationality = nationalities(centre, start, end)
    active, active_by_year = _active(centre, start, end)
    return {
        "new": sum(new_by_year.values()),
        "new_by_year": new_by_year,
        "new_by_gender": by_gender,
        "new_by_exploitation": by_form,
        "new_by_arrondissement": by_district,
        "new_by_gender_by_year": by_gender_by_year,
        "new_by_exploitation_by_year": by_form_by_year,
        "new_persons": sum(by_nationality.values()),
        "new_persons_by_nationality": by_nationality,
        "new_minors": minors,
        "active": active,
        "active_by_year": active_by_year,
        "duration_days": _durations(centre, start, end),
    }


def nationalities(
    centre: Centre | None, start: datetime.date, end: datetime.date
) -> dict[str, int]:
    """Distinct clients with an episode starting in the period, by nationality (none: ZZ),
    codes with a count only, in code order."""
    counts: Counter[str] = Counter()
    groups = (
        _started(centre, start, end)
        .order_by()
        .values("client__nationality")
        .annotate(n=Count("client", distinct=True))
    )
    for group in groups:
        counts[group["client__nationality"] or UNKNOWN_NATIONALITY] += group["n"]
    return {code: counts[code] for code in sorted(counts) if counts[code]}


def _active(
    centre: Centre | None, start: datetime.date, end: datetime.date
) -> tuple[int, dict[str, int]]:
    """Distinct clients with an episode active in the period, and in each of its years, in
    one grouped query (raw SQL: the ORM cannot group on a derived table).

    A client's episodes do not overlap, so those touching a year form one run: the clients
    of a year are its episodes less those whose previous episode (of the same client) also
    touches it, which happens only when that one ends in the year this one starts. Each
    episode is cut to the period and grouped by its first and last year and the year its
    predecessor ended (when in the period); the sums below read every year from the groups.
    """
    vendor = connection.vendor
    greatest, least = ("MAX", "MIN") if vendor == "sqlite" else ("GREATEST", "LEAST")
    date = "%s" if vendor == "sqlite" else "CAST(%s AS date)"
    table = Episode._meta.db_table
    mine = "e.centre_id = %s AND " if centre is not None else ""
    first, first_params = _year_case("s", start, end, date)
    last, last_params = _year_case("f", start, end, date)
    ended, ended_params = _year_case("pred", start, end, date)
    sql = (
        f"WITH cut AS MATERIALIZED (SELECT {greatest}(e.start_date, {date}) AS s, "  # noqa: S608
        f"{least}(COALESCE(e.end_date, {date}), {date}) AS f, "
        f"CASE WHEN e.start_date >= {date} THEN (SELECT MAX(p.end_date) FROM {table} p "
        "WHERE p.client_id = e.client_id AND p.end_date < e.start_date) END AS pred "
        f"FROM {table} e WHERE {mine}e.start_date <= {date} "
        f"AND (e.end_date IS NULL OR e.end_date >= {date})) "
        f"SELECT {first}, {last}, CASE WHEN pred >= {date} THEN {ended} END, COUNT(*) "
        "FROM cut GROUP BY 1, 2, 3"
    )
    params: list[Any] = [start, end, end, start]
    params += [centre.pk] if centre is not None else []
    params += [end, start, *first_params, *last_params, start, *ended_params]
    by_year = _zeros(year_keys(start, end))
    active = 0
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for first_year, last_year, predecessor_year, n in cursor.fetchall():
            if predecessor_year is None:
                active += n
            for year in range(first_year, last_year + 1):
                by_year[str(year)] += n
            if predecessor_year == first_year:
                by_year[str(first_year)] -= n
    return active, by_year


def _year_case(
    column: str, start: datetime.date, end: datetime.date, date: str
) -> tuple[str, list[Any]]:
    """``reports.sql.year_of`` in raw SQL: the year of a date column within the period."""

    def bucket(low: int, high: int) -> tuple[str, list[Any]]:
        if low == high:
            return str(int(low)), []
        middle = (low + high + 1) // 2
        before, before_params = bucket(low, middle - 1)
        after, after_params = bucket(middle, high)
        sql = f"CASE WHEN {column} < {date} THEN {before} ELSE {after} END"
        return sql, [datetime.date(middle, 1, 1), *before_params, *after_params]

    return bucket(start.year, end.year)


def _durations(centre: Centre | None, start: datetime.date, end: datetime.date) -> dict[str, Any]:
    """Lengths in days (both ends included) of the episodes ending in the period, and of the
    longest still active on its last day."""
    ended = (
        _mine(Episode, centre)
        .filter(end_date__gte=start, end_date__lte=end)
        .annotate(days=DaysBetween(F("end_date"), F("start_date")) + Value(1))
    )
    row = ended.aggregate(n=Count("pk"), shortest=Min("days"), longest=Max("days"))
    first = (
        _mine(Episode, centre)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=end), start_date__lte=end)
        .aggregate(first=Min("start_date"))["first"]
    )
    return {
        "min": row["shortest"],
        "median": median(ended, "days", row["n"]),
        "max": row["longest"],
        "ongoing_max": (end - first).days + 1 if first is not None else None,
    }


def legal(centre: Centre | None, start: datetime.date, end: datetime.date) -> dict[str, Any]:
    decided = _mine(Dossier, centre).filter(outcome_date__gte=start, outcome_date__lte=end)
    verdicts = _zeros(list(VERDICTS))
    without_trial = 0
    groups = decided.order_by().values("outcome", "verdict").annotate(n=Count("pk"))
    for group in groups:
        if group["outcome"] == LegalOutcome.COURT:
            verdict = group["verdict"]
            verdicts[verdict if verdict in verdicts else Verdict.PENDING.value] += group["n"]
        elif group["outcome"] in (LegalOutcome.DISMISSED, LegalOutcome.NON_SUIT):
            without_trial += group["n"]
    civil_party = (
        _mine(Dossier, centre)
        .filter(centre_civil_party_on__gte=start, centre_civil_party_on__lte=end)
        .count()
    )
    return {
        "court_cases": sum(verdicts.values()),
        "without_trial": without_trial,
        "centre_civil_party": civil_party,
        "verdicts": verdicts,
    }


BASIS = {
    DocumentType.B_CARD.value: "trafficking",
    DocumentType.HUMANITARIAN_PERMANENT.value: "humanitarian",
}


def administrative(
    centre: Centre | None, start: datetime.date, end: datetime.date
) -> dict[str, Any]:
    documents = _mine(ResidenceDocument, centre)
    issued = documents.filter(issued_on__gte=start, issued_on__lte=end)
    by_document = _zeros(list(DATASET_DOCUMENTS))
    for group in issued.order_by().values("document").annotate(n=Count("pk")):
        by_document[dataset_document(group["document"])] += group["n"]
    # A client's first permanent document: no permanent document of theirs issued before.
    permanent = list(BASIS)
    earlier = ResidenceDocument.objects.filter(
        client=OuterRef("client"), document__in=permanent, issued_on__lt=OuterRef("issued_on")
    )
    first = (
        issued.filter(document__in=permanent)
        .exclude(Exists(earlier))
        .order_by()
        .values("document")
        .annotate(n=Count("client", distinct=True))
    )
    by_basis = dict.fromkeys(BASIS.values(), 0)
    for group in first:
        by_basis[BASIS[group["document"]]] += group["n"]
    returns = _mine(VoluntaryReturn, centre).filter(returned_on__gte=start, returned_on__lte=end)
    return {
        "regularised": sum(by_basis.values()),
        "regularised_by_basis": by_basis,
        "voluntary_returns": returns.count(),
        "documents_issued": by_document,
    }


def _months(start: datetime.date, end: datetime.date) -> int:
    """Calendar months the period touches."""
    return (end.year - start.year) * 12 + end.month - start.month + 1


def psychosocial(centre: Centre | None, start: datetime.date, end: datetime.date) -> dict[str, Any]:
    """Held appointments with a client, of the contact kinds (``mapping.CONTACT_KIND``)."""
    contacts = _mine(Appointment, centre).filter(
        starts_at__gte=day_start(start),
        starts_at__lt=day_start(end + ONE_DAY),
        status=AppointmentStatus.DONE,
        client__isnull=False,
        kind__in=list(CONTACT_KIND),
    )
    minutes: Counter[str] = Counter()
    sessions: Counter[str] = Counter()
    interpreter = 0
    groups = (
        contacts.order_by()
        .values("kind")
        .annotate(
            n=Count("pk"),
            minutes=Coalesce(Sum("duration_minutes"), 0),
            interpreter=Coalesce(Sum("interpreter_minutes"), 0),
        )
    )
    for group in groups:
        contact = CONTACT_KIND[group["kind"]]
        minutes[contact] += int(group["minutes"])
        sessions[contact] += group["n"]
        interpreter += int(group["interpreter"])
    individual = minutes["individual"]
    return {
        "individual_hours": exact_round(individual, 60, 1),
        "individual_hours_per_month": exact_round(individual, 60 * _months(start, end), 1),
        "interpreter_hours": exact_round(interpreter, 60, 1),
        "group_sessions": sessions["group"],
    }


def outreach(centre: Centre | None, start: datetime.date, end: datetime.date) -> dict[str, Any]:
    rows = _mine(Activity, centre).filter(date__gte=start, date__lte=end)
    count: Counter[str] = Counter()
    participants: Counter[str] = Counter()
    audiences: Counter[str] = Counter()
    groups = (
        rows.order_by()
        .values("kind", "audience")
        .annotate(n=Count("pk"), participants=Coalesce(Sum("participants"), 0))
    )
    for group in groups:
        kind, people = group["kind"], int(group["participants"])
        count[kind] += group["n"]
        participants[kind] += people
        if kind == OutreachKind.TRAINING:
            audiences[group["audience"] or "other"] += people
    return {
        "trainings": count[OutreachKind.TRAINING],
        "professionals_trained": participants[OutreachKind.TRAINING],
        "trained_by_audience": {
            audience: audiences[audience] for audience in sorted(audiences) if audiences[audience]
        },
        "delegations": count[OutreachKind.DELEGATION],
        "awareness_participants": participants[OutreachKind.AWARENESS],
    }


# --- the national picture -----------------------------------------------------------------


def suppress(document: dict[str, Any]) -> dict[str, Any]:
    """The report as the national rapporteur sees it: every breakdown cell from 1 to 4 as
    ``"<5"``; a section's own numbers (totals) stay exact, and so do rates and durations."""

    def cells(value: Any) -> Any:
        if isinstance(value, dict):
            return {key: cells(inner) for key, inner in value.items()}
        return value if isinstance(value, bool) else _small(value)

    result = dict(document)
    for name, section in document.items():
        if not isinstance(section, dict) or name == "period":
            continue
        result[name] = {
            key: cells(value) if isinstance(value, dict) and key not in NOT_COUNTS else value
            for key, value in section.items()
        }
    return result


def suppress_top(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``top_nationalities`` as the national rapporteur sees them: counts from 1 to 4 as
    ``"<5"`` (they are breakdown cells too)."""
    return [
        {**block, "top": [[code, _small(count)] for code, count in block["top"]]}
        for block in blocks
    ]


def _small(count: Any) -> Any:
    return "<5" if isinstance(count, int) and 1 <= count <= 4 else count


def top_nationalities(
    centre: Centre | None,
    start: datetime.date,
    end: datetime.date,
    *,
    years: int = 5,
    top: int = 5,
) -> list[dict[str, Any]]:
    """The ``top`` nationalities of new persons per block of ``years`` calendar years
    (1995-1999, 2000-2004, ...), each block cut to the period; ties in code order."""
    blocks = []
    first = start.year - start.year % years
    for block in range(first, end.year + 1, years):
        lo = max(start, datetime.date(block, 1, 1))
        hi = min(end, datetime.date(block + years - 1, 12, 31))
        counts = nationalities(centre, lo, hi)
        ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:top]
        blocks.append(
            {"from": lo.isoformat(), "to": hi.isoformat(), "top": [[c, n] for c, n in ranked]}
        )
    return blocks
