"""The appointment form; the rules are checked by the service when saving."""

from typing import Any

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from haven.accounts.models import User
from haven.accounts.services import offered_with
from haven.appointments import services
from haven.appointments.models import MAX_DURATION_MINUTES, Appointment, Kind, Place, Status
from haven.centres.models import Centre
from haven.clients import services as client_services
from haven.clients.models import Client
from haven.guidance.models import Track

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


def _label(name: str) -> Any:
    return capfirst(getattr(Appointment._meta.get_field(name), "verbose_name", name))


class WorkerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return str(obj)


class AppointmentForm(forms.Form):
    """Plan an appointment, or change it afterwards (status, interpreter minutes)."""

    client = forms.CharField(
        label=_("Client"),
        required=False,
        max_length=60,
        help_text=_("File code or pseudonym; leave empty for a group activity."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    starts_at = forms.DateTimeField(
        label=_label("starts_at"),
        input_formats=[DATETIME_LOCAL, "%Y-%m-%dT%H:%M:%S"],
        widget=forms.DateTimeInput(
            attrs={"type": "datetime-local", "step": "60"}, format=DATETIME_LOCAL
        ),
    )
    duration_minutes = forms.IntegerField(
        label=_label("duration_minutes"),
        initial=60,
        widget=forms.NumberInput(
            attrs={"inputmode": "numeric", "min": "1", "max": str(MAX_DURATION_MINUTES)}
        ),
    )
    kind = forms.ChoiceField(label=_label("kind"), choices=Kind.choices, initial=Kind.INDIVIDUAL)
    place = forms.ChoiceField(label=_label("place"), choices=Place.choices, initial=Place.OFFICE)
    place_detail = forms.CharField(label=_label("place_detail"), required=False, max_length=200)
    track = forms.ChoiceField(
        label=_label("track"), choices=Track.choices, initial=Track.PSYCHOSOCIAL
    )
    worker = WorkerChoiceField(label=_label("worker"), queryset=User.objects.none())
    interpreter_language = forms.CharField(
        label=_label("interpreter_language"),
        required=False,
        max_length=60,
        help_text=_("Leave empty when no interpreter takes part."),
    )
    interpreter_minutes = forms.IntegerField(
        label=_label("interpreter_minutes"),
        initial=0,
        min_value=0,
        max_value=MAX_DURATION_MINUTES,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        help_text=_("The minutes the interpreter worked, for the interpreter's invoice."),
    )
    status = forms.ChoiceField(label=_label("status"), choices=Status.choices)
    notes = forms.CharField(
        label=_label("notes"),
        required=False,
        max_length=300,
        help_text=_("Practical notes only; what was said belongs in the journal."),
    )

    def __init__(
        self,
        *args: Any,
        centre: Centre,
        user: User,
        appointment: Appointment | None = None,
        client: Client | None = None,
        **kwargs: Any,
    ) -> None:
        self.centre = centre
        initial = kwargs.setdefault("initial", {})
        if appointment is not None:
            initial.update({name: getattr(appointment, name) for name in services.FIELDS})
            initial["client"] = appointment.client.file_code if appointment.client else ""
        else:
            initial.setdefault("worker", user.pk)
            if client is not None:
                initial["client"] = client.file_code
        super().__init__(*args, **kwargs)
        workers = services.workers_for(centre)
        if appointment is not None:
            workers = offered_with(workers, appointment.worker_id)
        self.fields["worker"].queryset = workers  # type: ignore[attr-defined]

    def clean_client(self) -> Client | None:
        return client_services.client_for(self.centre, self.cleaned_data["client"])


class PeriodForm(forms.Form):
    """A period of whole days, both ends included."""

    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The period must end on or after its first day."))
        return data
