"""The outreach activity form and the list's filters; the rules are checked by the service."""

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from haven.clients.forms import NationalityField
from haven.outreach import services
from haven.outreach.models import Activity, Kind
from haven.reference.models import Nationality


class ActivityForm(forms.ModelForm):
    """A training, delegation or awareness session. Saved by ``services``, never by
    ``form.save()``."""

    class Meta:
        model = Activity
        fields = services.FIELDS
        field_classes = {"country": NationalityField}
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "participants": _(
                "For a training: the professionals trained; for a delegation: its members."
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Offered: the active list, plus the country the activity names already.
        country = self.fields["country"]
        assert isinstance(country, forms.ModelChoiceField)
        country.queryset = Nationality.objects.filter(
            Q(is_active=True) | Q(pk=self.instance.country_id)
        )
        participants = self.fields["participants"]
        assert isinstance(participants, forms.IntegerField)
        participants.widget.attrs.update({"min": 0, "inputmode": "numeric"})
        self.fields["audience"].widget.attrs["list"] = "outreach-audiences"


class FilterForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *Kind.choices]
    )

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        year = self.fields["year"]
        assert isinstance(year, forms.ChoiceField)
        year.choices = [("", _("All years")), *((str(y), str(y)) for y in years)]

    def filters(self) -> dict[str, Any]:
        """The valid filters (an unknown value falls back to no filter)."""
        self.is_valid()  # an invalid filter is left out, the other still applies
        data = self.cleaned_data
        return {"year": data.get("year") or None, "kind": data.get("kind") or ""}
