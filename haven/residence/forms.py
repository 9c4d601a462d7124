"""The forms of the administrative track; the rules are checked by the services when saving,
and their errors land on the fields they concern."""

from typing import Any

from django import forms
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from haven.accounts.models import User
from haven.accounts.permissions import Permission
from haven.centres.models import Centre
from haven.clients import services as client_services
from haven.clients.models import Client
from haven.residence import services
from haven.residence.models import (
    Decision,
    DocumentType,
    ProsecutorView,
    Regularisation,
    RegularisationBasis,
    Renewal,
    ResidenceDocument,
    SocialRight,
    SocialRightKind,
    VoluntaryReturn,
    WorkAccess,
)

BLANK: list[tuple[str, Any]] = [("", "---------")]


def _label(model: type[models.Model], name: str) -> Any:
    return capfirst(getattr(model._meta.get_field(name), "verbose_name", name))


def _date(label: Any, *, required: bool = True, help_text: Any = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


def _notes(label: Any) -> forms.CharField:
    return forms.CharField(
        label=label, required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class ClientPicking(forms.Form):
    """A form about one client: given by the page (``?client=``), or typed as a file code or
    pseudonym when the form was opened from nowhere in particular."""

    def __init__(self, *args: Any, centre: Centre, client: Client | None = None, **kwargs: Any):
        self.centre = centre
        self.client = client
        super().__init__(*args, **kwargs)
        if client is None:
            self.fields = {
                "client": forms.CharField(
                    label=_("Client"),
                    max_length=60,
                    help_text=_("File code or pseudonym."),
                    widget=forms.TextInput(attrs={"autocomplete": "off"}),
                ),
                **self.fields,
            }

    def clean_client(self) -> Client | None:
        found = client_services.client_for(self.centre, self.cleaned_data["client"])
        if found is None:
            raise forms.ValidationError(_("Say which client this is about."))
        return found

    def chosen_client(self) -> Client:
        """The client the form is about (after validation)."""
        return self.client or self.cleaned_data["client"]


class PartnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj)


class DocumentForm(ClientPicking):
    """Register a residence document, or correct one. The Immigration Office reference is
    offered only to those who may change identity data."""

    document = forms.ChoiceField(
        label=_label(ResidenceDocument, "document"), choices=BLANK + DocumentType.choices
    )
    issued_on = _date(_label(ResidenceDocument, "issued_on"))
    valid_until = _date(
        _label(ResidenceDocument, "valid_until"),
        required=False,
        help_text=_(
            "Leave empty for the standard validity: Annex 15 45 days, attestation of "
            "immatriculation 3 months, A card 6 months, humanitarian temporary 12 months. "
            "Always empty for a B card or a permanent humanitarian stay."
        ),
    )
    municipality = PartnerChoiceField(
        label=_label(ResidenceDocument, "municipality"),
        queryset=services.municipalities(None),
        required=False,
    )
    immigration_reference = forms.CharField(
        label=_label(ResidenceDocument, "immigration_reference"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    work_access = forms.ChoiceField(
        label=_label(ResidenceDocument, "work_access"),
        choices=WorkAccess.choices,
        required=False,
    )
    notes = _notes(_label(ResidenceDocument, "notes"))

    def __init__(
        self,
        *args: Any,
        centre: Centre,
        user: User,
        document: ResidenceDocument | None = None,
        client: Client | None = None,
        **kwargs: Any,
    ) -> None:
        initial = kwargs.setdefault("initial", {})
        if document is not None:
            initial.update({name: getattr(document, name) for name in services.DOCUMENT_FIELDS})
            client = document.client
        super().__init__(*args, centre=centre, client=client, **kwargs)
        kept = document.municipality_id if document is not None else None
        self.fields["municipality"].queryset = services.municipalities(  # type: ignore[attr-defined]
            centre, kept
        )
        if not user.can(Permission.CLIENT_IDENTITY_UPDATE):
            del self.fields["immigration_reference"]


class NewDocumentForm(DocumentForm):
    """The document a granted renewal gave: the renewed document's type, municipality and
    reference are proposed."""

    decided_on = _date(
        _label(Renewal, "decided_on"),
        required=False,
        help_text=_("Leave empty when the decision came with the new document."),
    )

    def __init__(self, *args: Any, centre: Centre, user: User, renewal: Renewal, **kwargs: Any):
        old = renewal.document
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("document", old.document)
        initial.setdefault("municipality", old.municipality_id)
        initial.setdefault("work_access", old.work_access)
        if user.can(Permission.CLIENT_IDENTITY_UPDATE):
            initial.setdefault("immigration_reference", old.immigration_reference)
        super().__init__(*args, centre=centre, user=user, client=old.client, **kwargs)
        self.fields["municipality"].queryset = services.municipalities(  # type: ignore[attr-defined]
            centre, old.municipality_id
        )
        if renewal.decided_on is not None:
            del self.fields["decided_on"]


class RenewalRequestForm(forms.Form):
    requested_on = _date(_label(Renewal, "requested_on"))
    notes = _notes(_label(Renewal, "notes"))


class RenewalForm(forms.Form):
    """The renewal's progress: the prosecutor's view and the Immigration Office's decision."""

    requested_on = _date(_label(Renewal, "requested_on"))
    prosecutor_view = forms.ChoiceField(
        label=_label(Renewal, "prosecutor_view"), choices=ProsecutorView.choices
    )
    prosecutor_view_on = _date(_label(Renewal, "prosecutor_view_on"), required=False)
    decision = forms.ChoiceField(label=_label(Renewal, "decision"), choices=Decision.choices)
    decided_on = _date(_label(Renewal, "decided_on"), required=False)
    notes = _notes(_label(Renewal, "notes"))

    def __init__(self, *args: Any, renewal: Renewal, **kwargs: Any) -> None:
        initial = kwargs.setdefault("initial", {})
        initial.update({name: getattr(renewal, name) for name in services.RENEWAL_FIELDS})
        super().__init__(*args, **kwargs)


class RegularisationForm(ClientPicking):
    basis = forms.ChoiceField(
        label=_label(Regularisation, "basis"), choices=BLANK + RegularisationBasis.choices
    )
    decided_on = _date(_label(Regularisation, "decided_on"))
    notes = _notes(_label(Regularisation, "notes"))

    def __init__(
        self, *args: Any, centre: Centre, record: Regularisation | None = None, **kwargs: Any
    ):
        client = kwargs.pop("client", None)
        if record is not None:
            kwargs.setdefault("initial", {}).update(
                {name: getattr(record, name) for name in services.REGULARISATION_FIELDS}
            )
            client = record.client
        super().__init__(*args, centre=centre, client=client, **kwargs)


class CountryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class ReturnForm(ClientPicking):
    returned_on = _date(_label(VoluntaryReturn, "returned_on"))
    country = CountryChoiceField(
        label=_label(VoluntaryReturn, "country"), queryset=services.countries(), required=False
    )
    organisation = forms.CharField(
        label=_label(VoluntaryReturn, "organisation"), required=False, max_length=200
    )
    notes = _notes(_label(VoluntaryReturn, "notes"))

    def __init__(
        self, *args: Any, centre: Centre, record: VoluntaryReturn | None = None, **kwargs: Any
    ):
        client = kwargs.pop("client", None)
        if record is not None:
            kwargs.setdefault("initial", {}).update(
                {name: getattr(record, name) for name in services.RETURN_FIELDS}
            )
            client = record.client
        super().__init__(*args, centre=centre, client=client, **kwargs)
        self.fields["country"].queryset = services.countries(  # type: ignore[attr-defined]
            record.country_id if record is not None else None
        )


class SocialRightForm(ClientPicking):
    kind = forms.ChoiceField(
        label=_label(SocialRight, "kind"), choices=BLANK + SocialRightKind.choices
    )
    organisation = PartnerChoiceField(
        label=_label(SocialRight, "organisation"),
        queryset=services.social_organisations(None),
        required=False,
        help_text=_("From the partner directory: welfare centres and health insurance funds."),
    )
    start_on = _date(_label(SocialRight, "start_on"))
    end_on = _date(
        _label(SocialRight, "end_on"),
        required=False,
        help_text=_("Give the end date when the right ends."),
    )
    notes = _notes(_label(SocialRight, "notes"))

    def __init__(
        self, *args: Any, centre: Centre, record: SocialRight | None = None, **kwargs: Any
    ):
        client = kwargs.pop("client", None)
        if record is not None:
            kwargs.setdefault("initial", {}).update(
                {name: getattr(record, name) for name in services.SOCIAL_RIGHT_FIELDS}
            )
            client = record.client
        super().__init__(*args, centre=centre, client=client, **kwargs)
        self.fields["organisation"].queryset = (  # type: ignore[attr-defined]
            services.social_organisations(
                centre, record.organisation_id if record is not None else None
            )
        )
