"""The dossier, victim and step forms; the rules are checked by the services when saving."""

from typing import Any

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from haven.centres.models import Centre
from haven.clients import services as client_services
from haven.clients.models import Client
from haven.legal import services
from haven.legal.models import Dossier, DossierEvent, EventKind, Victim


def _date() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _amount() -> forms.NumberInput:
    return forms.NumberInput(attrs={"min": "0", "step": "0.01", "inputmode": "decimal"})


class ClientField(forms.CharField):
    """A client named by file code or pseudonym."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Victim (client)"))
        kwargs.setdefault("max_length", 60)
        kwargs.setdefault("help_text", _("File code or pseudonym of a client assigned to you."))
        kwargs.setdefault("widget", forms.TextInput(attrs={"autocomplete": "off"}))
        super().__init__(**kwargs)


class DossierForm(forms.ModelForm):
    """Open a dossier (with its first victim) or change it, with the centre's own claim."""

    class Meta:
        model = Dossier
        fields = services.DOSSIER_FIELDS
        widgets = {
            "opened_on": _date(),
            "centre_civil_party_on": _date(),
            "centre_compensation_claimed": _amount(),
            "centre_compensation_awarded": _amount(),
        }

    def __init__(
        self, *args: Any, centre: Centre, client: Client | None = None, **kwargs: Any
    ) -> None:
        self.centre = centre
        instance: Dossier | None = kwargs.get("instance")
        super().__init__(*args, **kwargs)
        self.fields["investigator"].queryset = services.investigators(  # type: ignore[attr-defined]
            centre, instance.investigator_id if instance else None
        )
        self.fields["centre_lawyer"].queryset = services.lawyers(  # type: ignore[attr-defined]
            centre, instance.centre_lawyer_id if instance else None
        )
        self.fields["investigator"].help_text = _(
            "From the partner directory: police zones and inspection services."
        )
        if instance is None:
            self.fields["client"] = ClientField(initial=client.file_code if client else "")
            self.order_fields(["client"])

    def clean_client(self) -> Client | None:
        return client_services.client_for(self.centre, self.cleaned_data["client"])


class VictimForm(forms.ModelForm):
    """A victim's complaint, statement, civil-party claim, lawyer and compensation; adding a
    victim also names the client."""

    class Meta:
        model = Victim
        fields = services.VICTIM_FIELDS
        widgets = {
            "complaint_on": _date(),
            "statement_on": _date(),
            "civil_party_on": _date(),
            "compensation_claimed": _amount(),
            "compensation_awarded": _amount(),
            "compensation_received": _amount(),
        }

    def __init__(self, *args: Any, centre: Centre, **kwargs: Any) -> None:
        self.centre = centre
        instance: Victim | None = kwargs.get("instance")
        super().__init__(*args, **kwargs)
        self.fields["lawyer"].queryset = services.lawyers(  # type: ignore[attr-defined]
            centre, instance.lawyer_id if instance else None
        )
        if instance is None:
            self.fields["client"] = ClientField()
            self.order_fields(["client"])

    def clean_client(self) -> Client | None:
        return client_services.client_for(self.centre, self.cleaned_data["client"])


def _label(name: str) -> Any:
    return capfirst(getattr(DossierEvent._meta.get_field(name), "verbose_name", name))


class EventForm(forms.Form):
    """One step of the status timeline."""

    kind = forms.ChoiceField(label=_label("kind"), choices=EventKind.choices)
    date = forms.DateField(label=_label("date"), widget=_date())
    court = forms.CharField(
        label=_label("court"),
        required=False,
        max_length=200,
        help_text=_("For a hearing, a verdict or an appeal, e.g. Criminal court Antwerp."),
    )
    verdict = forms.ChoiceField(
        label=_label("verdict"),
        required=False,
        choices=[("", "—"), *((v.value, v.label) for v in services.VERDICTS)],
        help_text=_("For a verdict only."),
    )
    note = forms.CharField(label=_label("note"), required=False, max_length=300)

    def __init__(self, *args: Any, event: DossierEvent | None = None, **kwargs: Any) -> None:
        if event is not None:
            initial = kwargs.setdefault("initial", {})
            initial.update({name: getattr(event, name) for name in services.EVENT_FIELDS})
        super().__init__(*args, **kwargs)
