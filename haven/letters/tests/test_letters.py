"""Letters as PDF: what they show (never a confidential address), in the language chosen, the
refusals (no open episode, no document), the audit entry, who may, and isolation."""

import datetime
import io
import socket
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client as HttpClient
from django.urls import reverse
from pypdf import PdfReader

from haven.accounts.models import User
from haven.accounts.permissions import Role
from haven.audit.models import Action, AuditEntry
from haven.centres.models import Centre
from haven.clients.models import Client
from haven.factories import ClientFactory, UserFactory
from haven.guidance.models import Episode
from haven.letters import services
from haven.partners.models import PartnerKind
from haven.partners.testing import make_partner
from haven.residence.models import DocumentType
from haven.residence.testing import make_document

pytestmark = pytest.mark.django_db

ADDRESS_WORD = "Voorbeeldstraat"  # from ClientFactory's address
PHONE_DIGITS = "470 00 11 22"  # from ClientFactory's phone


def text_of(pdf: bytes) -> str:
    """The PDF's text, whitespace normalised (as a reader would copy it)."""
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


@pytest.fixture
def legal(users: dict[Role, User], centre_a: Centre) -> User:
    worker = users[Role.LEGAL]
    worker.first_name, worker.last_name = "Lotte", "Legal"
    worker.save()
    centre = centre_a
    centre.address = "Centrumstraat 1\n1000 Brussel"
    centre.phone = "+32 2 123 45 67"
    centre.save()
    return worker


def guided(client: Client, since: datetime.date = datetime.date(2025, 3, 14)) -> Episode:
    opener = UserFactory(centre=client.centre, role=Role.PSYCHOSOCIAL, username="opener")
    return Episode.objects.create(
        centre=client.centre, client=client, start_date=since, created_by=opener
    )


def a_client(centre: Centre, *, confidential: bool) -> Client:
    client: Any = ClientFactory(centre=centre, confidential_address=confidential)
    make_document(
        centre,
        client=client,
        document=DocumentType.A_CARD,
        issued_on=datetime.date(2026, 1, 10),
        valid_until=datetime.date(2026, 7, 10),
        immigration_reference="OE-7654321",
    )
    guided(client)
    return client


def post_letter(http: HttpClient, client: Client, **data: Any) -> Any:
    data.setdefault("kind", "renewal_request")
    data.setdefault("language", "nl")
    return http.post(reverse("letters:create", kwargs={"pk": client.pk}), data)


@pytest.mark.parametrize("kind", ["renewal_request", "guidance_attestation"])
@pytest.mark.parametrize("language", ["nl", "fr"])
def test_a_letter_for_a_client_with_a_confidential_address_shows_no_address_nor_phone(
    legal: User, centre_a: Centre, kind: str, language: str
) -> None:
    client = a_client(legal.centre, confidential=True)
    text = text_of(services.render_letter(by=legal, client=client, kind=kind, language=language))
    assert "Ioana Testescu" in text
    assert ADDRESS_WORD not in text
    assert PHONE_DIGITS not in text
    assert "Maria Testescu" not in text  # the emergency contact
    # The centre's address is the contact address instead.
    assert f"p/a {centre_a.name}" in text and "Centrumstraat 1" in text


def test_even_the_assigned_worker_and_the_director_get_no_confidential_address(
    users: dict[Role, User], legal: User
) -> None:
    client = a_client(legal.centre, confidential=True)
    client.workers.add(legal)
    for user in (legal, users[Role.DIRECTOR]):
        pdf = services.render_letter(by=user, client=client, kind="renewal_request", language="fr")
        assert ADDRESS_WORD not in text_of(pdf)


@pytest.mark.parametrize("kind", ["renewal_request", "guidance_attestation"])
def test_a_letter_for_a_client_whose_address_is_not_confidential_shows_it(
    legal: User, kind: str
) -> None:
    client = a_client(legal.centre, confidential=False)
    text = text_of(services.render_letter(by=legal, client=client, kind=kind, language="nl"))
    assert "Voorbeeldstraat 7, 1000 Brussel" in text
    assert "p/a" not in text
    assert PHONE_DIGITS not in text


