"""The partner form and the directory's search; the rules are checked by the service."""

from django import forms
from django.utils.translation import gettext_lazy as _

from haven.partners import services
from haven.partners.models import Partner, PartnerKind


class PartnerForm(forms.ModelForm):
    """A lawyer's or a service's details. Saved by ``services``, never by ``form.save()``."""

    class Meta:
        model = Partner
        fields = services.FIELDS
        widgets = {
            "address": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 2}),
            "phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
            "email": forms.EmailInput(attrs={"autocomplete": "off"}),
        }
        help_texts = {
            "languages": _("The languages one can speak with them in, e.g. nl, fr, en."),
        }


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Name or organisation"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *PartnerKind.choices]
    )
    show = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[("active", _("Active")), ("inactive", _("Deactivated")), ("all", _("All"))],
    )

    def filters(self) -> dict[str, str]:
        """The valid filters (unknown values fall back to the defaults)."""
        self.is_valid()  # an invalid filter is left out, the others still apply
        data = self.cleaned_data
        return {
            "query": (data.get("q") or "").strip(),
            "kind": data.get("kind") or "",
            "show": data.get("show") or "active",
        }
