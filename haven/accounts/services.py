"""Operations on staff accounts, each audited in the same transaction."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from haven.accounts import twofactor
from haven.accounts.models import User
from haven.audit import services as audit
from haven.audit.models import Action

# A password hash never goes into the audit log; sign-ins are logged as such.
NEVER_LOGGED = ("password", "last_login")


@transaction.atomic
def create_user(*, by: User, data: dict[str, Any], password: str) -> User:
    user = User(**data)
    user.set_password(password)
    user.save()
    changes = {k: v for k, v in audit.created(user).items() if k not in NEVER_LOGGED}
    audit.record(Action.CREATE, actor=by, obj=user, changes=changes)
    return user


@transaction.atomic
def update_user(*, by: User, user: User, data: dict[str, Any]) -> User:
    was_active = user.is_active
    audit.save_changes(user, data, by=by, hidden=NEVER_LOGGED)
    if was_active and not user.is_active:
        # A deactivated account is signed out everywhere at once, not at its next request.
        from haven.accounts import sessions

        sessions.end_all(by=by, user=user, note="account deactivated")
    return user


@transaction.atomic
def reset_second_factor(*, by: User, user: User) -> None:
    twofactor.reset(user)
    audit.record(Action.SECOND_FACTOR_RESET, actor=by, obj=user)


@transaction.atomic
def set_language(user: User, language: str) -> None:
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])


def offered_with(offered: QuerySet[User], *kept: int | None) -> QuerySet[User]:
    """The people a form offers, plus those a record already names (``kept`` primary keys):
    editing never silently drops someone who no longer fits; the service says so instead."""
    kept_pks = [pk for pk in kept if pk is not None]
    return User.objects.filter(Q(pk__in=offered.values("pk")) | Q(pk__in=kept_pks)).order_by(
        "first_name", "last_name", "username"
    )


INACTIVE_AFTER = timedelta(days=90)


@dataclass
class AccountReview:
    """What an administrator should look at: accounts open without a second factor or unused."""

    without_2fa: list[User]
    inactive: list[User]
    active_count: int
    inactive_since: datetime


def review(admin: User) -> AccountReview:
    """Active accounts the administrator manages that lack an authenticator, and those not
    signed in for 90 days (or never): each a door that is open without anyone using it."""
    accounts = User.objects.manageable_by(admin).filter(is_active=True).select_related("centre")
    enrolled = twofactor.TOTPDevice.objects.filter(confirmed=True).values("user_id")
    since = timezone.now() - INACTIVE_AFTER
    return AccountReview(
        without_2fa=list(accounts.exclude(pk__in=enrolled)),
        inactive=list(
            accounts.filter(Q(last_login__lt=since) | Q(last_login__isnull=True)).order_by(
                F("last_login").asc(nulls_first=True), "username"
            )
        ),
        active_count=accounts.count(),
        inactive_since=since,
    )
