"""Operations on staff accounts, each audited in the same transaction."""

from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet

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
    audit.save_changes(user, data, by=by, hidden=NEVER_LOGGED)
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
