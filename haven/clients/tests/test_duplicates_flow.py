"""Before a new file is opened, the worker sees the centre's likely duplicates and picks one or
confirms that the person is new; with or without JavaScript."""

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from haven.accounts.models import User
from haven.accounts.permissions import Role
from haven.clients.models import Client

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def fatima(register: Callable[..., Client]) -> Client:
    return register(
        pseudonym="Saffron",
        legal_name="Fatima El Amrani",
        birth_year=1990,
        nationality_id="MA",
        address="Geheime straat 1",
    )


def new_person(**extra: str) -> dict[str, str]:
    return {
        "pseudonym": "Juniper",
        "gender": "F",
        "birth_year": "1990",
        "nationality": "MA",
        "id-legal_name": "Fatma Elamrani",
        **extra,
    }


def test_a_likely_duplicate_is_shown_before_the_file_is_opened(
    fatima: Client, signed_in: Any, users: dict[Role, User]
) -> None:
    response = signed_in(users[Role.PSYCHOSOCIAL]).post(reverse("clients:create"), new_person())
    assert response.status_code == 200
    page = response.content
    assert fatima.file_code.encode() in page and b"Saffron" in page
    assert reverse("clients:detail", kwargs={"pk": fatima.pk}).encode() in page
    assert b"Use this file" in page and b'name="confirm_new" value="1"' in page
    assert b"100%" in page  # same birth year and nationality: as likely as it gets
    assert b'value="Juniper"' in page and b'value="Fatma Elamrani"' in page  # nothing lost
    assert b"Fatima El Amrani" not in page and b"Geheime straat" not in page
    assert Client.objects.count() == 1


def test_the_worker_confirms_that_the_person_is_new(
    fatima: Client, signed_in: Any, users: dict[Role, User]
) -> None:
    response = signed_in(users[Role.PSYCHOSOCIAL]).post(
        reverse("clients:create"), new_person(confirm_new="1")
    )
    created = Client.objects.get(pseudonym="Juniper")
    assert response["Location"] == reverse("clients:detail", kwargs={"pk": created.pk})
    assert created.legal_name == "Fatma Elamrani"


def test_a_person_without_a_similar_file_is_registered_at_once(
    fatima: Client, signed_in: Any, users: dict[Role, User]
) -> None:
    response = signed_in(users[Role.PSYCHOSOCIAL]).post(
        reverse("clients:create"), new_person(**{"id-legal_name": "Blessing Okafor"})
    )
    assert response.status_code == 302
    assert Client.objects.filter(pseudonym="Juniper").exists()


def test_while_typing_the_form_asks_for_similar_files_without_names_in_the_url(
    fatima: Client, signed_in: Any, users: dict[Role, User]
) -> None:
    http = signed_in(users[Role.LEGAL])
    form = http.get(reverse("clients:create")).content
    assert f'hx-post="{reverse("clients:duplicates")}"'.encode() in form
    fragment = http.post(reverse("clients:duplicates"), new_person(), **HTMX)
    assert fragment.status_code == 200
    assert b"<html" not in fragment.content
    assert fatima.file_code.encode() in fragment.content
    assert b"Fatima El Amrani" not in fragment.content


def test_a_half_filled_form_is_searched_with_what_is_valid(
    fatima: Client, signed_in: Any, users: dict[Role, User]
) -> None:
    fragment = signed_in(users[Role.LEGAL]).post(
        reverse("clients:duplicates"), {"id-legal_name": "Fatima Elamrani", "birth_year": "x"}
    )
    assert fatima.file_code.encode() in fragment.content


def test_without_a_search_the_duplicates_view_answers_with_no_candidates(
    fatima: Client, signed_in: Any, users: dict[Role, User]
) -> None:
    http = signed_in(users[Role.LEGAL])
    for headers in ({}, HTMX):
        response = http.get(reverse("clients:duplicates"), {"q": "Fatima"}, **headers)
        assert response.status_code == 200
        assert fatima.file_code.encode() not in response.content
    assert http.put(reverse("clients:duplicates")).status_code == 405


def test_files_of_another_centre_are_never_offered(
    register: Callable[..., Client], centre_b: Any, signed_in: Any, users: dict[Role, User]
) -> None:
    elsewhere = register(legal_name="Fatima El Amrani", birth_year=1990, centre=centre_b)
    fragment = signed_in(users[Role.DIRECTOR]).post(reverse("clients:duplicates"), new_person())
    assert elsewhere.file_code.encode() not in fragment.content
    assert b"No similar file in this centre." in fragment.content


def test_night_staff_register_a_pseudonym_without_a_name_search(
    fatima: Client, signed_in: Any, users: dict[Role, User]
) -> None:
    http = signed_in(users[Role.NIGHT_STAFF])
    assert b"hx-post" not in http.get(reverse("clients:create")).content
    fragment = http.post(reverse("clients:duplicates"), new_person())
    assert fatima.file_code.encode() not in fragment.content
    response = http.post(reverse("clients:create"), new_person())
    assert response.status_code == 302
    assert Client.objects.get(pseudonym="Juniper").legal_name == ""


def test_roles_that_may_not_open_files_cannot_search_duplicates(
    fatima: Client, signed_in: Any, users: dict[Role, User]
) -> None:
    for role in (Role.ADMIN_FINANCE, Role.VOLUNTEER, Role.DPO):
        response = signed_in(users[role]).post(reverse("clients:duplicates"), new_person())
        assert response.status_code == 403
