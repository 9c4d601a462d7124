"""The task form; the rules are checked by the service when saving."""

from typing import Any

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from haven.accounts.models import User
from haven.accounts.services import offered_with
from haven.centres.models import Centre
from haven.clients import services as client_services
from haven.clients.models import Client
from haven.tasks import services
from haven.tasks.models import Task


def _label(name: str) -> Any:
    return capfirst(getattr(Task._meta.get_field(name), "verbose_name", name))


class AssigneeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return str(obj)


class TaskForm(forms.Form):
    title = forms.CharField(label=_label("title"), max_length=200)
    due_on = forms.DateField(
        label=_label("due_on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    assignee = AssigneeChoiceField(label=_label("assignee"), queryset=User.objects.none())
    client = forms.CharField(
        label=_("Client"),
        required=False,
        max_length=60,
        help_text=_("File code or pseudonym; leave empty for a task about no one client."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    notes = forms.CharField(
        label=_label("notes"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Practical notes only; what was said belongs in the journal."),
    )

    def __init__(
        self,
        *args: Any,
        centre: Centre,
        user: User,
        task: Task | None = None,
        client: Client | None = None,
        **kwargs: Any,
    ) -> None:
        self.centre = centre
        initial = kwargs.setdefault("initial", {})
        if task is not None:
            initial.update({name: getattr(task, name) for name in services.FIELDS})
            initial["client"] = task.client.file_code if task.client else ""
        else:
            initial.setdefault("assignee", user.pk)
            if client is not None:
                initial["client"] = client.file_code
        super().__init__(*args, **kwargs)
        assignees = services.assignees_for(centre)
        if task is not None:
            assignees = offered_with(assignees, task.assignee_id)
        self.fields["assignee"].queryset = assignees  # type: ignore[attr-defined]

    def clean_client(self) -> Client | None:
        return client_services.client_for(self.centre, self.cleaned_data["client"])
