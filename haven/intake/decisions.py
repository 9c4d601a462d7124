"""Screening an intake for trafficking indicators, and deciding what follows.

Each operation validates, changes state and writes its audit entries in one transaction:
if any step fails (an audit write included), nothing of it is saved.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from haven.accounts.models import User
from haven.audit import services as audit
from haven.audit.models import Action
from haven.clients import services as clients
from haven.clients.models import Gender
from haven.guidance import services as guidance
from haven.guidance.models import Episode
from haven.intake import indicators
from haven.intake.models import IndicatorConclusion, Intake, Outcome, Screening
from haven.reference.codes import (
    ExploitationForm,
    JudicialDistrict,
    MethodOfControl,
    RecruitmentMethod,
)

# ---------------------------------------------------------------------------------------------
# Screening

LIST_FIELDS: dict[str, tuple[str, ...]] = {
    "indicators": tuple(i.code for g in indicators.GROUPS for i in g.indicators),
    "methods_of_control": tuple(MethodOfControl.values),
    "suspected_forms": tuple(ExploitationForm.values),
}
CHOICE_FIELDS: dict[str, tuple[str, ...]] = {
    "conclusion": tuple(IndicatorConclusion.values),
    "place": ("", *JudicialDistrict.values),
    "recruitment": ("", *RecruitmentMethod.values),
}
SCREENING_FIELDS = (*LIST_FIELDS, *CHOICE_FIELDS, "notes")


def _unknown(codes: Iterable[str], known: Iterable[str]) -> list[str]:
    allowed = set(known)
    return [code for code in codes if code not in allowed]


def _clean_screening(data: dict[str, Any]) -> dict[str, Any]:
    """The screening values, checked against the code lists and in the lists' order."""
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    for name, known in LIST_FIELDS.items():
        given = list(data.get(name) or [])
        unknown = _unknown(given, known)
        if unknown:
            errors[name] = [_("Unknown code: %(codes)s.") % {"codes": ", ".join(map(str, unknown))}]
        # The lists' own order, once each: the same choice always reads (and diffs) the same.
        values[name] = [code for code in known if code in given]
    for name, known in CHOICE_FIELDS.items():
        value = data.get(name) or ""
        if value not in known:
            errors[name] = [_("Unknown code: %(codes)s.") % {"codes": value}]
        values[name] = value
    if not values["conclusion"] and "conclusion" not in errors:
        errors["conclusion"] = [_("Choose a conclusion: indicators present, none, or unclear.")]
    values["notes"] = (data.get("notes") or "").strip()
    if errors:
        raise ValidationError(errors)
    return values


@transaction.atomic
def screen(*, by: User, intake: Intake, data: dict[str, Any]) -> Screening:
    """Record or update the screening of an intake; the audit entry lists what changed.

    ``data`` holds ``indicators``, ``methods_of_control``, ``suspected_forms`` (lists of codes),
    ``conclusion``, ``place``, ``recruitment`` (codes) and ``notes``. An unknown code raises
    ``ValidationError`` keyed by field.
    """
    values = _clean_screening(data)
    # Lock the intake: two workers screening a new intake at once make one screening.
    intake = Intake.objects.select_for_update().get(pk=intake.pk)
    screening = Screening.objects.filter(intake=intake).first()
    if screening is None:
        screening = Screening(intake=intake, screened_by=by, **values)
        screening.save()
        audit.record(Action.CREATE, actor=by, obj=screening, changes=audit.created(screening))
        return screening
    before = audit.snapshot(screening)
    for name, value in values.items():
        setattr(screening, name, value)
    screening.screened_by = by
    screening.save()
    changes = audit.diff(before, screening)
    changes.pop("screened_at", None)
    if changes:
        audit.record(Action.UPDATE, actor=by, obj=screening, changes=changes)
    return screening


@dataclass(frozen=True)
class IndicatorGroupSummary:
    label: str | Promise
    indicators: list[str | Promise]


@dataclass(frozen=True)
class ScreeningSummary:
    """A screening in words: labels of the codes, in the checklist's order."""

    conclusion: str
    groups: list[IndicatorGroupSummary]
    methods_of_control: list[str | Promise]
    suspected_forms: list[str | Promise]
    place: str
    recruitment: str


def summarise(screening: Screening) -> ScreeningSummary:
    chosen = set(screening.indicators)
    groups = [
        IndicatorGroupSummary(g.label, [i.label for i in g.indicators if i.code in chosen])
        for g in indicators.GROUPS
    ]
    methods = dict(MethodOfControl.choices)
    forms = dict(ExploitationForm.choices)
    return ScreeningSummary(
        conclusion=screening.get_conclusion_display(),
        groups=[g for g in groups if g.indicators],
        methods_of_control=[methods[c] for c in screening.methods_of_control if c in methods],
        suspected_forms=[forms[c] for c in screening.suspected_forms if c in forms],
        place=screening.get_place_display(),
        recruitment=screening.get_recruitment_display(),
    )


# ---------------------------------------------------------------------------------------------
# Decision

