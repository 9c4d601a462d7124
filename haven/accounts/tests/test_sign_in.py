from typing import Any

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from haven.accounts.models import User
from haven.accounts.permissions import Role
from haven.audit.models import Action, AuditEntry
from haven.factories import UserFactory

PASSWORD = "correct horse battery"


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


@pytest.fixture
def worker(centre_a: Any) -> User:
    return UserFactory(centre=centre_a, role=Role.PSYCHOSOCIAL, username="worker")


def password_step(http: HttpClient, username: str = "worker", password: str = PASSWORD) -> Any:
    return http.post(reverse("accounts:login"), {"username": username, "password": password})


def test_a_password_alone_leads_to_the_code_step_not_to_the_case_files(
    client: Any, worker: User
) -> None:
    response = password_step(client)
    assert response["Location"] == reverse("accounts:verify")
    assert client.get(reverse("clients:list"))["Location"] == reverse("accounts:verify")


def test_a_worker_signs_in_with_password_and_totp_code(client: Any, worker: User) -> None:
    password_step(client)
    device = TOTPDevice.objects.get(user=worker)
    response = client.post(reverse("accounts:verify"), {"code": current_code(device)})
    assert response["Location"] == reverse("core:home")
    assert client.get(reverse("clients:list")).status_code == 200
    assert AuditEntry.objects.filter(actor=worker, action=Action.LOGIN).count() == 2


def test_the_sign_in_returns_to_the_page_first_asked_for(client: Any, worker: User) -> None:
    client.post(
        reverse("accounts:login") + "?next=/clients/", {"username": "worker", "password": PASSWORD}
    )
    device = TOTPDevice.objects.get(user=worker)
    response = client.post(reverse("accounts:verify"), {"code": current_code(device)})
    assert response["Location"] == "/clients/"


def test_a_next_pointing_to_another_host_is_ignored(client: Any, worker: User) -> None:
    client.post(
        reverse("accounts:login") + "?next=https://evil.invalid/",
        {"username": "worker", "password": PASSWORD},
    )
    device = TOTPDevice.objects.get(user=worker)
    response = client.post(reverse("accounts:verify"), {"code": current_code(device)})
    assert response["Location"] == reverse("core:home")


def test_a_wrong_password_gets_a_clear_message_and_keeps_the_user_name(
    client: Any, worker: User
) -> None:
    response = password_step(client, password="wrong password here")
    assert response.status_code == 200
    assert b"do not match" in response.content
    assert b'value="worker"' in response.content
    assert AuditEntry.objects.filter(action=Action.LOGIN_FAILED, actor_name="worker").exists()


def test_a_wrong_code_is_refused_with_a_message(client: Any, worker: User) -> None:
    password_step(client)
    device = TOTPDevice.objects.get(user=worker)
    wrong = f"{(int(current_code(device)) + 1) % 1000000:06d}"
    response = client.post(reverse("accounts:verify"), {"code": wrong})
    assert response.status_code == 200
    assert b"not right" in response.content
    assert client.get(reverse("core:home"))["Location"] == reverse("accounts:verify")


def test_repeated_wrong_codes_end_the_half_open_session(
    client: Any, worker: User, settings: Any
) -> None:
    settings.AXES_FAILURE_LIMIT = 3
    password_step(client)
    for _ in range(3):
        response = client.post(reverse("accounts:verify"), {"code": "000000x"})
    assert response["Location"] == reverse("accounts:login")
    assert client.get(reverse("core:home"))["Location"].startswith(reverse("accounts:login"))


def test_repeated_wrong_passwords_lock_the_account_even_for_the_right_password(
    client: Any, worker: User, settings: Any
) -> None:
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        password_step(client, password="not the password")
    response = password_step(client)
    assert response.status_code == 429
    assert b"Too many failed sign-ins" in response.content


