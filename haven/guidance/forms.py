"""The forms of guidance: an episode (new or edited) and the closing of an episode."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from haven.centres.models import Centre
from haven.clients.forms import WorkersField
from haven.clients.models import Client
from haven.clients.services import case_workers
from haven.guidance.models import EndReason, Episode
from haven.reference.codes import ExploitationForm


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class WorkerField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj} ({obj.get_role_display()})"


class EpisodeForm(forms.ModelForm):
    """An episode's dates, exploitation, tracks and workers."""

    other_forms = forms.MultipleChoiceField(
        label=_("Other forms of exploitation"),
        choices=ExploitationForm.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Episode
        fields = [
            "start_date",
            "end_date",
            "end_reason",
            "exploitation",
            "other_forms",
            "district",
            "in_protection_procedure",
            "psychosocial_track",
            "psychosocial_off_reason",
            "legal_track",
            "legal_off_reason",
            "administrative_track",
            "administrative_off_reason",
            "psychosocial_worker",
            "legal_worker",
            "other_workers",
        ]
        widgets = {
            "start_date": _date_input(),
            "end_date": _date_input(),
            "other_workers": forms.CheckboxSelectMultiple,
        }
        field_classes = {
            "psychosocial_worker": WorkerField,
            "legal_worker": WorkerField,
            "other_workers": WorkersField,
        }

    def __init__(self, *args: Any, centre: Centre | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is None and centre is not None:
            self.instance.centre = centre
        client = self.instance.client if self.instance.client_id else None
        workers = case_workers(centre, client)
        for name in ("psychosocial_worker", "legal_worker", "other_workers"):
            self.fields[name].queryset = workers  # type: ignore[attr-defined]


class NewEpisodeForm(EpisodeForm):
    """A new episode for a client chosen by file code; it has no end yet."""

    file_code = forms.CharField(
        label=_("File code"),
        max_length=20,
        help_text=_("The client's file code, e.g. BXL-2026-0042."),
    )

    class Meta(EpisodeForm.Meta):
        fields = [f for f in EpisodeForm.Meta.fields if f not in ("end_date", "end_reason")]

    field_order = ["file_code"]

    def __init__(self, *args: Any, centre: Centre | None, **kwargs: Any) -> None:
        super().__init__(*args, centre=centre, **kwargs)
        self.centre = centre
        self.client: Client | None = None

    def clean_file_code(self) -> str:
        code = self.cleaned_data["file_code"].strip().upper()
        self.client = Client.objects.for_centre(self.centre).filter(file_code=code).first()
        if self.client is None:
            raise forms.ValidationError(
                _("No client of this centre has the file code %(code)s.") % {"code": code}
            )
        return code


class CloseForm(forms.Form):
    """The end of an episode: a date and a reason, both required."""

    end_date = forms.DateField(label=_("End date"), widget=_date_input())
    end_reason = forms.ChoiceField(
        label=_("End reason"), choices=[("", "---------"), *EndReason.choices]
    )
