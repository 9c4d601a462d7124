from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from haven.centres.models import Centre, Weekday


class DayListField(forms.CharField):
    """Numbers of days typed as ``30, 14, 7``."""

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return ", ".join(str(day) for day in value)
        return value

    def to_python(self, value: Any) -> list[int]:  # type: ignore[override]
        text = super().to_python(value) or ""
        try:
            days = [int(part) for part in text.replace(";", ",").split(",") if part.strip()]
            return sorted(days, reverse=True)
        except ValueError:
            raise forms.ValidationError(
                _("Give whole numbers of days separated by commas, e.g. 30, 14, 7.")
            ) from None


class CentreForm(forms.ModelForm):
    reminder_days = DayListField(
        label=_("Reminders before a document expires (days)"),
        help_text=_("Workers are reminded this many days before a residence document expires."),
    )
    languages = forms.MultipleChoiceField(
        label=_("Working languages"),
        choices=settings.LANGUAGES,
        widget=forms.CheckboxSelectMultiple,
    )
    office_days = forms.TypedMultipleChoiceField(
        label=_("Office days"),
        choices=Weekday.choices,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Centre
        fields = [
            "code",
            "name",
            "languages",
            "office_days",
            "office_opens",
            "office_closes",
            "reminder_days",
            "phone",
            "address",
            "is_case_holding",
        ]
        widgets = {
            "office_opens": forms.TimeInput(attrs={"type": "time"}),
            "office_closes": forms.TimeInput(attrs={"type": "time"}),
            "address": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["code"].disabled = True  # file codes already carry it