def test_a_new_user_enrols_an_authenticator_from_a_locally_drawn_qr_code(
    client: Any, centre_a: Any
) -> None:
    UserFactory(centre=centre_a, username="newbie", without_2fa=True)
    response = password_step(client, username="newbie")
    assert response["Location"] == reverse("accounts:enrol")
    page = client.get(reverse("accounts:enrol"))
    assert b"<svg" in page.content
    assert b"<img" not in page.content  # no image fetched from anywhere
    device = TOTPDevice.objects.get(user__username="newbie", confirmed=False)
    done = client.post(reverse("accounts:enrol"), {"code": current_code(device)})
    assert done.status_code == 200
    assert len(done.context["codes"]) == 10
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("core:home")).status_code == 200


def test_a_password_alone_cannot_enrol_a_second_authenticator(client: Any, worker: User) -> None:
    password_step(client)
    assert client.get(reverse("accounts:enrol"))["Location"] == reverse("accounts:verify")
    assert TOTPDevice.objects.filter(user=worker).count() == 1


def test_a_recovery_code_signs_in_once(client: Any, worker: User) -> None:
    from haven.accounts.twofactor import new_recovery_codes

    code = new_recovery_codes(worker)[0]
    password_step(client)
    assert client.post(reverse("accounts:verify"), {"code": code})["Location"] == reverse(
        "core:home"
    )
    other = HttpClient()
    password_step(other)
    assert other.post(reverse("accounts:verify"), {"code": code}).status_code == 200


def test_signing_out_takes_a_post_and_ends_the_session(signed_in: Any, worker: User) -> None:
    http = signed_in(worker)
    assert http.get(reverse("accounts:logout")).status_code == 405
    assert http.post(reverse("accounts:logout"))["Location"] == reverse("accounts:login")
    assert http.get(reverse("core:home"))["Location"].startswith(reverse("accounts:login"))
    assert AuditEntry.objects.filter(actor=worker, action=Action.LOGOUT).exists()


def test_an_expired_session_says_so_on_the_sign_in_page(client: Any, worker: User) -> None:
    client.cookies["haven_had_session"] = "1"  # a session existed, the server no longer has it
    response = client.get(reverse("clients:list"), follow=True)
    assert b"Your session ended after 30 minutes without activity" in response.content


def test_sessions_end_after_thirty_minutes_without_activity(settings: Any) -> None:
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST


def test_a_user_changes_their_password(signed_in: Any, worker: User) -> None:
    http = signed_in(worker)
    form = {
        "old_password": PASSWORD,
        "new_password1": "a much longer secret 42",
        "new_password2": "a much longer secret 42",
    }
    assert http.post(reverse("accounts:password_change"), form).status_code == 302
    worker.refresh_from_db()
    assert worker.check_password("a much longer secret 42")


def test_demo_accounts_skip_the_code_only_when_the_demo_setting_says_so(
    client: Any, centre_a: Any, settings: Any
) -> None:
    user = UserFactory(centre=centre_a, username="demo-worker")
    User.objects.filter(pk=user.pk).update(is_demo=True)
    password_step(client, username="demo-worker")
    assert client.get(reverse("core:home"))["Location"] == reverse("accounts:verify")
    settings.DEMO_SKIP_2FA = True
    assert client.get(reverse("core:home")).status_code == 200


def test_the_demo_setting_never_lets_a_real_account_skip_the_code(
    client: Any, worker: User, settings: Any
) -> None:
    settings.DEMO_SKIP_2FA = True
    password_step(client)
    assert client.get(reverse("core:home"))["Location"] == reverse("accounts:verify")


def test_a_fully_signed_in_user_opening_the_enrolment_page_gets_no_new_device(
    signed_in: Any, worker: User
) -> None:
    http = signed_in(worker)
    before = TOTPDevice.objects.filter(user=worker).count()
    response = http.get(reverse("accounts:enrol"))
    assert response["Location"] == reverse("core:home")
    assert TOTPDevice.objects.filter(user=worker).count() == before
