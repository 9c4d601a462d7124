from collections.abc import Iterator
from typing import Any

from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from haven.reference import services
from haven.reference.models import Nationality


def _label(name: str) -> Any:
    return capfirst(getattr(Nationality._meta.get_field(name), "verbose_name", name))


class _ByLocalName(ModelChoiceIterator):
    """Choices ordered by the name in the language active when the form is rendered."""

    def __iter__(self) -> Iterator[Any]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for nationality in services.ordered(self.queryset):
            yield self.choice(nationality)


class NationalityChoiceField(forms.ModelChoiceField):
    """A nationality from the active entries, named and sorted in the user's language.

    Sorting ignores accents and case (Émirats arabes unis among the E). An entry made inactive
    is no longer offered nor accepted; a form editing a record that still holds one can widen
    the queryset: ``field.queryset = Nationality.objects.filter(Q(is_active=True) | Q(pk=code))``.
    """

    iterator = _ByLocalName

    def __init__(self, **kwargs: Any):
        kwargs.setdefault("queryset", Nationality.objects.filter(is_active=True))
        kwargs.setdefault("label", _("Nationality"))
        super().__init__(**kwargs)

    def label_from_instance(self, obj: Nationality) -> str:
        return obj.name


class _NamesForm(forms.Form):
    name_nl = forms.CharField(label=_label("name_nl"), max_length=100)
    name_fr = forms.CharField(label=_label("name_fr"), max_length=100)
    name_en = forms.CharField(label=_label("name_en"), max_length=100)
    is_former = forms.BooleanField(
        label=_label("is_former"),
        required=False,
        help_text=_("A state that no longer exists, such as Yugoslavia."),
    )
    is_active = forms.BooleanField(
        label=_label("is_active"),
        required=False,
        initial=True,
        help_text=_("Switch off to stop offering it in forms; records that use it keep it."),
    )


class NationalityForm(_NamesForm):
    """A new entry: the code and the names in the three languages."""

    code = forms.CharField(
        label=_label("code"),
        max_length=4,
        help_text=_(
            "Two to four capital letters not used yet. For an entry without an ISO code, "
            "start with X, e.g. XT for Tibet."
        ),
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off"}),
    )

    field_order = ["code", "name_nl", "name_fr", "name_en", "is_former", "is_active"]


class NationalityEditForm(_NamesForm):
    """Names and flags of an existing entry; its code is shown, never edited."""

    def __init__(self, *args: Any, nationality: Nationality, **kwargs: Any):
        kwargs.setdefault(
            "initial", {name: getattr(nationality, name) for name in services.EDITABLE}
        )
        super().__init__(*args, **kwargs)
