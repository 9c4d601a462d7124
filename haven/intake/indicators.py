"""The screening checklist: indicators of trafficking, grouped as the screening form shows them.

Drawn from the ILO operational indicators and the Belgian multidisciplinary circular's
indicator list; codes are stable, labels translated. Add an indicator by adding a line.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


@dataclass(frozen=True)
class Indicator:
    code: str
    label: str | Promise


@dataclass(frozen=True)
class Group:
    code: str
    label: str | Promise
    indicators: tuple[Indicator, ...]


GROUPS: tuple[Group, ...] = (
    Group(
        "general",
        pgettext_lazy("indicator group", "General"),
        (
            Indicator("documents_withheld", _("Identity documents kept by someone else")),
            Indicator("not_free_to_leave", _("Not free to leave the place of work or living")),
            Indicator("debt", _("Owes a debt to the recruiter or employer that keeps growing")),
            Indicator("threats", _("Threats against the person or their family")),
            Indicator("violence", _("Signs of physical or sexual violence")),
            Indicator("false_promises", _("Deceived about the work, the pay or the conditions")),
            Indicator(
                "isolation", _("Isolated: no contacts, does not know the address or the language")
            ),
            Indicator("controlled_communication", _("Phone, contacts or movements controlled")),
            Indicator("travel_arranged", _("Travel and documents arranged by a third party")),
            Indicator("fear_of_authorities", _("Afraid of the police or of being deported")),
        ),
    ),
    Group(
        "sexual",
        _("Sexual exploitation"),
        (
            Indicator("forced_prostitution", _("Forced or pressured into prostitution")),
            Indicator("earnings_surrendered", _("Hands over all or most of the earnings")),
            Indicator("client_quota", _("Must see a minimum number of clients")),
            Indicator("moved_around", _("Moved often between places or cities")),
            Indicator("advertised_online", _("Advertised online by someone else")),
        ),
    ),
    Group(
        "labour",
        _("Labour exploitation"),
        (
            Indicator("excessive_hours", _("Excessive working hours, no days off")),
            Indicator("wages_withheld", _("No wages, or wages withheld or far below the minimum")),
            Indicator("unsafe_work", _("Dangerous work without protection")),
            Indicator("housing_by_employer", _("Housed by the employer in degrading conditions")),
            Indicator("no_contract", _("No contract, or a contract in a language not understood")),
            Indicator("fines_deductions", _("Fines or deductions for food, housing or transport")),
        ),
    ),
    Group(
        "begging",
        _("Forced begging"),
        (
            Indicator("forced_to_beg", _("Made to beg for someone else")),
            Indicator("begging_quota", _("Must bring in a minimum amount")),
            Indicator("driven_to_spots", _("Driven to and collected from begging spots")),
        ),
    ),
    Group(
        "criminality",
        _("Forced criminality"),
        (
            Indicator("forced_offences", _("Made to commit offences (theft, fraud)")),
            Indicator("drug_work", _("Made to grow, carry or sell drugs")),
            Indicator("proceeds_surrendered", _("Hands over the proceeds")),
        ),
    ),
    Group(
        "minors",
        _("Minors"),
        (
            Indicator("minor_unaccompanied", _("A minor without parent or guardian")),
            Indicator("adult_not_guardian", _("Accompanied by an adult who is not the guardian")),
            Indicator("missing_from_care", _("Went missing from a shelter or from care")),
            Indicator("not_in_school", _("Not in school")),
        ),
    ),
)

CODES: frozenset[str] = frozenset(i.code for g in GROUPS for i in g.indicators)
LABELS: dict[str, str | Promise] = {i.code: i.label for g in GROUPS for i in g.indicators}
