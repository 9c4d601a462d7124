"""Letters about a client, generated as PDF from a template in Dutch or French: a request to
the Immigration Office to renew a residence document, an attestation of guidance.

Each formal letter has one template per language (``letters/nl/<kind>.html``,
``letters/fr/<kind>.html``): a formal letter is drafted, checked by a lawyer and changed as a
whole text in its language, not sentence by sentence, and its wording must not change when a
string of the interface is retranslated. The labels it borrows from the rest of Haven (the
document type, the nationality, the signer's role, the month names) come from the catalogues,
in the letter's language.

A letter carries identity data (legal name, birth date on documents), never a confidential
address: when the client's address is confidential, the centre's address is the contact
address (p/a, c/o), and no letter ever shows the client's phone or emergency contact.
"""

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import models, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from haven.accounts.models import User
from haven.accounts.permissions import Permission
from haven.audit import services as audit
from haven.audit.models import Action
from haven.clients.models import Client
from haven.guidance.models import Episode
from haven.partners.models import PartnerKind
from haven.partners.services import active_partners
from haven.residence.models import ResidenceDocument


class LetterKind(models.TextChoices):
    RENEWAL_REQUEST = (
        "renewal_request",
        gettext_lazy("Request to the Immigration Office to renew a residence document"),
    )
    GUIDANCE_ATTESTATION = "guidance_attestation", gettext_lazy("Attestation of guidance")


# The languages a letter is written in (the authorities' languages), whatever the interface's.
LETTER_LANGUAGES = [("nl", gettext_lazy("Dutch")), ("fr", gettext_lazy("French"))]


def documents_of(client: Client) -> models.QuerySet[ResidenceDocument]:
    """The client's residence documents, the current one (issued last) first."""
    return ResidenceDocument.objects.for_centre(client.centre).filter(client=client)


def current_document(client: Client) -> ResidenceDocument | None:
    return documents_of(client).first()


def open_episode(client: Client) -> Episode | None:
    """The client's current guidance episode: the open one that started last."""
    return (
        Episode.objects.for_centre(client.centre)
        .filter(client=client, end_date__isnull=True)
        .order_by("-start_date", "-id")
        .first()
    )


def default_language(user: User) -> str:
    """The interface language when a letter can be written in it, else the centre's first
    letter language, else Dutch."""
    codes = [code for code, _label in LETTER_LANGUAGES]
    preferred = [translation.get_language() or ""]
    preferred += list(getattr(user.centre, "languages", None) or [])
    return next((code[:2] for code in preferred if code[:2] in codes), codes[0])


def filename(client: Client, kind: str, language: str) -> str:
    """The PDF's file name: file code, kind and language, never a name."""
    return f"{client.file_code}-{kind}-{language}.pdf"


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _context(
    *, by: User, client: Client, kind: str, document: ResidenceDocument | None
) -> dict[str, Any]:
    """What a letter shows, computed in the letter's (active) language."""
    centre = client.centre
    # A confidential address is never printed, whoever asks; the phone and the emergency
    # contact are never printed at all.
    address = "" if client.confidential_address else client.address
    context: dict[str, Any] = {
        "kind": kind,
        "today": timezone.localdate(),
        "centre": centre,
        "centre_address": _lines(centre.address),
        "person": {
            "legal_name": client.legal_name.strip(),
            "birth_date": client.documented_birth_date or client.birth_date,
            "nationality": client.nationality.name if client.nationality else "",
            "gender": client.gender,
            "file_code": client.file_code,
        },
        "address": _lines(address),
        "signer": by.get_full_name() or by.get_username(),
        "signer_role": str(by.get_role_display()),
    }
    if kind == LetterKind.RENEWAL_REQUEST:
        assert document is not None
        office = active_partners(centre, [PartnerKind.IMMIGRATION_OFFICE]).first()
        context["document"] = {
            "type": str(document.get_document_display()),
            "issued_on": document.issued_on,
            "valid_until": document.valid_until,
            "permanent": document.is_permanent,
            "reference": document.immigration_reference.strip(),
        }
        context["office"] = (
            {
                "name": office.name,
                "organisation": office.organisation,
                "address": _lines(office.address),
            }
            if office
            else None
        )
    else:
        episode = open_episode(client)
        assert episode is not None
        context["guided_since"] = episode.start_date
    return context


def check(
    *, by: User, client: Client, kind: str, language: str, document: ResidenceDocument | None
) -> ResidenceDocument | None:
    """Refuse a letter that may not or cannot be made; returns the document a renewal request
    is about (the current one unless another of the client's documents is given)."""
    if not (
        by.can(Permission.LETTER_CREATE)
        and by.can(Permission.CLIENT_IDENTITY_READ)
        and by.centre_id == client.centre_id
    ):
        raise PermissionDenied("letters show identity data")
    errors: dict[str, str] = {}
    if kind not in LetterKind.values:
        errors["kind"] = _("Choose the letter to generate.")
    if language not in dict(LETTER_LANGUAGES):
        errors["language"] = _("Choose Dutch or French.")
    if not client.legal_name.strip():
        errors[NON_FIELD_ERRORS] = _(
            "The client's legal name is not recorded: add it to the identity data first."
        )
    if kind == LetterKind.RENEWAL_REQUEST:
        if document is None:
            document = current_document(client)
        if document is None:
            errors["document"] = _(
                "No residence document is recorded for this client: record it first."
            )
        elif document.client_id != client.pk:
            errors["document"] = _("Choose one of this client's documents.")
    elif kind == LetterKind.GUIDANCE_ATTESTATION and open_episode(client) is None:
        errors["kind"] = _(
            "This client has no open guidance episode: an attestation of guidance cannot be made."
        )
    if errors:
        raise ValidationError(errors)
    return document if kind == LetterKind.RENEWAL_REQUEST else None


def letter_html(
    *,
    by: User,
    client: Client,
    kind: str,
    language: str,
    document: ResidenceDocument | None = None,
) -> str:
    """The letter as HTML (what the PDF is made of), after the same checks as the PDF."""
    document = check(by=by, client=client, kind=kind, language=language, document=document)
    with translation.override(language):
        context = _context(by=by, client=client, kind=kind, document=document)
        return render_to_string(f"letters/{language}/{kind}.html", context)


def pdf_from_html(html: str) -> bytes:
    """A PDF of the HTML, fetching nothing: no base URL, and a fetcher that refuses every URL
    (network, files, data), so that nothing in a letter, typed text included, can make the
    server fetch anything. WeasyPrint is imported here, not when Haven starts: it is slow to
    load and only letters need it."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    class NoFetching(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            raise ValueError("letters fetch no resources")

    return bytes(HTML(string=html, base_url=None, url_fetcher=NoFetching()).write_pdf())


@transaction.atomic
def render_letter(
    *,
    by: User,
    client: Client,
    kind: str,
    language: str,
    document: ResidenceDocument | None = None,
) -> bytes:
    """Generate a letter about a client as PDF; audited as a view of the client's identity
    (which letter, in which language). Raises ValidationError with what is missing (no
    document, no open episode, no legal name) and PermissionDenied for a user who may not."""
    html = letter_html(by=by, client=client, kind=kind, language=language, document=document)
    pdf = pdf_from_html(html)
    audit.record(Action.VIEW, actor=by, obj=client, note=f"letter {kind} {language}")
    return pdf
