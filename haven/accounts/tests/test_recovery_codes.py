from typing import Any

from django.test import Client as HttpClient
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken

from haven.accounts import twofactor
from haven.accounts.models import User
from haven.accounts.permissions import Role

PASSWORD = "correct horse battery"


def test_recovery_codes_are_stored_only_as_keyed_hashes(users: dict[Role, User]) -> None:
    worker = users[Role.PSYCHOSOCIAL]
    codes = twofactor.new_recovery_codes(worker)
    stored = set(StaticToken.objects.filter(device__user=worker).values_list("token", flat=True))
    assert len(stored) == len(codes) == twofactor.RECOVERY_CODE_COUNT
    for code in codes:
        plain = twofactor.normalise(code)
        assert plain not in stored and code not in stored
        assert twofactor.recovery_digest(plain) in stored


def test_a_hashed_recovery_code_signs_in_once(users: dict[Role, User]) -> None:
    worker = users[Role.PSYCHOSOCIAL]
    worker.set_password(PASSWORD)
    worker.save()
    code = twofactor.new_recovery_codes(worker)[0].upper()  # typed in capitals: still right
    for expected in ("core:home", None):
        http = HttpClient()
        http.post(reverse("accounts:login"), {"username": worker.username, "password": PASSWORD})
        response = http.post(reverse("accounts:verify"), {"code": code})
        if expected:
            assert response["Location"] == reverse(expected)
        else:
            assert response.status_code == 200  # used once already
    assert twofactor.remaining_recovery_codes(worker) == twofactor.RECOVERY_CODE_COUNT - 1


def test_codes_made_before_a_secret_key_rotation_still_work(
    users: dict[Role, User], settings: Any
) -> None:
    worker = users[Role.PSYCHOSOCIAL]
    code = twofactor.normalise(twofactor.new_recovery_codes(worker)[0])
    old = settings.SECRET_KEY
    settings.SECRET_KEY = "a new secret key that is long enough for django to accept it"
    settings.SECRET_KEY_FALLBACKS = [old]
    device = worker.staticdevice_set.get()
    assert twofactor.verify_recovery_code(device, code)
    assert not twofactor.verify_recovery_code(device, code)


def test_the_migration_hashes_codes_that_were_kept_in_plain_text(
    users: dict[Role, User],
) -> None:
    import importlib

    from django.apps import apps

    migration = importlib.import_module("haven.accounts.migrations.0004_hash_recovery_codes")
    worker = users[Role.PSYCHOSOCIAL]
    twofactor.new_recovery_codes(worker)
    device = worker.staticdevice_set.get()
    device.token_set.all().delete()
    StaticToken.objects.create(device=device, token="0123456789")
    migration.hash_plain_codes(apps, None)
    assert twofactor.verify_recovery_code(device, "0123456789")
