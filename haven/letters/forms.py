"""The letter form: which letter, in which language, about which document."""

from typing import Any

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from haven.accounts.models import User
from haven.clients.models import Client
from haven.letters import services
from haven.letters.services import LETTER_LANGUAGES, LetterKind
from haven.residence.models import ResidenceDocument


class DocumentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: ResidenceDocument) -> str:
        # Type and dates only: the Immigration Office reference identifies the person.
        if obj.valid_until:
            return str(
                _("%(type)s, issued %(issued)s, valid until %(until)s")
                % {
                    "type": obj.get_document_display(),
                    "issued": date_format(obj.issued_on, "SHORT_DATE_FORMAT"),
                    "until": date_format(obj.valid_until, "SHORT_DATE_FORMAT"),
                }
            )
        return str(
            _("%(type)s, issued %(issued)s")
            % {
                "type": obj.get_document_display(),
                "issued": date_format(obj.issued_on, "SHORT_DATE_FORMAT"),
            }
        )


class LetterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Letter"),
        choices=LetterKind.choices,
        initial=LetterKind.RENEWAL_REQUEST,
        widget=forms.RadioSelect,
    )
    language = forms.ChoiceField(
        label=_("Language of the letter"),
        choices=LETTER_LANGUAGES,
        widget=forms.RadioSelect,
        help_text=_("Written in this language whatever the language of your screen."),
    )
    document = DocumentChoiceField(
        label=_("Document to renew"),
        queryset=ResidenceDocument.objects.none(),
        required=False,
        empty_label=None,
        help_text=_(
            "For a renewal request; the current document (issued last) unless you choose another."
        ),
    )

    def __init__(self, *args: Any, client: Client, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        documents = services.documents_of(client)
        self.fields["document"].queryset = documents  # type: ignore[attr-defined]
        self.fields["language"].initial = services.default_language(user)
        current = documents.first()
        if current is not None:
            self.fields["document"].initial = current.pk
        else:
            self.fields["document"].help_text = _(
                "No residence document is recorded for this client: a renewal request needs one."
            )