def test_the_renewal_request_names_the_person_the_document_and_the_signer_in_dutch(
    legal: User, centre_a: Centre
) -> None:
    client = a_client(legal.centre, confidential=False)
    make_partner(
        legal.centre,
        kind=PartnerKind.IMMIGRATION_OFFICE,
        name="Dienst Vreemdelingenzaken",
        organisation="Bureau Mensenhandel",
        address="Testlaan 44\n1000 Brussel",
    )
    text = text_of(
        services.render_letter(by=legal, client=client, kind="renewal_request", language="nl")
    )
    for expected in (
        "Geachte mevrouw, geachte heer",
        "Bureau Mensenhandel",
        "Testlaan 44",
        centre_a.name,
        "Centrumstraat 1",
        "+32 2 123 45 67",
        "Ioana Testescu",
        "12 april 1995",  # the birth date on documents, with a Dutch month
        "OE-7654321",
        "10 januari 2026",
        "10 juli 2026",
        client.file_code,
        "Lotte Legal",
        "verlengen",
        "Met vriendelijke groeten",
    ):
        assert expected in text, expected


def test_the_letter_is_in_the_language_chosen_whatever_the_screen_language(
    legal: User, signed_in: Any
) -> None:
    client = a_client(legal.centre, confidential=False)
    http = signed_in(legal)
    http.post(reverse("core:set_language"), {"language": "nl"})
    french = post_letter(http, client, language="fr")
    assert french.status_code == 200 and french["Content-Type"] == "application/pdf"
    text = text_of(french.content)
    assert "Madame, Monsieur" in text and "12 avril 1995" in text and "juillet" in text
    assert "Geachte" not in text and "juli" not in text

    dutch = text_of(post_letter(http, client, kind="guidance_attestation", language="nl").content)
    assert "Attest van begeleiding" in dutch and "14 maart 2025" in dutch
    assert "atteste" not in dutch
    french = text_of(post_letter(http, client, kind="guidance_attestation", language="fr").content)
    assert "atteste" in french and "14 mars 2025" in french
    assert "verklaart" not in french


def test_the_pdf_is_a_download_named_by_file_code_kind_and_language_and_audited(
    legal: User, signed_in: Any
) -> None:
    client = a_client(legal.centre, confidential=False)
    http = signed_in(legal)
    form = http.get(reverse("letters:create", kwargs={"pk": client.pk}))
    assert form.status_code == 200
    assert not AuditEntry.objects.filter(action=Action.VIEW, note__startswith="letter").exists()

    response = post_letter(http, client, kind="renewal_request", language="nl")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert response["Content-Disposition"] == (
        f'attachment; filename="{client.file_code}-renewal_request-nl.pdf"'
    )
    assert "Testescu" not in response["Content-Disposition"]
    entry = AuditEntry.objects.get(action=Action.VIEW, note="letter renewal_request nl")
    assert (entry.actor, entry.object_type, entry.object_id) == (
        legal,
        "clients.client",
        str(client.pk),
    )
    assert entry.object_label == client.file_code


def test_an_attestation_without_an_open_episode_is_refused_with_a_clear_message(
    legal: User, signed_in: Any
) -> None:
    client = a_client(legal.centre, confidential=False)
    Episode.objects.filter(client=client).update(end_date=datetime.date(2026, 2, 1))
    http = signed_in(legal)
    assert (
        "no open guidance episode"
        in http.get(reverse("letters:create", kwargs={"pk": client.pk})).content.decode()
    )
    response = post_letter(http, client, kind="guidance_attestation", language="fr")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "an attestation of guidance cannot be made" in page
    assert "Please correct the fields marked below" in page
    assert not AuditEntry.objects.filter(note__startswith="letter").exists()
    with pytest.raises(ValidationError):
        services.render_letter(by=legal, client=client, kind="guidance_attestation", language="nl")


def test_the_attestation_gives_the_start_of_the_current_episode(legal: User) -> None:
    client: Any = ClientFactory(centre=legal.centre)
    Episode.objects.create(
        centre=legal.centre,
        client=client,
        start_date=datetime.date(2023, 5, 2),
        end_date=datetime.date(2023, 9, 30),
        end_reason="other",
        created_by=legal,
    )
    guided(client, since=datetime.date(2025, 11, 3))
    text = text_of(
        services.render_letter(by=legal, client=client, kind="guidance_attestation", language="nl")
    )
    assert "3 november 2025" in text
    assert "2 mei 2023" not in text


