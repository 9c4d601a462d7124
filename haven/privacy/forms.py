from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from haven.privacy.models import RetentionPolicy


class FindForm(forms.Form):
    code = forms.CharField(label=_("File code"), max_length=20)


class ExportForm(forms.Form):
    """The person's request that the export answers: its date and reference."""

    requested_on = forms.DateField(
        label=_("Date of the person's request"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    reference = forms.CharField(
        label=_("Reference of the request"),
        max_length=100,
        help_text=_("E.g. the letter's or e-mail's reference. No names."),
    )

    def reason(self) -> str:
        data = self.cleaned_data
        return f"data subject request of {data['requested_on']:%Y-%m-%d}, ref {data['reference']}"


class ErasureForm(forms.Form):
    """Erasure needs its legal ground and the file code typed again (no erasure by mistake)."""

    ground = forms.CharField(
        label=_("Legal ground and reason"),
        max_length=250,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "E.g. GDPR art. 17(1)(a), request of 2026-03-01 ref. DPO-12. No names: this is "
            "written to the audit log."
        ),
    )
    confirm_code = forms.CharField(label=_("Type the file code to confirm"), max_length=20)

    def __init__(self, *args: Any, file_code: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.file_code = file_code

    def clean_confirm_code(self) -> str:
        code = self.cleaned_data["confirm_code"].strip().upper()
        if code != self.file_code.upper():
            raise forms.ValidationError(_("This is not the file code of this client."))
        return code


class RetentionPolicyForm(forms.ModelForm):
    class Meta:
        model = RetentionPolicy
        fields = [
            "anonymise_clients_after_years",
            "close_intakes_without_guidance_after_years",
            "audit_anonymise_after_years",
        ]
