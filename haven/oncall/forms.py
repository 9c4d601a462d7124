import re
from typing import Any

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from haven.accounts.models import User
from haven.centres.models import Centre
from haven.oncall import services
from haven.oncall.models import Shift, ShiftRole

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"
PHONE = re.compile(r"\+?[0-9 ()./-]+")
MIN_DIGITS = 6


def _label(name: str) -> Any:
    return capfirst(getattr(Shift._meta.get_field(name), "verbose_name", name))


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return str(obj)  # the full name, or the user name when there is none


class ShiftForm(forms.Form):
    """Who is on call when; the rota's rules are checked by the service when saving."""

    user = StaffChoiceField(label=_label("user"), queryset=User.objects.none())
    role = forms.ChoiceField(
        label=_label("role"),
        choices=ShiftRole.choices,
        initial=ShiftRole.FIRST,
        widget=forms.RadioSelect,
    )
    starts_at = forms.DateTimeField(
        label=_label("starts_at"),
        input_formats=[DATETIME_LOCAL, "%Y-%m-%dT%H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
    )
    ends_at = forms.DateTimeField(
        label=_label("ends_at"),
        input_formats=[DATETIME_LOCAL, "%Y-%m-%dT%H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
    )
    phone = forms.CharField(
        label=_label("phone"),
        max_length=40,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "off"}),
        help_text=_("The number to call during this shift, e.g. +32 470 12 34 56."),
    )

    def __init__(self, *args: Any, centre: Centre, shift: Shift | None = None, **kwargs: Any):
        if shift is not None:
            kwargs.setdefault("initial", {name: getattr(shift, name) for name in services.FIELDS})
        super().__init__(*args, **kwargs)
        staff = services.staff_for(centre)
        if shift is not None:
            # Keep the current person selectable; the service says so if they left meanwhile.
            staff = User.objects.filter(pk__in=staff.values("pk")) | User.objects.filter(
                pk=shift.user_id
            )
            staff = staff.order_by("first_name", "last_name", "username")
        self.fields["user"].queryset = staff  # type: ignore[attr-defined]

    def clean_phone(self) -> str:
        phone = " ".join(self.cleaned_data["phone"].split())
        digits = sum(c.isdigit() for c in phone)
        if not PHONE.fullmatch(phone) or digits < MIN_DIGITS:
            raise forms.ValidationError(
                _("Enter a phone number that can be dialled, e.g. +32 470 12 34 56.")
            )
        return phone
