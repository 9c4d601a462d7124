"""The client form: birth data, nationality, minors, vulnerabilities, assigned workers."""

import datetime
from collections.abc import Callable
from typing import Any

from django.urls import reverse
from django.utils import timezone, translation

from haven.accounts.models import User
from haven.accounts.permissions import Role
from haven.clients.forms import ClientForm
from haven.clients.models import Client
from haven.factories import CentreFactory, UserFactory
from haven.reference.models import Nationality

MINOR_MESSAGE = b"An unaccompanied person needs at least an estimated birth year"


def post_new(http: Any, **fields: Any) -> Any:
    data = {"pseudonym": "Reed", "gender": "F", "confirm_new": "1", **fields}
    return http.post(reverse("clients:create"), data)


def test_a_worker_opens_a_complete_file(signed_in: Any, users: dict[Role, User]) -> None:
    response = post_new(
        signed_in(users[Role.PSYCHOSOCIAL]),
        birth_date="2001-05-17",
        nationality="ER",
        languages="Tigrinya, English",
        unaccompanied="on",
        vulnerabilities=["migration", "poverty"],
        confidential_address="on",
        workers=[users[Role.LEGAL].pk, users[Role.PSYCHOSOCIAL].pk],
        **{"id-legal_name": "Selam Fictiva", "id-guardian": "Guardian: Jan Voogd"},
    )
    client = Client.objects.get(pseudonym="Reed")
    assert response["Location"] == reverse("clients:detail", kwargs={"pk": client.pk})
    assert (client.birth_date, client.birth_year) == (datetime.date(2001, 5, 17), 2001)
    assert client.nationality_id == "ER" and client.languages == "Tigrinya, English"
    assert client.unaccompanied and client.confidential_address
    assert client.vulnerabilities == ["migration", "poverty"]
    assert set(client.workers.all()) == {users[Role.LEGAL], users[Role.PSYCHOSOCIAL]}
    assert client.guardian == "Guardian: Jan Voogd"


def test_an_unaccompanied_person_without_a_birth_year_is_refused_with_what_was_typed(
    signed_in: Any, users: dict[Role, User]
) -> None:
    response = post_new(
        signed_in(users[Role.LEGAL]),
        unaccompanied="on",
        languages="Dari",
        **{"id-legal_name": "Lina Mockeri", "id-guardian": "Mr Voogd"},
    )
    assert response.status_code == 200
    assert MINOR_MESSAGE in response.content
    for typed in (b'value="Reed"', b'value="Dari"', b'value="Lina Mockeri"', b"Mr Voogd"):
        assert typed in response.content
    assert b'id="id_unaccompanied" checked' in response.content
    assert not Client.objects.filter(pseudonym="Reed").exists()


def test_an_estimated_birth_year_is_enough_for_an_unaccompanied_minor(
    signed_in: Any, users: dict[Role, User]
) -> None:
    year = timezone.localdate().year - 15
    post_new(signed_in(users[Role.LEGAL]), unaccompanied="on", birth_year=str(year))
    client = Client.objects.get(pseudonym="Reed")
    assert client.is_unaccompanied_minor
    page = signed_in(users[Role.LEGAL]).get(reverse("clients:detail", kwargs={"pk": client.pk}))
    assert b"Unaccompanied minor" in page.content


def test_an_adult_who_arrived_alone_carries_no_minor_badge(
    register: Callable[..., Client], signed_in: Any, users: dict[Role, User]
) -> None:
    client = register(unaccompanied=True, birth_year=1990)
    page = signed_in(users[Role.LEGAL]).get(reverse("clients:detail", kwargs={"pk": client.pk}))
    assert b"Unaccompanied minor" not in page.content


def test_impossible_birth_data_are_refused(signed_in: Any, users: dict[Role, User]) -> None:
    http = signed_in(users[Role.LEGAL])
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    cases = {
        "birth_year": (str(timezone.localdate().year + 1), b"cannot be in the future"),
        "birth_date": (tomorrow.isoformat(), b"cannot be in the future"),
    }
    for field, (value, message) in cases.items():
        response = post_new(http, **{field: value})
        assert response.status_code == 200 and message in response.content
    response = post_new(http, birth_year="1899")
    assert b"Give a birth year from 1900 on." in response.content
    response = post_new(http, **{"id-documented_birth_date": tomorrow.isoformat()})
    assert b"cannot be in the future" in response.content
    assert not Client.objects.filter(pseudonym="Reed").exists()


def test_a_birth_date_sets_the_birth_year(signed_in: Any, users: dict[Role, User]) -> None:
    post_new(signed_in(users[Role.LEGAL]), birth_date="1994-02-03", birth_year="1990")
    assert Client.objects.get(pseudonym="Reed").birth_year == 1994


def test_an_unknown_vulnerability_code_is_refused(signed_in: Any, users: dict[Role, User]) -> None:
    response = post_new(signed_in(users[Role.LEGAL]), vulnerabilities=["poverty", "bogus"])
    assert response.status_code == 200
    assert b"bogus is not one of the available choices" in response.content


def test_nationalities_are_offered_in_alphabetical_order_of_the_users_language(
    centre_a: Any,
) -> None:
    Nationality.objects.filter(code="IS").update(is_active=False)
    with translation.override("fr"):
        choices = [
            str(label)
            for _value, label in ClientForm(centre=centre_a).fields["nationality"].choices
        ]
    assert choices.index("Égypte") < choices.index("Érythrée") < choices.index("Espagne")
    assert choices.index("Allemagne") < choices.index("Belgique")
    assert "Islande" not in choices


def test_a_file_keeps_its_nationality_when_that_entry_is_no_longer_offered(
    register: Callable[..., Client], centre_a: Any
) -> None:
    client = register(nationality_id="YUCS")
    Nationality.objects.filter(code="YUCS").update(is_active=False)
    field = ClientForm(instance=client, centre=centre_a).fields["nationality"]
    assert "YUCS" in [str(value) for value, _label in field.choices]


def test_only_case_workers_of_the_centre_can_be_assigned(
    centre_a: Any, users: dict[Role, User]
) -> None:
    UserFactory(centre=CentreFactory(code="BBB"), role=Role.LEGAL, username="b-legal")
    offered = set(ClientForm(centre=centre_a).fields["workers"].queryset)
    assert offered == {users[Role.DIRECTOR], users[Role.PSYCHOSOCIAL], users[Role.LEGAL]}