# Outcomes that need a word of explanation, and how to ask for it.
DETAIL_NEEDED: dict[str, str | Promise] = {
    Outcome.REFERRED_PARTNER_CENTRE: gettext_lazy(
        "Write which partner centre the person was referred to."
    ),
    Outcome.REFERRED_OTHER_SERVICE: gettext_lazy("Write which service the person was referred to."),
    Outcome.NO_FOLLOW_UP: gettext_lazy("Write why there is no follow-up."),
}
# How far ahead a first meeting is plausibly planned.
FIRST_MEETING_HORIZON = datetime.timedelta(days=366)


def _short(day: datetime.date) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


def _decision_errors(
    intake: Intake, episode: Episode | None, data: dict[str, Any], today: datetime.date
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    outcome = data.get("outcome") or ""
    decided_on: datetime.date | None = data.get("decided_on")
    detail = (data.get("outcome_detail") or "").strip()
    first_meeting_on: datetime.date | None = data.get("first_meeting_on")
    received = timezone.localdate(intake.received_at)

    if outcome not in Outcome.values:
        add("outcome", _("Choose a decision."))
    if decided_on is None:
        add("decided_on", _("Give the date of the decision."))
    elif decided_on > today:
        add("decided_on", _("The decision date cannot be in the future."))
    elif decided_on < received:
        add(
            "decided_on",
            _("The decision date cannot be before the intake was received (%(date)s).")
            % {"date": _short(received)},
        )
    if outcome in DETAIL_NEEDED and not detail:
        add("outcome_detail", str(DETAIL_NEEDED[outcome]))
    if outcome == Outcome.FIRST_MEETING and first_meeting_on is None:
        add("first_meeting_on", _("Give the date of the first meeting."))
    if first_meeting_on is not None:
        if first_meeting_on < received:
            add(
                "first_meeting_on",
                _("The first meeting cannot be before the intake was received (%(date)s).")
                % {"date": _short(received)},
            )
        elif first_meeting_on > today + FIRST_MEETING_HORIZON:
            add("first_meeting_on", _("The first meeting cannot be more than a year ahead."))

    pseudonym = (data.get("pseudonym") or "").strip()
    gender = data.get("gender") or ""
    if intake.client_id is None:
        if outcome == Outcome.GUIDANCE_STARTED and not pseudonym:
            add(
                "pseudonym",
                _("Guidance needs a file: give the person a pseudonym to open one."),
            )
        elif gender not in ("", Gender.UNKNOWN) and not pseudonym:
            add(
                "pseudonym",
                _("Give a pseudonym to open a file, or set the gender back to Unknown."),
            )
    if gender and gender not in Gender.values:
        add("gender", _("Unknown code: %(codes)s.") % {"codes": gender})

    if episode is not None:
        if outcome and outcome != Outcome.GUIDANCE_STARTED:
            add(
                "outcome",
                _(
                    "Guidance started for this intake: its episode was opened on %(date)s. "
                    "The decision stays; to end the guidance, close the episode in guidance."
                )
                % {"date": _short(episode.start_date)},
            )
        elif decided_on is not None and decided_on != episode.start_date:
            add(
                "decided_on",
                _(
                    "The guidance episode of this intake started on %(date)s: the decision "
                    "keeps that date."
                )
                % {"date": _short(episode.start_date)},
            )
    return errors


@transaction.atomic
def decide(*, by: User, intake: Intake, data: dict[str, Any]) -> Intake:
    """Record the decision on an intake (or change it), audited, and what it sets in motion.

    ``data`` holds ``outcome``, ``decided_on``, ``outcome_detail``, ``first_meeting_on`` and,
    for an intake without a person yet, ``pseudonym`` and ``gender`` to open a client file
    (required to start guidance). "Guidance started" opens a guidance episode from the
    decision date. Raises ``ValidationError`` keyed by field; returns the intake as saved
    (the object passed in is left untouched).
    """
    intake = (
        Intake.objects.select_for_update(of=("self",)).select_related("client").get(pk=intake.pk)
    )
    episode = Episode.objects.filter(intake=intake).first()
    errors = _decision_errors(intake, episode, data, timezone.localdate())
    if errors:
        raise ValidationError(errors)

    before = audit.snapshot(intake)
    pseudonym = (data.get("pseudonym") or "").strip()
    if intake.client_id is None and pseudonym:
        intake.client = clients.create_client(
            by=by,
            centre=intake.centre,
            data={
                "pseudonym": pseudonym,
                "gender": data.get("gender") or Gender.UNKNOWN,
                # What the intake already knows is not typed twice.
                "languages": intake.languages,
            },
        )
    intake.outcome = data["outcome"]
    intake.decided_on = data["decided_on"]
    intake.decided_by = by
    intake.outcome_detail = (data.get("outcome_detail") or "").strip()
    intake.first_meeting_on = data.get("first_meeting_on")
    intake.save(
        update_fields=[
            "client",
            "outcome",
            "decided_on",
            "decided_by",
            "outcome_detail",
            "first_meeting_on",
        ]
    )
    changes = audit.diff(before, intake)
    if changes:
        audit.record(Action.UPDATE, actor=by, obj=intake, changes=changes, note="decision")
    if intake.outcome == Outcome.GUIDANCE_STARTED and episode is None:
        assert intake.client is not None  # checked above: guidance needs a person
        guidance.open_episode(
            by=by, client=intake.client, start_date=data["decided_on"], intake=intake
        )
    return intake
