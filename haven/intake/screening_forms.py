"""Forms of the screening checklist and of the decision on an intake.

The forms check types and choices; the rules (dates, details, guidance) live in
``haven.intake.decisions``, whose errors the views put back on these forms.
"""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.clients.models import Gender
from haven.intake.indicators import GROUPS
from haven.intake.models import IndicatorConclusion, Intake, Outcome, Screening
from haven.reference.codes import (
    ExploitationForm,
    JudicialDistrict,
    MethodOfControl,
    RecruitmentMethod,
)

CHECK = {"class": "form-check-input"}
GROUP_PREFIX = "indicators_"


def _checkboxes(**kwargs: Any) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        required=False, widget=forms.CheckboxSelectMultiple(attrs=CHECK), **kwargs
    )


class ServiceErrorsMixin:
    """Put a service's ``ValidationError`` (keyed by field) back on the form."""

    def add_service_errors(self, error: ValidationError) -> None:
        form: Any = self
        if not hasattr(error, "error_dict"):
            form.add_error(None, error)
            return
        for name, messages in error.message_dict.items():
            form.add_error(name if name in form.fields else None, messages)


class ScreeningForm(ServiceErrorsMixin, forms.Form):
    """The checklist: one group of indicators per fieldset, then the conclusion and context."""

    conclusion = forms.ChoiceField(
        label=_("Conclusion"),
        choices=IndicatorConclusion.choices,
        widget=forms.RadioSelect(attrs=CHECK),
    )
    methods_of_control = _checkboxes(label=_("Methods of control"), choices=MethodOfControl.choices)
    suspected_forms = _checkboxes(
        label=_("Suspected forms of exploitation"), choices=ExploitationForm.choices
    )
    place = forms.ChoiceField(
        label=_("Place of exploitation"),
        choices=[("", _("Not known yet")), *JudicialDistrict.choices],
        required=False,
        help_text=_("The judicial district, abroad, or unknown."),
    )
    recruitment = forms.ChoiceField(
        label=_("Recruitment method"),
        choices=[("", _("Not known yet")), *RecruitmentMethod.choices],
        required=False,
    )
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )

    def __init__(self, *args: Any, screening: Screening | None = None, **kwargs: Any) -> None:
        if screening is not None:
            kwargs.setdefault("initial", initial_for(screening))
        super().__init__(*args, **kwargs)
        for group in GROUPS:
            self.fields[GROUP_PREFIX + group.code] = _checkboxes(
                label=group.label, choices=[(i.code, i.label) for i in group.indicators]
            )
        self.order_fields([GROUP_PREFIX + g.code for g in GROUPS])

    @property
    def indicator_fields(self) -> list[forms.BoundField]:
        return [self[GROUP_PREFIX + g.code] for g in GROUPS]

    @property
    def other_fields(self) -> list[forms.BoundField]:
        return [f for f in self if not f.name.startswith(GROUP_PREFIX)]

    def screening_data(self) -> dict[str, Any]:
        """The cleaned values as ``decisions.screen`` takes them."""
        data = {k: v for k, v in self.cleaned_data.items() if not k.startswith(GROUP_PREFIX)}
        data["indicators"] = [
            code for g in GROUPS for code in self.cleaned_data.get(GROUP_PREFIX + g.code, [])
        ]
        return data


def initial_for(screening: Screening) -> dict[str, Any]:
    chosen = set(screening.indicators)
    initial: dict[str, Any] = {
        GROUP_PREFIX + g.code: [i.code for i in g.indicators if i.code in chosen] for g in GROUPS
    }
    for name in ("conclusion", "methods_of_control", "suspected_forms", "place", "recruitment"):
        initial[name] = getattr(screening, name)
    initial["notes"] = screening.notes
    return initial


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class DecisionForm(ServiceErrorsMixin, forms.Form):
    """The decision; for an intake without a person, the pseudonym of a new file."""

    outcome = forms.ChoiceField(
        label=_("Decision"),
        choices=Outcome.choices,
        widget=forms.RadioSelect(attrs=CHECK),
    )
    decided_on = forms.DateField(label=_("Date of the decision"), widget=DateInput())
    outcome_detail = forms.CharField(
        label=_("Details"),
        max_length=300,
        required=False,
        help_text=_(
            "Required for a referral (which partner centre, which service) and for no "
            "follow-up (the reason)."
        ),
    )
    first_meeting_on = forms.DateField(
        label=_("Date of the first meeting"),
        required=False,
        widget=DateInput(),
        help_text=_("Required when a first meeting is planned; it may be in the future."),
    )
    pseudonym = forms.CharField(
        label=_("Pseudonym"),
        max_length=60,
        required=False,
        help_text=_("Opens a file for the person under this name. Required to start guidance."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    gender = forms.ChoiceField(
        label=_("Gender"), choices=Gender.choices, initial=Gender.UNKNOWN, required=False
    )

    NEW_CLIENT_FIELDS = ("pseudonym", "gender")

    def __init__(self, *args: Any, intake: Intake, offer_client: bool, **kwargs: Any) -> None:
        kwargs.setdefault("initial", initial_decision(intake))
        super().__init__(*args, **kwargs)
        if not offer_client:
            for name in self.NEW_CLIENT_FIELDS:
                del self.fields[name]

    @property
    def decision_fields(self) -> list[forms.BoundField]:
        return [f for f in self if f.name not in self.NEW_CLIENT_FIELDS]

    @property
    def client_fields(self) -> list[forms.BoundField]:
        return [f for f in self if f.name in self.NEW_CLIENT_FIELDS]


def initial_decision(intake: Intake) -> dict[str, Any]:
    """The current decision; the date is today's while the intake is still open."""
    return {
        "outcome": intake.outcome or None,
        "decided_on": intake.decided_on
        if not intake.is_open and intake.decided_on
        else timezone.localdate(),
        "outcome_detail": intake.outcome_detail,
        "first_meeting_on": intake.first_meeting_on,
    }
