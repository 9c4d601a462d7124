"""The group activity form; the rules are checked by the service when saving."""

from typing import Any

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from haven.accounts.models import User
from haven.accounts.services import offered_with
from haven.centres.models import Centre
from haven.clients import services as client_services
from haven.clients.models import Client
from haven.groups import services
from haven.groups.models import GroupActivity


def _label(name: str) -> Any:
    return capfirst(getattr(GroupActivity._meta.get_field(name), "verbose_name", name))


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return str(obj)


class UsersChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return str(obj)


class GroupActivityForm(forms.Form):
    theme = forms.CharField(label=_label("theme"), max_length=120)
    date = forms.DateField(
        label=_label("date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    starts_at = forms.TimeField(
        label=_label("starts_at"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    description = forms.CharField(
        label=_label("description"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Practical information only; what was said belongs in the journal."),
    )
    organiser = UserChoiceField(label=_label("organiser"), queryset=User.objects.none())
    clients = forms.CharField(
        label=_label("clients"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "autocomplete": "off"}),
        help_text=_("One file code or pseudonym per line."),
    )
    volunteers = UsersChoiceField(
        label=_label("volunteers"),
        required=False,
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self,
        *args: Any,
        centre: Centre,
        user: User,
        activity: GroupActivity | None = None,
        **kwargs: Any,
    ) -> None:
        self.centre = centre
        initial = kwargs.setdefault("initial", {})
        volunteers = services.volunteers_for(centre)
        organisers = services.organisers_for(centre)
        if activity is not None:
            initial.update({name: getattr(activity, name) for name in services.FIELDS})
            initial["clients"] = "\n".join(
                c.file_code for c in activity.clients.order_by("file_code")
            )
            current = list(activity.volunteers.values_list("pk", flat=True))
            initial["volunteers"] = current
            volunteers = offered_with(volunteers, *current)
            organisers = offered_with(organisers, activity.organiser_id)
        else:
            initial.setdefault("organiser", user.pk)
        super().__init__(*args, **kwargs)
        self.fields["organiser"].queryset = organisers  # type: ignore[attr-defined]
        self.fields["volunteers"].queryset = volunteers  # type: ignore[attr-defined]

    def clean_clients(self) -> list[Client]:
        found: dict[int, Client] = {}
        problems: list[str] = []
        for line in self.cleaned_data["clients"].splitlines():
            query = line.strip().rstrip(",;")
            if not query:
                continue
            matches = client_services.find_client(self.centre, query)
            if len(matches) == 1:
                found[matches[0].pk] = matches[0]
            elif not matches:
                problems.append(
                    _("No client of your centre has this file code or name: %(q)s") % {"q": query}
                )
            else:
                problems.append(
                    _("Several clients match %(q)s; type one file code: %(codes)s")
                    % {
                        "q": query,
                        "codes": ", ".join(f"{c.file_code} ({c.pseudonym})" for c in matches),
                    }
                )
        if problems:
            raise forms.ValidationError(problems)
        return list(found.values())
