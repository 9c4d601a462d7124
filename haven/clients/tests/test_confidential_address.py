"""A confidential address: phone, address and emergency contact only for the assigned workers
and the director, even though other case workers may read identities."""

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from haven.accounts.models import User
from haven.accounts.permissions import Role
from haven.audit.models import Action, AuditEntry
from haven.clients import services
from haven.clients.models import CONFIDENTIAL_FIELDS, Client

ADDRESS = "Schuilplaatsstraat 12, 2000 Antwerpen"
PHONE = "+32 470 99 88 77"
CONTACT = "Sister: Elena Fictiva"


@pytest.fixture
def hidden_client(register: Callable[..., Client], users: dict[Role, User]) -> Client:
    """A client whose address is confidential, assigned to the centre's legal worker."""
    return register(
        legal_name="Ana Fictiva",
        address=ADDRESS,
        phone=PHONE,
        emergency_contact=CONTACT,
        confidential_address=True,
        workers=[users[Role.LEGAL]],
    )


def file_of(http: Any, client: Client) -> bytes:
    response = http.get(reverse("clients:detail", kwargs={"pk": client.pk}))
    assert response.status_code == 200
    return bytes(response.content)


def test_the_assigned_worker_sees_the_confidential_address(
    hidden_client: Client, users: dict[Role, User], signed_in: Any
) -> None:
    page = file_of(signed_in(users[Role.LEGAL]), hidden_client)
    assert ADDRESS.encode() in page and PHONE.encode() in page and CONTACT.encode() in page


def test_the_director_sees_the_confidential_address(
    hidden_client: Client, users: dict[Role, User], signed_in: Any
) -> None:
    assert ADDRESS.encode() in file_of(signed_in(users[Role.DIRECTOR]), hidden_client)


@pytest.mark.parametrize("colleague", ["other_legal", "psychosocial"])
def test_another_case_worker_sees_the_name_but_not_the_contacts(
    colleague: str,
    hidden_client: Client,
    users: dict[Role, User],
    other_legal: User,
    signed_in: Any,
) -> None:
    user = other_legal if colleague == "other_legal" else users[Role.PSYCHOSOCIAL]
    page = file_of(signed_in(user), hidden_client)
    assert b"Ana Fictiva" in page
    for secret in (ADDRESS, PHONE, CONTACT):
        assert secret.encode() not in page
    assert b"shown only to the assigned workers and the director" in page
    entry = AuditEntry.objects.filter(action=Action.VIEW, actor=user).get()
    assert entry.note == "identity shown, confidential contacts withheld"


def test_without_the_flag_every_identity_reader_sees_the_address(
    register: Callable[..., Client], other_legal: User
) -> None:
    client = register(legal_name="Ana Fictiva", address=ADDRESS)
    assert services.visible_identity(other_legal, client)["address"] == ADDRESS


def test_visible_identity_leaves_out_exactly_the_confidential_fields(
    hidden_client: Client, users: dict[Role, User], other_legal: User
) -> None:
    assert set(services.visible_identity(users[Role.LEGAL], hidden_client)) >= set(
        CONFIDENTIAL_FIELDS
    )
    shown = services.visible_identity(other_legal, hidden_client)
    assert shown["legal_name"] == "Ana Fictiva"
    assert not set(CONFIDENTIAL_FIELDS) & set(shown)
    assert services.visible_identity(users[Role.NIGHT_STAFF], hidden_client) == {}


def test_a_colleague_editing_the_identity_neither_sees_nor_overwrites_the_contacts(
    hidden_client: Client, other_legal: User, signed_in: Any
) -> None:
    http = signed_in(other_legal)
    url = reverse("clients:identity", kwargs={"pk": hidden_client.pk})
    form = http.get(url)
    assert ADDRESS.encode() not in form.content
    assert not set(CONFIDENTIAL_FIELDS) & set(form.context["form"].fields)
    response = http.post(url, {"legal_name": "Ana Fictiva-Nova", "address": "Elsewhere 1"})
    assert response.status_code == 302
    hidden_client.refresh_from_db()
    assert hidden_client.legal_name == "Ana Fictiva-Nova"
    assert hidden_client.address == ADDRESS
    assert hidden_client.phone == PHONE


def test_the_assigned_worker_edits_the_contacts(
    hidden_client: Client, users: dict[Role, User], signed_in: Any
) -> None:
    url = reverse("clients:identity", kwargs={"pk": hidden_client.pk})
    response = signed_in(users[Role.LEGAL]).post(
        url, {"legal_name": "Ana Fictiva", "address": "Nieuwe straat 3", "phone": PHONE}
    )
    assert response.status_code == 302
    hidden_client.refresh_from_db()
    assert hidden_client.address == "Nieuwe straat 3"


def test_a_colleague_can_neither_lift_the_flag_nor_assign_themselves(
    hidden_client: Client, users: dict[Role, User], other_legal: User, signed_in: Any
) -> None:
    response = signed_in(other_legal).post(
        reverse("clients:edit", kwargs={"pk": hidden_client.pk}),
        {"pseudonym": "Willow", "gender": "F", "workers": [other_legal.pk]},
    )
    assert response.status_code == 302
    hidden_client.refresh_from_db()
    assert hidden_client.confidential_address is True
    assert list(hidden_client.workers.all()) == [users[Role.LEGAL]]


def test_the_service_refuses_a_colleague_who_changes_the_contacts(
    hidden_client: Client, other_legal: User
) -> None:
    for data in ({"address": "Elsewhere 1"}, {"confidential_address": False}):
        with pytest.raises(PermissionDenied):
            services.update_client(by=other_legal, client=hidden_client, data=data)
    with pytest.raises(PermissionDenied):
        services.update_client(
            by=other_legal, client=hidden_client, data={"workers": [other_legal]}
        )
    hidden_client.refresh_from_db()
    assert hidden_client.address == ADDRESS


def test_the_director_assigns_a_worker_who_then_sees_the_address(
    hidden_client: Client, users: dict[Role, User], other_legal: User, signed_in: Any
) -> None:
    services.update_client(
        by=users[Role.DIRECTOR],
        client=hidden_client,
        data={"workers": [users[Role.LEGAL], other_legal]},
    )
    assert ADDRESS.encode() in file_of(signed_in(other_legal), hidden_client)
    change = AuditEntry.objects.filter(action=Action.UPDATE).latest("pk")
    assert change.changes["workers"]["to"] == sorted(["a-legal", "a-legal-2"])
