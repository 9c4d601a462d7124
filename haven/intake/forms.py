"""Forms of the intake: the full form, the night's quick form, the person, the queue's filters."""

import datetime
import uuid
from typing import Any

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from haven.accounts.models import User
from haven.centres.models import Centre
from haven.clients.models import Client, Gender
from haven.intake import services
from haven.intake.models import (
    Channel,
    IndicatorConclusion,
    Intake,
    Outcome,
    Referrer,
    Urgency,
)

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


def _now_local() -> str:
    return timezone.localtime().strftime(DATETIME_LOCAL)


class WorkerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.get_full_name() or obj.get_username()


class ReceivedAtMixin:
    """The moment of receipt: a phone's native date-time picker, checked for plausibility."""

    def clean_received_at(self) -> datetime.datetime | None:
        value = self.cleaned_data.get("received_at")  # type: ignore[attr-defined]
        if value is not None:
            services.check_received_at(value)
        return value


def received_at_field(required: bool) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=_("Received at"),
        required=required,
        initial=_now_local,
        input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=forms.DateTimeInput(
            format=DATETIME_LOCAL, attrs={"type": "datetime-local", "step": "60"}
        ),
        help_text=_("Date and time the request reached the centre."),
    )


def submission_key_field() -> forms.UUIDField:
    # Made when the form is shown; sent again by a second tap, it names the same intake.
    return forms.UUIDField(initial=uuid.uuid4, widget=forms.HiddenInput)


