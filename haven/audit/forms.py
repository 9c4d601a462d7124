from django import forms
from django.utils.translation import gettext_lazy as _

from haven.audit.models import Action


class AuditSearchForm(forms.Form):
    actor = forms.CharField(label=_("User"), required=False)
    object_query = forms.CharField(
        label=_("Object"), required=False, help_text=_("A file code, or an object number.")
    )
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", _("All")), *Action.choices]
    )
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", _("The end date must be on or after the start date."))
        return data
