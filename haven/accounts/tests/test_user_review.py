from datetime import timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from haven.accounts.models import User
from haven.accounts.permissions import Role
from haven.factories import UserFactory


def test_the_centre_administrator_sees_accounts_without_a_second_factor_or_long_unused(
    signed_in: Any, users: dict[Role, User], outsider: User, centre_a: Any
) -> None:
    no_device = UserFactory(centre=centre_a, role=Role.VOLUNTEER, username="no-device")
    TOTPDevice.objects.filter(user=no_device).delete()
    users[Role.LEGAL].last_login = timezone.now() - timedelta(days=91)
    users[Role.LEGAL].save()
    users[Role.PSYCHOSOCIAL].last_login = timezone.now() - timedelta(days=10)
    users[Role.PSYCHOSOCIAL].save()
    TOTPDevice.objects.filter(user=outsider).delete()
    http = signed_in(users[Role.SYSADMIN])
    response = http.get(reverse("accounts:user_review"))
    assert response.status_code == 200
    review = response.context["review"]
    assert review.without_2fa == [no_device]
    assert users[Role.LEGAL] in review.inactive
    assert no_device in review.inactive  # never signed in
    assert users[Role.PSYCHOSOCIAL] not in review.inactive
    assert outsider not in review.inactive
    page = response.content.decode()
    assert reverse("accounts:user_edit", kwargs={"pk": no_device.pk}) in page
    assert "1 account without a second factor" in page


def test_deactivated_accounts_are_not_listed_for_review(
    signed_in: Any, users: dict[Role, User], centre_a: Any
) -> None:
    gone = UserFactory(centre=centre_a, role=Role.VOLUNTEER, is_active=False)
    TOTPDevice.objects.filter(user=gone).delete()
    review = signed_in(users[Role.SYSADMIN]).get(reverse("accounts:user_review")).context["review"]
    assert gone not in review.without_2fa and gone not in review.inactive


def test_the_installation_administrator_reviews_every_centre(
    signed_in: Any, installation_admin: User, outsider: User, users: dict[Role, User]
) -> None:
    TOTPDevice.objects.filter(user=outsider).delete()
    http = signed_in(installation_admin)
    review = http.get(reverse("accounts:user_review")).context["review"]
    assert outsider in review.without_2fa


def test_a_worker_without_account_management_may_not_see_the_review(
    signed_in: Any, users: dict[Role, User]
) -> None:
    http = signed_in(users[Role.PSYCHOSOCIAL])
    assert http.get(reverse("accounts:user_review")).status_code == 403
