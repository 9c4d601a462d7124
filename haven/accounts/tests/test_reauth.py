from datetime import timedelta
from typing import Any

import time_machine
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from haven.accounts import reauth
from haven.accounts.models import User
from haven.accounts.permissions import Role
from haven.audit.models import Action, AuditEntry
from haven.factories import UserFactory

PASSWORD = "correct horse battery"


def later(minutes: int = 6) -> Any:
    return time_machine.travel(timezone.now() + timedelta(minutes=minutes), tick=False)


def test_a_fresh_sign_in_counts_as_a_recently_typed_password(
    signed_in: Any, users: dict[Role, User]
) -> None:
    http = signed_in(users[Role.SYSADMIN])
    assert http.get(reverse("accounts:user_create")).status_code == 200


def test_after_five_minutes_changing_accounts_asks_for_the_password_again(
    signed_in: Any, users: dict[Role, User]
) -> None:
    http = signed_in(users[Role.SYSADMIN])
    target = reverse("accounts:user_edit", kwargs={"pk": users[Role.LEGAL].pk})
    with later():
        response = http.get(target)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:reauth") + "?next=")
    assert response["Location"].endswith(target.replace("/", "%2F"))


def test_the_right_password_stamps_the_session_and_returns_to_the_action(
    signed_in: Any, centre_a: Any
) -> None:
    admin = UserFactory(centre=centre_a, role=Role.SYSADMIN, username="admin", password=PASSWORD)
    http = signed_in(admin)
    target = reverse("accounts:user_create")
    with later():
        response = http.post(reverse("accounts:reauth"), {"password": PASSWORD, "next": target})
        assert response.status_code == 302 and response["Location"] == target
        assert http.get(target).status_code == 200
    assert AuditEntry.objects.filter(
        action=Action.LOGIN, actor=admin, note="password confirmed"
    ).exists()


def test_a_wrong_password_is_refused_on_the_form_and_counted_as_a_failed_sign_in(
    signed_in: Any, centre_a: Any
) -> None:
    admin = UserFactory(centre=centre_a, role=Role.SYSADMIN, username="admin", password=PASSWORD)
    http = signed_in(admin)
    with later():
        response = http.post(reverse("accounts:reauth"), {"password": "not it at all"})
        assert response.status_code == 200
        assert b"This is not your password" in response.content
        assert http.get(reverse("accounts:user_create")).status_code == 302
    assert AuditEntry.objects.filter(action=Action.LOGIN_FAILED, actor_name="admin").exists()
    from axes.models import AccessAttempt

    assert AccessAttempt.objects.filter(username="admin").exists()


def test_too_many_wrong_passwords_sign_the_browser_out(
    signed_in: Any, centre_a: Any, settings: Any
) -> None:
    settings.AXES_FAILURE_LIMIT = 3
    admin = UserFactory(centre=centre_a, role=Role.SYSADMIN, username="admin", password=PASSWORD)
    http = signed_in(admin)
    for _attempt in range(3):
        http.post(reverse("accounts:reauth"), {"password": "guessing again"})
    response = http.get(reverse("core:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_confirmation_never_sends_the_user_to_another_host(
    signed_in: Any, centre_a: Any
) -> None:
    admin = UserFactory(centre=centre_a, role=Role.SYSADMIN, username="admin", password=PASSWORD)
    http = signed_in(admin)
    response = http.post(
        reverse("accounts:reauth"), {"password": PASSWORD, "next": "https://evil.invalid/x"}
    )
    assert response["Location"] == reverse("core:home")
    page = http.get(reverse("accounts:reauth") + "?next=//evil.invalid/").content.decode()
    assert '<input type="hidden" name="next" value="/">' in page


def test_resetting_a_second_factor_needs_a_recent_password_and_comes_back_to_the_account(
    signed_in: Any, users: dict[Role, User]
) -> None:
    http = signed_in(users[Role.SYSADMIN])
    legal = users[Role.LEGAL]
    edit = reverse("accounts:user_edit", kwargs={"pk": legal.pk})
    with later():
        response = http.post(
            reverse("accounts:user_reset_2fa", kwargs={"pk": legal.pk}),
            HTTP_REFERER=f"http://testserver{edit}",
        )
    assert response["Location"].startswith(reverse("accounts:reauth"))
    assert f"next={edit.replace('/', '%2F')}" in response["Location"]
    assert TOTPDevice.objects.filter(user=legal).exists()


def test_a_role_change_within_five_minutes_of_confirming_goes_through(
    signed_in: Any, users: dict[Role, User], centre_a: Any
) -> None:
    http = signed_in(users[Role.SYSADMIN])
    legal = users[Role.LEGAL]
    with later(minutes=4):
        response = http.post(
            reverse("accounts:user_edit", kwargs={"pk": legal.pk}),
            {
                "username": legal.username,
                "centre": centre_a.pk,
                "role": Role.PSYCHOSOCIAL,
                "is_active": "on",
            },
        )
    assert response.status_code == 302
    legal.refresh_from_db()
    assert legal.role == Role.PSYCHOSOCIAL


def test_the_decorator_marks_the_views_it_guards() -> None:
    from haven.accounts import views

    for view in (views.user_create, views.user_edit, views.user_reset_2fa):
        assert getattr(view, "haven_requires_recent_auth", False)
    assert reauth.max_age_seconds() == 300
