"""Forms of the waiting list; the rules are checked by haven.shelter.waiting when saving."""

from typing import Any

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from haven.centres.models import Centre
from haven.clients import services as client_services
from haven.clients.models import Client
from haven.partners.models import Partner
from haven.shelter import waiting
from haven.shelter.models import WaitingEntry, WaitingStatus


def _label(name: str) -> Any:
    return capfirst(getattr(WaitingEntry._meta.get_field(name), "verbose_name", name))


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PartnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Partner) -> str:
        return str(obj)


class _EntryFields(forms.Form):
    since = forms.DateField(label=_label("since"), widget=_date_input())
    urgent = forms.BooleanField(label=_label("urgent"), required=False)
    note = forms.CharField(
        label=_label("note"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Practical notes only (e.g. needs a ground-floor room); no identity data."),
    )


class WaitingEntryForm(_EntryFields):
    """Put a person on the waiting list."""

    client = forms.CharField(
        label=_("Client"),
        max_length=60,
        help_text=_("File code or pseudonym."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    field_order = ["client", "since", "urgent", "note"]

    def __init__(self, *args: Any, centre: Centre, client: Client | None = None, **kwargs: Any):
        self.centre = centre
        initial = kwargs.setdefault("initial", {})
        if client is not None:
            initial.setdefault("client", client.file_code)
        super().__init__(*args, **kwargs)

    def clean_client(self) -> Client | None:
        found = client_services.client_for(self.centre, self.cleaned_data["client"])
        if found is None:
            raise forms.ValidationError(_("Say who is waiting: file code or pseudonym."))
        return found


class WaitingEditForm(_EntryFields):
    """Change an entry, or say how the person left the list."""

    status = forms.ChoiceField(label=_label("status"), choices=WaitingStatus.choices)
    closed_on = forms.DateField(
        label=_label("closed_on"),
        required=False,
        widget=_date_input(),
        help_text=_("When the person was admitted, referred or no longer needed a room."),
    )
    referred_to = PartnerChoiceField(
        label=_label("referred_to"),
        required=False,
        queryset=Partner.objects.none(),
        help_text=_("For a referral: the partner centre, from the partner directory."),
    )

    def __init__(self, *args: Any, entry: WaitingEntry, **kwargs: Any):
        initial = kwargs.setdefault("initial", {})
        for name in waiting.FIELDS:
            initial.setdefault(name, getattr(entry, name))
        super().__init__(*args, **kwargs)
        self.fields["referred_to"].queryset = waiting.partner_centres(  # type: ignore[attr-defined]
            entry.centre, entry.referred_to_id
        )
