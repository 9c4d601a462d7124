"""The client file's forms: the pseudonymous part (ClientForm) and the identity block."""

import datetime
import unicodedata
from collections.abc import Iterator
from typing import Any

from django import forms
from django.db.models import Q
from django.forms.models import ModelChoiceIterator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.centres.models import Centre
from haven.clients import glass, services
from haven.clients.models import IDENTITY_FIELDS, Client
from haven.reference.codes import Vulnerability
from haven.reference.models import Nationality

EARLIEST_BIRTH_YEAR = 1900


def _alphabetical(label: str) -> str:
    """Sort key that files "Égypte" under E, as a reader expects (not after "Zimbabwe")."""
    decomposed = unicodedata.normalize("NFKD", label.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


class ByLabel(ModelChoiceIterator):
    """Choices ordered by their label in the user's language, not by the database."""

    def __iter__(self) -> Iterator[Any]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        choices = [self.choice(obj) for obj in self.queryset]
        yield from sorted(choices, key=lambda choice: _alphabetical(str(choice[1])))


class NationalityField(forms.ModelChoiceField):
    iterator = ByLabel

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class WorkersField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj} ({obj.get_role_display()})"


def _check_birth_date(value: datetime.date | None, today: datetime.date) -> None:
    if value and value > today:
        raise forms.ValidationError(_("A birth date cannot be in the future."))
    if value and value.year < EARLIEST_BIRTH_YEAR:
        raise forms.ValidationError(
            _("Give a birth date from %(year)s on.") % {"year": EARLIEST_BIRTH_YEAR}
        )


class ClientForm(forms.ModelForm):
    """The pseudonymous part of a file: what daily work needs, no identity."""

    vulnerabilities = forms.MultipleChoiceField(
        label=_("vulnerability factors"),
        choices=Vulnerability.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Client
        fields = [
            "pseudonym",
            "gender",
            "birth_date",
            "birth_year",
            "nationality",
            "languages",
            "unaccompanied",
            "vulnerabilities",
            "confidential_address",
            "workers",
        ]
        field_classes = {"nationality": NationalityField, "workers": WorkersField}
        widgets = {
            "birth_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "birth_year": forms.NumberInput(attrs={"inputmode": "numeric"}),
            "workers": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "birth_year": _("An estimate will do when the exact date is not known."),
        }

    def __init__(
        self, *args: Any, centre: Centre | None, lock_confidential: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        current = self.instance.nationality_id
        nationality = self.fields["nationality"]
        assert isinstance(nationality, forms.ModelChoiceField)
        nationality.queryset = Nationality.objects.filter(Q(is_active=True) | Q(pk=current))
        workers = self.fields["workers"]
        assert isinstance(workers, forms.ModelMultipleChoiceField)
        workers.queryset = services.case_workers(centre, self.instance)
        if lock_confidential:
            # Only the assigned workers and the director may lift the confidentiality or
            # assign someone (who would then see the address).
            for name in ("confidential_address", "workers"):
                self.fields[name].disabled = True
                self.fields[name].help_text = _(
                    "Only the assigned workers and the director may change this."
                )

    def clean_birth_date(self) -> datetime.date | None:
        value = self.cleaned_data.get("birth_date")
        _check_birth_date(value, timezone.localdate())
        return value

    def clean_birth_year(self) -> int | None:
        value = self.cleaned_data.get("birth_year")
        if value and value > timezone.localdate().year:
            raise forms.ValidationError(_("A birth year cannot be in the future."))
        if value is not None and value < EARLIEST_BIRTH_YEAR:
            raise forms.ValidationError(
                _("Give a birth year from %(year)s on.") % {"year": EARLIEST_BIRTH_YEAR}
            )
        return value

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        born = data.get("birth_date")
        if born:
            data["birth_year"] = born.year  # a birth date sets the year
        if (
            data.get("unaccompanied")
            and not born
            and not data.get("birth_year")
            and not self.has_error("birth_date")
            and not self.has_error("birth_year")
        ):
            self.add_error(
                "birth_year",
                _(
                    "An unaccompanied person needs at least an estimated birth year, so that "
                    "Haven can tell whether they are a minor."
                ),
            )
        return data


class IdentityForm(forms.ModelForm):
    """The identity block (encrypted). ``hidden`` fields are left out: not shown, not changed."""

    class Meta:
        model = Client
        fields = list(IDENTITY_FIELDS)
        widgets = {
            "legal_name": forms.TextInput(attrs={"autocomplete": "off"}),
            "aliases": forms.TextInput(attrs={"autocomplete": "off"}),
            "documented_birth_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "phone": forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}),
            "address": forms.Textarea(attrs={"rows": 3}),
            "emergency_contact": forms.Textarea(attrs={"rows": 2}),
            "guardian": forms.Textarea(attrs={"rows": 2}),
            "medical_alerts": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "aliases": _("Other names the person used or was given; separate them with commas."),
        }

    def __init__(self, *args: Any, hidden: tuple[str, ...] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in hidden:
            self.fields.pop(name, None)

    def clean_documented_birth_date(self) -> datetime.date | None:
        value = self.cleaned_data.get("documented_birth_date")
        _check_birth_date(value, timezone.localdate())
        return value


class BreakGlassForm(forms.Form):
    """Why a worker outside the assigned team needs to read a client's journals and plan."""

    reason = forms.CharField(
        label=_("reason"),
        min_length=glass.MIN_REASON_LENGTH,
        max_length=500,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        help_text=_(
            "Why you need to read this file now. Your reason is written to the access log."
        ),
        error_messages={
            "min_length": _("Give a reason of at least %(limit_value)d characters."),
        },
    )
