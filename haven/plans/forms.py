"""Forms of the future plan: a goal, new or changed."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from haven.clients.models import Client
from haven.plans.models import GoalStatus, LifeDomain


class DateInput(forms.DateInput):
    input_type = "date"


class GoalForm(forms.Form):
    """A goal's domain, the client's words, status and next review."""

    domain = forms.ChoiceField(label=_("Life domain"), choices=LifeDomain.choices)
    text = forms.CharField(
        label=_("Goal"),
        help_text=_("In the client's own words."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=GoalStatus.choices, initial=GoalStatus.PROPOSED
    )
    next_review = forms.DateField(
        label=_("Next review"), required=False, widget=DateInput(format="%Y-%m-%d")
    )
    written_with_client = forms.BooleanField(
        label=_("Written with the client"), required=False, initial=True
    )


class NewGoalForm(GoalForm):
    """A new goal: the client by file code, unless already known."""

    file_code = forms.CharField(label=_("File code"), max_length=20)

    field_order = ["file_code", "domain", "text", "status", "next_review", "written_with_client"]

    def __init__(self, *args: Any, user: Any, client: Client | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.user = user
        self.client = client
        if client is not None:
            del self.fields["file_code"]

    def clean_file_code(self) -> str:
        code = self.cleaned_data["file_code"].strip()
        client = Client.objects.for_centre(self.user.centre).filter(file_code__iexact=code).first()
        if client is None:
            raise forms.ValidationError(_("No client of this centre has this file code."))
        self.client = client
        return code


class EditGoalForm(GoalForm):
    """A change to a goal, carrying the version it was loaded with (no lost update)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