def test_a_renewal_request_defaults_to_the_current_document_and_may_name_another(
    legal: User, signed_in: Any
) -> None:
    client = a_client(legal.centre, confidential=False)
    older = make_document(
        legal.centre,
        client=client,
        document=DocumentType.AI,
        issued_on=datetime.date(2025, 9, 30),
        valid_until=datetime.date(2025, 12, 31),
    )
    http = signed_in(legal)
    form = http.get(reverse("letters:create", kwargs={"pk": client.pk}))
    current = services.current_document(client)
    assert current is not None and current.document == DocumentType.A_CARD
    assert form.context["form"]["document"].value() == current.pk
    assert "OE-7654321" not in form.content.decode()  # the reference stays out of the page

    text = text_of(post_letter(http, client, document=str(older.pk)).content)
    assert "31 december 2025" in text and "10 juli 2026" not in text
    default = text_of(post_letter(http, client, document="").content)
    assert "10 juli 2026" in default


def test_a_document_of_another_client_cannot_be_named(legal: User, signed_in: Any) -> None:
    client = a_client(legal.centre, confidential=False)
    other = make_document(legal.centre, immigration_reference="OE-OTHER-1")
    response = post_letter(signed_in(legal), client, document=str(other.pk))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    with pytest.raises(ValidationError):
        services.render_letter(
            by=legal, client=client, kind="renewal_request", language="nl", document=other
        )


def test_a_renewal_request_needs_a_recorded_document(legal: User, signed_in: Any) -> None:
    client: Any = ClientFactory(centre=legal.centre)
    response = post_letter(signed_in(legal), client)
    assert response.status_code == 200
    assert "No residence document is recorded for this client" in response.content.decode()


def test_a_letter_needs_the_legal_name(legal: User, signed_in: Any) -> None:
    client: Any = ClientFactory(centre=legal.centre, legal_name="")
    guided(client)
    response = post_letter(signed_in(legal), client, kind="guidance_attestation")
    assert "legal name is not recorded" in response.content.decode()


def test_roles_without_letters_are_refused_and_the_service_checks_identity_access(
    users: dict[Role, User], signed_in: Any
) -> None:
    client = a_client(users[Role.LEGAL].centre, confidential=False)
    for role in (Role.NIGHT_STAFF, Role.ADMIN_FINANCE, Role.VOLUNTEER):
        http = signed_in(users[role])
        assert post_letter(http, client).status_code == 403
    with pytest.raises(PermissionDenied):
        services.render_letter(
            by=users[Role.NIGHT_STAFF], client=client, kind="renewal_request", language="nl"
        )
    assert not AuditEntry.objects.filter(note__startswith="letter").exists()


def test_another_centres_client_is_not_found(
    users: dict[Role, User], centre_b: Centre, signed_in: Any
) -> None:
    theirs = a_client(centre_b, confidential=False)
    http = signed_in(users[Role.LEGAL])
    assert http.get(reverse("letters:create", kwargs={"pk": theirs.pk})).status_code == 404
    assert post_letter(http, theirs).status_code == 404
    assert not AuditEntry.objects.filter(note__startswith="letter").exists()
    with pytest.raises(PermissionDenied):
        services.render_letter(
            by=users[Role.LEGAL], client=theirs, kind="renewal_request", language="nl"
        )


def test_rendering_a_letter_fetches_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    attempts: list[Any] = []

    def refuse(*args: Any, **kwargs: Any) -> None:
        attempts.append(args)
        raise OSError("no network in tests")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    opened: list[str] = []
    real_open = open

    def watch_open(path: Any, *args: Any, **kwargs: Any) -> Any:
        opened.append(str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr("builtins.open", watch_open)
    html = (
        '<html><head><link rel="stylesheet" href="http://example.org/x.css"></head><body>'
        '<img src="https://example.org/tracker.png"><img src="file:///etc/hostname">'
        '<p style="background: url(http://example.org/bg.png)">text</p></body></html>'
    )
    pdf = services.pdf_from_html(html)
    assert pdf.startswith(b"%PDF")
    assert attempts == []
    assert "/etc/hostname" not in opened