class IntakeForm(ReceivedAtMixin, forms.ModelForm):
    """The full intake, for registering by day and for completing a quick intake."""

    received_at = received_at_field(required=True)
    assigned_to = WorkerChoiceField(
        label=_("Assigned worker"), queryset=User.objects.none(), required=False
    )

    class Meta:
        model = Intake
        fields = [
            "received_at",
            "channel",
            "referrer",
            "referrer_organisation",
            "referrer_contact",
            "languages",
            "summary",
            "urgency",
            "shelter_tonight",
            "assigned_to",
        ]
        widgets = {
            "referrer_organisation": forms.TextInput(attrs={"autocomplete": "off"}),
            "referrer_contact": forms.TextInput(attrs={"autocomplete": "off"}),
            "languages": forms.TextInput(attrs={"autocomplete": "off"}),
            "summary": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args: Any, centre: Centre | None, with_key: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["assigned_to"].queryset = services.assignable_workers(centre)  # type: ignore[attr-defined]
        if with_key:
            self.fields["submission_key"] = submission_key_field()

    def intake_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class QuickIntakeForm(ReceivedAtMixin, forms.ModelForm):
    """The night's intake: eight fields, one thumb, one step. No identity, none asked."""

    received_at = received_at_field(required=False)
    summary = forms.CharField(
        label=_("Situation in one line"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "enterkeyhint": "done"}),
    )
    submission_key = submission_key_field()

    class Meta:
        model = Intake
        fields = [
            "received_at",
            "channel",
            "referrer",
            "referrer_organisation",
            "languages",
            "shelter_tonight",
            "urgency",
            "summary",
        ]
        labels = {"referrer_organisation": _("Referring organisation (e.g. police zone)")}
        help_texts = {"referrer_organisation": ""}
        widgets = {
            "channel": forms.Select(attrs={"class": "form-select-lg"}),
            "referrer": forms.Select(attrs={"class": "form-select-lg"}),
            "referrer_organisation": forms.TextInput(
                attrs={"class": "form-control-lg", "autocomplete": "off", "inputmode": "text"}
            ),
            "languages": forms.TextInput(
                attrs={"class": "form-control-lg", "autocomplete": "off", "inputmode": "text"}
            ),
        }

    shelter_tonight = forms.TypedChoiceField(
        label=_("Needs shelter tonight"),
        choices=[("no", _("No")), ("yes", _("Yes"))],
        coerce=lambda value: value == "yes",
        initial="no",
        widget=forms.RadioSelect(attrs={"class": "btn-check"}),
    )
    urgency = forms.TypedChoiceField(
        label=_("Urgency"),
        choices=Urgency.choices,
        initial=Urgency.NORMAL,
        widget=forms.RadioSelect(attrs={"class": "btn-check"}),
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["channel"].initial = Channel.PHONE
        self.fields["received_at"].widget.attrs["class"] = "form-control-lg"
        self.fields["summary"].widget.attrs["class"] = "form-control-lg"

    def intake_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


KEEP = "keep"
ANONYMOUS = "anonymous"
EXISTING = "existing"
NEW = "new"


class PersonForm(forms.Form):
    """Whom the intake is about: an existing file, a new one (pseudonym only), or nobody yet.

    An existing file is found by its file code or pseudonym in the user's centre, never by an
    identity field; a pseudonym several files share asks for the file code instead.
    """

    person = forms.ChoiceField(
        label=_("Whom is this intake about?"),
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    existing = forms.CharField(
        label=_("File code or pseudonym"),
        required=False,
        max_length=60,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=_("For an existing file, e.g. BXL-2026-0042."),
    )
    pseudonym = forms.CharField(
        label=_("Pseudonym for the new file"),
        required=False,
        max_length=60,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=_("The name used in daily work; never the legal name."),
    )
    gender = forms.ChoiceField(
        label=_("Gender"), choices=Gender.choices, initial=Gender.UNKNOWN, required=False
    )
    birth_year = forms.IntegerField(
        label=_("Birth year (known or estimated)"),
        required=False,
        min_value=1900,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

    def __init__(
        self,
        *args: Any,
        centre: Centre | None,
        current: Client | None = None,
        may_create: bool = True,
        **kwargs: Any,
    ):
        kwargs.setdefault("prefix", "person")
        super().__init__(*args, **kwargs)
        self.centre = centre
        self.current = current
        choices: list[tuple[str, Any]] = []
        if current is not None:
            choices.append(
                (
                    KEEP,
                    _("Keep %(code)s · %(pseudonym)s")
                    % {"code": current.file_code, "pseudonym": current.pseudonym},
                )
            )
            choices.append((EXISTING, _("Another existing file")))
        else:
            choices.append((ANONYMOUS, _("Still anonymous")))
            choices.append((EXISTING, _("An existing file")))
        if may_create:
            choices.append((NEW, _("A new file")))
        if current is not None:
            choices.append((ANONYMOUS, _("Anonymous: unlink the file")))
        person = self.fields["person"]
        person.choices = choices  # type: ignore[attr-defined]
        person.initial = choices[0][0]
        self.fields["birth_year"].max_value = timezone.localdate().year  # type: ignore[attr-defined]
        self.fields["birth_year"].widget.attrs["max"] = timezone.localdate().year

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        choice = data.get("person")
        if choice == EXISTING:
            data["client"] = self._find(data.get("existing", "").strip())
        elif choice == NEW and not data.get("pseudonym", "").strip():
            self.add_error("pseudonym", _("Give the new file a pseudonym."))
        return data

    def _find(self, query: str) -> Client | None:
        if not query:
            self.add_error("existing", _("Enter the file code or the pseudonym."))
            return None
        clients = Client.objects.for_centre(self.centre)
        by_code = clients.filter(file_code__iexact=query).first()
        if by_code is not None:
            return by_code
        found = list(clients.filter(pseudonym__iexact=query).order_by("file_code")[:6])
        if not found:
            found = list(
                clients.filter(
                    Q(file_code__icontains=query) | Q(pseudonym__icontains=query)
                ).order_by("file_code")[:6]
            )
        if len(found) == 1:
            return found[0]
        if not found:
            self.add_error("existing", _("No file of your centre has this file code or pseudonym."))
        else:
            self.add_error(
                "existing",
                _("Several files match: %(files)s. Enter the file code.")
                % {"files": ", ".join(f"{c.file_code} ({c.pseudonym})" for c in found[:5])},
            )
        return None

    def link(self) -> dict[str, Any] | None:
        """The arguments of ``services.link_person``, or None when nothing changes."""
        choice = self.cleaned_data["person"]
        if choice == KEEP or (choice == ANONYMOUS and self.current is None):
            return None
        if choice == EXISTING:
            return {"client": self.cleaned_data["client"]}
        if choice == NEW:
            data = self.cleaned_data
            return {
                "new_client_data": {
                    "pseudonym": data["pseudonym"].strip(),
                    "gender": data.get("gender") or Gender.UNKNOWN,
                    "birth_year": data.get("birth_year"),
                }
            }
        return {}


YES_NO = [("", _("Any")), ("yes", _("Yes")), ("no", _("No"))]


class QueueFilterForm(forms.Form):
    """The queue's filters; the values stay in the address so a list can be shared and kept."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=60,
        help_text=_("Intake number, file code or pseudonym."),
    )
    received_from = forms.DateField(
        label=_("Received from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    received_to = forms.DateField(
        label=_("Received until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=[("", _("All channels")), *Channel.choices]
    )
    referrer = forms.ChoiceField(
        label=_("Referred by"),
        required=False,
        choices=[("", _("All referrers")), *Referrer.choices],
    )
    outcome = forms.ChoiceField(
        label=_("Decision"),
        required=False,
        initial=services.OPEN,
        choices=[
            (services.OPEN, _("Open (no decision yet)")),
            (services.ALL, _("All intakes")),
            *Outcome.choices,
        ],
    )
    on_call = forms.ChoiceField(label=_("On call"), required=False, choices=YES_NO)
    conclusion = forms.ChoiceField(
        label=_("Indicators"),
        required=False,
        choices=[
            ("", _("Any")),
            *IndicatorConclusion.choices,
            (services.NOT_SCREENED, _("Not screened yet")),
        ],
    )
    worker = forms.ChoiceField(label=_("Assigned worker"), required=False)

    def __init__(self, *args: Any, centre: Centre | None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        workers = [
            (str(user.pk), user.get_full_name() or user.get_username())
            for user in services.assignable_workers(centre)
        ]
        self.fields["worker"].choices = [  # type: ignore[attr-defined]
            ("", _("Anyone")),
            (services.NOBODY, _("Not assigned")),
            *workers,
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("received_from"), data.get("received_to")
        if start and end and start > end:
            self.add_error("received_to", _("The end date must be on or after the start date."))
            data.pop("received_from", None)  # a period that cannot be, filters nothing
        return data

    def filters(self) -> services.Filters:
        """The filters of the valid fields (an invalid one filters nothing)."""
        if not self.is_bound:
            return services.Filters()
        self.is_valid()
        data = dict(self.cleaned_data)
        data["on_call"] = {"yes": True, "no": False}.get(data.get("on_call", ""))
        data["query"] = data.pop("q", "")
        return services.Filters.from_data(data)

    def query_string(self) -> str:
        """The filters as typed, without the empty ones: what the list remembers."""
        if not self.is_bound:
            return ""
        values = [(name, self.data.get(name, "")) for name in self.fields]
        return urlencode([(name, value) for name, value in values if value])
