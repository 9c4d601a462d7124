from typing import Any

from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from haven.accounts.models import User
from haven.accounts.permissions import Role
from haven.audit.models import Action, AuditEntry


def test_a_system_administrator_creates_an_account_in_their_centre(
    signed_in: Any, users: dict[Role, User], centre_a: Any
) -> None:
    http = signed_in(users[Role.SYSADMIN])
    response = http.post(
        reverse("accounts:user_create"),
        {
            "username": "new-legal",
            "centre": centre_a.pk,
            "role": Role.LEGAL,
            "is_active": "on",
            "password": "a long enough temp pass",
        },
    )
    assert response.status_code == 302
    created = User.objects.get(username="new-legal")
    assert created.centre == centre_a and created.role == Role.LEGAL
    entry = AuditEntry.objects.get(action=Action.CREATE, object_id=str(created.pk))
    assert "password" not in entry.changes


def test_a_short_temporary_password_is_refused_and_the_form_keeps_what_was_typed(
    signed_in: Any, users: dict[Role, User], centre_a: Any
) -> None:
    http = signed_in(users[Role.SYSADMIN])
    response = http.post(
        reverse("accounts:user_create"),
        {
            "username": "typed-name",
            "centre": centre_a.pk,
            "role": Role.LEGAL,
            "password": "short",
        },
    )
    assert response.status_code == 200
    assert b'value="typed-name"' in response.content
    assert not User.objects.filter(username="typed-name").exists()


def test_a_centre_administrator_cannot_place_an_account_in_another_centre_or_above_it(
    signed_in: Any, users: dict[Role, User], centre_b: Any
) -> None:
    http = signed_in(users[Role.SYSADMIN])
    for data in (
        {"centre": centre_b.pk, "role": Role.LEGAL},
        {"centre": users[Role.SYSADMIN].centre_id, "role": Role.INSTALLATION_ADMIN},
    ):
        response = http.post(
            reverse("accounts:user_create"),
            {"username": "sneaky", "password": "a long enough temp pass", **data},
        )
        assert response.status_code == 200
    assert not User.objects.filter(username="sneaky").exists()


def test_administrators_cannot_change_their_own_role(
    signed_in: Any, users: dict[Role, User]
) -> None:
    admin = users[Role.SYSADMIN]
    http = signed_in(admin)
    http.post(
        reverse("accounts:user_edit", kwargs={"pk": admin.pk}),
        {
            "username": admin.username,
            "role": Role.DIRECTOR,
            "centre": admin.centre_id,
            "is_active": "on",
        },
    )
    admin.refresh_from_db()
    assert admin.role == Role.SYSADMIN


def test_an_administrator_resets_a_lost_second_factor(
    signed_in: Any, users: dict[Role, User]
) -> None:
    worker = users[Role.PSYCHOSOCIAL]
    http = signed_in(users[Role.SYSADMIN])
    response = http.post(reverse("accounts:user_reset_2fa", kwargs={"pk": worker.pk}))
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=worker).exists()
    assert AuditEntry.objects.filter(
        action=Action.SECOND_FACTOR_RESET, object_id=str(worker.pk)
    ).exists()


def test_the_user_list_shows_who_has_no_second_factor_yet(
    signed_in: Any, users: dict[Role, User]
) -> None:
    TOTPDevice.objects.filter(user=users[Role.VOLUNTEER]).delete()
    response = signed_in(users[Role.SYSADMIN]).get(reverse("accounts:user_list"))
    assert response.context["with_device"] == {
        u.pk for r, u in users.items() if r != Role.VOLUNTEER
    }
