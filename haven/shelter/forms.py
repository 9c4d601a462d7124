"""The forms of the shelter; the rules are checked by the services when saving."""

import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from haven.centres.models import Centre
from haven.clients import services as client_services
from haven.clients.models import Client
from haven.shelter.models import CheckOutReason, House, OutOfService, Room, Wing


def _date(label: Any, *, required: bool = True, help_text: Any = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


def _client_field() -> forms.CharField:
    return forms.CharField(
        label=_("Client"),
        max_length=60,
        help_text=_("File code or pseudonym."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class RoomChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Room) -> str:
        return f"{obj.code} · {obj.wing.name}"


def _rooms(centre: Centre | None, day: datetime.date) -> Any:
    """The rooms open on ``day``, by wing."""
    return (
        Room.objects.for_centre(centre)
        .filter(opened_on__lte=day)
        .exclude(closed_on__lte=day)
        .select_related("wing")
        .order_by("wing__house__name", "wing__name", "code")
    )


class _ClientForm(forms.Form):
    centre: Centre | None

    def clean_client(self) -> Client:
        client = client_services.client_for(self.centre, self.cleaned_data["client"])
        if client is None:
            raise forms.ValidationError(_("Give the client's file code or pseudonym."))
        return client


class CheckInForm(_ClientForm):
    client = _client_field()
    room = RoomChoiceField(label=_("Room"), queryset=Room.objects.none())
    day = _date(_("First night"), help_text=_("The date of the evening the client arrives."))
    planned_departure = _date(_("Planned departure"), required=False)
    notes = forms.CharField(label=_("Notes"), required=False, max_length=300)

    def __init__(self, *args: Any, centre: Centre | None, day: datetime.date, **kwargs: Any):
        self.centre = centre
        kwargs.setdefault("initial", {}).setdefault("day", day)
        super().__init__(*args, **kwargs)
        self.fields["room"].queryset = _rooms(centre, day)  # type: ignore[attr-defined]


class MoveForm(forms.Form):
    room = RoomChoiceField(label=_("New room"), queryset=Room.objects.none())
    day = _date(_("First night in the new room"))

    def __init__(self, *args: Any, centre: Centre | None, day: datetime.date, **kwargs: Any):
        kwargs.setdefault("initial", {}).setdefault("day", day)
        super().__init__(*args, **kwargs)
        self.fields["room"].queryset = _rooms(centre, day)  # type: ignore[attr-defined]


class CheckOutForm(forms.Form):
    day = _date(
        _("Check-out day"),
        help_text=_("The day the client leaves; the last night is the one before."),
    )
    reason = forms.ChoiceField(
        label=_("Reason for leaving"),
        choices=CheckOutReason.choices,
        widget=forms.RadioSelect,
    )


class StayForm(forms.Form):
    planned_departure = _date(_("Planned departure"), required=False)
    notes = forms.CharField(label=_("Notes"), required=False, max_length=300)


class ArrivalForm(_ClientForm):
    client = _client_field()
    room = RoomChoiceField(label=_("Room"), queryset=Room.objects.none())
    arrives_on = _date(_("Arrives on"))
    note = forms.CharField(label=_("Note"), required=False, max_length=300)

    def __init__(self, *args: Any, centre: Centre | None, day: datetime.date, **kwargs: Any):
        self.centre = centre
        kwargs.setdefault("initial", {}).setdefault("arrives_on", day)
        super().__init__(*args, **kwargs)
        self.fields["room"].queryset = _rooms(centre, day)  # type: ignore[attr-defined]


class LogForm(forms.Form):
    house = forms.ModelChoiceField(label=_("House"), queryset=House.objects.none())
    text = forms.CharField(
        label=_("Note"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "For the next shift. Name residents by pseudonym; what concerns one client's "
            "guidance belongs in the journal."
        ),
    )
    important = forms.BooleanField(label=_("Important for the next shift"), required=False)

    def __init__(self, *args: Any, centre: Centre | None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        houses = House.objects.for_centre(centre)
        field: Any = self.fields["house"]
        field.queryset = houses
        first = houses.first()
        if first is not None:
            field.initial = first.pk
        if houses.count() <= 1:
            field.widget = forms.HiddenInput()


class HouseForm(forms.ModelForm):
    class Meta:
        model = House
        fields = ["name"]


class WingForm(forms.ModelForm):
    class Meta:
        model = Wing
        fields = ["house", "name", "description"]

    def __init__(self, *args: Any, centre: Centre | None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["house"].queryset = House.objects.for_centre(centre)  # type: ignore[attr-defined]


class RoomForm(forms.ModelForm):
    class Meta:
        model = Room
        fields = ["wing", "code", "opened_on", "closed_on", "notes"]
        widgets = {
            "opened_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "closed_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args: Any, centre: Centre | None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        wings = Wing.objects.for_centre(centre).select_related("house")
        self.fields["wing"].queryset = wings  # type: ignore[attr-defined]

    def validate_unique(self) -> None:
        """The service checks the code (the centre is not a field of the form)."""


class OutOfServiceForm(forms.ModelForm):
    class Meta:
        model = OutOfService
        fields = ["start", "end", "reason"]
        widgets = {
            "start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {
            "end": _("The first day the room is usable again; empty: until further notice.")
        }
