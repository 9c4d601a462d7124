from typing import Any

from django.urls import reverse

from haven.accounts.models import User
from haven.accounts.permissions import Role
from haven.clients.models import Client
from haven.clients.services import next_file_code
from haven.factories import ClientFactory


def test_file_codes_count_up_per_centre_and_year(centre_a: Any, centre_b: Any) -> None:
    ClientFactory(centre=centre_a, file_code="AAA-2026-0041")
    assert next_file_code(centre_a, 2026) == "AAA-2026-0042"
    assert next_file_code(centre_a, 2027) == "AAA-2027-0001"
    assert next_file_code(centre_b, 2026) == "BBB-2026-0001"


def test_a_worker_registers_a_client_with_identity(signed_in: Any, users: dict[Role, User]) -> None:
    response = signed_in(users[Role.PSYCHOSOCIAL]).post(
        reverse("clients:create"),
        {
            "pseudonym": "Juniper",
            "gender": "F",
            "birth_year": "1999",
            "nationality": "NG",
            "id-legal_name": "Joy Samplova",
        },
    )
    client = Client.objects.get(pseudonym="Juniper")
    assert response["Location"] == reverse("clients:detail", kwargs={"pk": client.pk})
    assert client.legal_name == "Joy Samplova"
    assert client.file_code.startswith("AAA-")


def test_night_staff_register_a_pseudonym_and_never_see_an_identity(
    signed_in: Any, users: dict[Role, User], client_a: Client
) -> None:
    http = signed_in(users[Role.NIGHT_STAFF])
    form = http.get(reverse("clients:create"))
    assert form.context["identity"] is None
    page = http.get(reverse("clients:detail", kwargs={"pk": client_a.pk}))
    assert page.status_code == 200
    for secret in (client_a.legal_name, client_a.address, client_a.phone):
        assert secret.encode() not in page.content
    assert client_a.pseudonym.encode() in page.content


def test_the_client_list_shows_no_identity_even_to_the_director(
    signed_in: Any, users: dict[Role, User], client_a: Client
) -> None:
    page = signed_in(users[Role.DIRECTOR]).get(reverse("clients:list"), {"q": client_a.pseudonym})
    assert client_a.file_code.encode() in page.content
    assert client_a.legal_name.encode() not in page.content


def test_a_form_error_keeps_everything_that_was_typed(
    signed_in: Any, users: dict[Role, User]
) -> None:
    response = signed_in(users[Role.LEGAL]).post(
        reverse("clients:create"),
        {
            "pseudonym": "Reed",
            "gender": "F",
            "birth_year": "not a year",
            "id-legal_name": "Lina Mockeri",
        },
    )
    assert response.status_code == 200
    assert b'value="Reed"' in response.content and b'value="Lina Mockeri"' in response.content
    assert not Client.objects.filter(pseudonym="Reed").exists()


def test_file_codes_pass_9999_without_reusing_a_code(centre_a: Any) -> None:
    ClientFactory(centre=centre_a, file_code="AAA-2026-9999")
    ClientFactory(centre=centre_a, file_code="AAA-2026-10000")
    assert next_file_code(centre_a, 2026) == "AAA-2026-10001"


def test_a_whole_file_code_finds_exactly_that_file(centre_a: Any) -> None:
    from haven.clients.services import search

    wanted = ClientFactory(centre=centre_a, file_code="AAA-2026-0042")
    ClientFactory(centre=centre_a, file_code="AAA-2026-00420")
    assert list(search(centre_a, " aaa-2026-0042 ")) == [wanted]
    assert search(centre_a, "2026-004").count() == 2  # a part of a code still searches
