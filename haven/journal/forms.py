"""Forms of the journal: a new entry, an edit within 24 hours, a correction."""

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.clients.models import Client
from haven.guidance.models import Track
from haven.journal import services


class DateInput(forms.DateInput):
    input_type = "date"


class EntryTextForm(forms.Form):
    """What every journal form asks: the date, the text and who reads it."""

    occurred_on = forms.DateField(
        label=_("Date"), widget=DateInput(format="%Y-%m-%d"), initial=timezone.localdate
    )
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 8}))
    whole_team = forms.BooleanField(
        label=_("Visible to the whole team"),
        required=False,
        help_text=_("Otherwise only the track's team and the director read it."),
    )

    def clean_occurred_on(self) -> Any:
        day = self.cleaned_data["occurred_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return day


class EntryForm(EntryTextForm):
    """A new entry: the client by file code (unless already known), a track the author writes."""

    file_code = forms.CharField(label=_("File code"), max_length=20)
    track = forms.ChoiceField(label=_("Track"))

    field_order = ["file_code", "track", "occurred_on", "text", "whole_team"]

    def __init__(self, *args: Any, user: Any, client: Client | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.user = user
        self.client = client
        if client is not None:
            del self.fields["file_code"]
        tracks = services.writable_tracks(user)
        track_field: Any = self.fields["track"]
        track_field.choices = [(track.value, track.label) for track in tracks]
        if len(tracks) == 1:
            self.fields["track"].initial = tracks[0].value

    def clean_file_code(self) -> str:
        code = self.cleaned_data["file_code"].strip()
        client = Client.objects.for_centre(self.user.centre).filter(file_code__iexact=code).first()
        if client is None:
            raise forms.ValidationError(_("No client of this centre has this file code."))
        self.client = client
        return code

    def clean_track(self) -> Track:
        return Track(self.cleaned_data["track"])
