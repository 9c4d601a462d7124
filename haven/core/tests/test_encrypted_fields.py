from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection

from haven.clients.models import Client
from haven.core import crypto
from haven.factories import ClientFactory

OLD_KEY = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="


def raw_row(client: Client) -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT legal_name, address, documented_birth_date, pseudonym "
            "FROM clients_client WHERE id = %s",
            [client.pk],
        )
        legal_name, address, birth, pseudonym = cursor.fetchone()
    return {"legal_name": legal_name, "address": address, "birth": birth, "pseudonym": pseudonym}


def test_the_database_column_of_an_identity_field_holds_only_ciphertext(centre_a: Any) -> None:
    client = ClientFactory(
        centre=centre_a, legal_name="Ioana Testescu", address="Voorbeeldstraat 7, 1000 Brussel"
    )
    row = raw_row(client)
    for column in ("legal_name", "address", "birth"):
        assert row[column].startswith("hv1:")
    assert "Testescu" not in row["legal_name"]
    assert "Voorbeeldstraat" not in row["address"]
    assert "1995" not in row["birth"]
    reloaded = Client.objects.get(pk=client.pk)
    assert reloaded.legal_name == "Ioana Testescu"
    assert reloaded.documented_birth_date.year == 1995


def test_the_same_name_encrypts_differently_each_time(centre_a: Any) -> None:
    a = ClientFactory(centre=centre_a, legal_name="Same Name")
    b = ClientFactory(centre=centre_a, legal_name="Same Name")
    assert raw_row(a)["legal_name"] != raw_row(b)["legal_name"]


def test_rotating_keys_re_encrypts_with_the_new_key_and_keeps_values_readable(
    centre_a: Any, settings: Any
) -> None:
    client = ClientFactory(centre=centre_a, legal_name="Ana Fictiva")
    before = raw_row(client)["legal_name"]
    new_key = crypto.generate_key()
    settings.FIELD_KEYS = [new_key, OLD_KEY]
    call_command("rotate_keys", stdout=open("/dev/null", "w"))  # noqa: SIM115
    after = raw_row(client)["legal_name"]
    assert after != before
    assert crypto.Keyring([new_key]).is_current(after)
    settings.FIELD_KEYS = [new_key]  # the old key is gone: the value must still read
    assert Client.objects.get(pk=client.pk).legal_name == "Ana Fictiva"


def test_a_value_without_its_key_does_not_decrypt(centre_a: Any, settings: Any) -> None:
    client = ClientFactory(centre=centre_a)
    settings.FIELD_KEYS = [crypto.generate_key()]
    with pytest.raises(crypto.DecryptionError):
        Client.objects.get(pk=client.pk)


def test_a_ciphertext_moved_into_another_column_does_not_decrypt() -> None:
    ring = crypto.Keyring([OLD_KEY])
    token = ring.encrypt("secret address", "clients.client.address")
    assert ring.decrypt(token, "clients.client.address") == "secret address"
    with pytest.raises(crypto.DecryptionError):
        ring.decrypt(token, "clients.client.legal_name")


@pytest.mark.parametrize("bad", ["", "not-base64!!", "c2hvcnQ="])
def test_a_malformed_key_is_refused_with_a_message(bad: str) -> None:
    with pytest.raises(crypto.KeyError_):
        crypto.Keyring([bad] if bad else [])
