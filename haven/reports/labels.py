"""What the report's sections, figures and codes are called, in the active language.

Codes take the labels the models already give them (TextChoices); only what no model names
(an open intake as ``pending``, the report's own figures) is worded here.
"""

from collections.abc import Callable, Iterable

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from haven.clients.models import Gender
from haven.intake.models import Channel, Referrer
from haven.intake.models import Outcome as IntakeOutcome
from haven.legal.models import Verdict
from haven.reference.codes import ExploitationForm, JudicialDistrict
from haven.reference.models import Nationality
from haven.residence.models import DocumentType, RegularisationBasis

SECTIONS: dict[str, str | Promise] = {
    "intakes": _("Intakes"),
    "guidance": _("Guidance"),
    "shelter": _("Shelter"),
    "legal": _("Legal support"),
    "administrative": _("Residence and administration"),
    "psychosocial": _("Psychosocial support"),
    "outreach": _("Training and awareness"),
}

FIGURES: dict[tuple[str, str], str | Promise] = {
    ("intakes", "total"): _("Intakes received"),
    ("intakes", "by_referrer"): _("Intakes by referrer"),
    ("intakes", "by_channel"): _("Intakes by channel"),
    ("intakes", "by_outcome"): _("Intakes by outcome"),
    ("intakes", "by_year"): _("Intakes by year"),
    ("intakes", "with_indicators"): _("Intakes with indicators of trafficking"),
    ("guidance", "new"): _("New guidances"),
    ("guidance", "new_by_year"): _("New guidances by year"),
    ("guidance", "new_by_gender"): _("New guidances by gender"),
    ("guidance", "new_by_exploitation"): _("New guidances by form of exploitation"),
    ("guidance", "new_by_arrondissement"): _("New guidances by judicial district"),
    ("guidance", "new_by_gender_by_year"): _("New guidances by gender, by year"),
    ("guidance", "new_by_exploitation_by_year"): _(
        "New guidances by form of exploitation, by year"
    ),
    ("guidance", "new_persons"): _("Persons starting a guidance"),
    ("guidance", "new_persons_by_nationality"): _("Persons starting a guidance, by nationality"),
    ("guidance", "new_minors"): _("New guidances of minors"),
    ("guidance", "active"): _("Persons in guidance"),
    ("guidance", "active_by_year"): _("Persons in guidance by year"),
    ("guidance", "duration_days"): _("Length of guidance (days)"),
    ("guidance", "top_nationalities"): _("Most frequent nationalities per period of five years"),
    ("shelter", "nights"): _("Nights"),
    ("shelter", "nights_by_year"): _("Nights by year"),
    ("shelter", "room_nights"): _("Available room-nights"),
    ("shelter", "occupancy_rate"): _("Occupancy rate"),
    ("shelter", "occupancy_by_year"): _("Occupancy rate by year"),
    ("shelter", "stays_ended"): _("Stays ended"),
    ("shelter", "average_stay_days"): _("Average length of the stays ended (days)"),
    ("shelter", "residents"): _("Residents (at least one night)"),
    ("legal", "court_cases"): _("Cases referred to court"),
    ("legal", "without_trial"): _("Cases closed without trial (dismissed, non-suit)"),
    ("legal", "centre_civil_party"): _("Cases where the centre became civil party"),
    ("legal", "verdicts"): _("Cases referred to court, by verdict"),
    ("administrative", "regularised"): _("Persons whose stay was regularised"),
    ("administrative", "regularised_by_basis"): _("Regularisations by basis"),
    ("administrative", "voluntary_returns"): _("Voluntary returns"),
    ("administrative", "documents_issued"): _("Residence documents issued"),
    ("psychosocial", "individual_hours"): _("Hours of individual conversations"),
    ("psychosocial", "individual_hours_per_month"): _(
        "Hours of individual conversations per month"
    ),
    ("psychosocial", "interpreter_hours"): _("Interpreter hours"),
    ("psychosocial", "group_sessions"): _("Group sessions"),
    ("outreach", "trainings"): _("Trainings given"),
    ("outreach", "professionals_trained"): _("Professionals trained"),
    ("outreach", "trained_by_audience"): _("Professionals trained, by audience"),
    ("outreach", "delegations"): _("Delegations received"),
    ("outreach", "awareness_participants"): _("Participants in awareness sessions"),
}

DURATION: dict[str, str | Promise] = {
    "min": _("Shortest guidance ended (days)"),
    "median": _("Median guidance ended (days)"),
    "max": _("Longest guidance ended (days)"),
    "ongoing_max": _("Longest guidance still going on (days)"),
}

PENDING = _("Pending (open)")
OTHER = _("Other")


def _choices(choices: Iterable[tuple[str, str | Promise]]) -> dict[str, str | Promise]:
    return {str(code): label for code, label in choices}


# The code lists of the breakdowns, by (section, figure); a ``*_by_year`` matrix uses its
# breakdown's codes.
CODES: dict[tuple[str, str], dict[str, str | Promise]] = {
    ("intakes", "by_referrer"): _choices(Referrer.choices),
    ("intakes", "by_channel"): _choices(Channel.choices),
    ("intakes", "by_outcome"): {**_choices(IntakeOutcome.choices), "pending": PENDING},
    ("guidance", "new_by_gender"): _choices(Gender.choices),
    ("guidance", "new_by_exploitation"): _choices(ExploitationForm.choices),
    ("guidance", "new_by_arrondissement"): _choices(JudicialDistrict.choices),
    ("guidance", "new_by_gender_by_year"): _choices(Gender.choices),
    ("guidance", "new_by_exploitation_by_year"): _choices(ExploitationForm.choices),
    ("legal", "verdicts"): _choices(Verdict.choices),
    ("administrative", "regularised_by_basis"): _choices(RegularisationBasis.choices),
    ("administrative", "documents_issued"): _choices(DocumentType.choices),
    ("outreach", "trained_by_audience"): {"other": OTHER},
}

NATIONALITY_FIGURES = {("guidance", "new_persons_by_nationality")}


def section_title(section: str) -> str:
    return str(SECTIONS.get(section, section))


def figure_title(section: str, key: str) -> str:
    return str(FIGURES.get((section, key), key.replace("_", " ")))


def nationality_names(codes: Iterable[str]) -> dict[str, str]:
    """Names of nationality codes in the active language, in one query; a code not in the
    list keeps its code as its name."""
    wanted = set(codes)
    names = {n.code: n.name for n in Nationality.objects.filter(code__in=wanted)}
    return {code: names.get(code, code) for code in wanted}


def code_labeller(section: str, key: str, codes: Iterable[str] = ()) -> Callable[[str], str]:
    """A function naming the codes of one breakdown: translated labels; nationalities from
    the nationality list; audiences as written (``other`` translated)."""
    if (section, key) in NATIONALITY_FIGURES:
        names = nationality_names(codes)
        return lambda code: names.get(code, code)
    labels = CODES.get((section, key), {})
    return lambda code: str(labels.get(code, code))
