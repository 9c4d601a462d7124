"""Operations on staff accounts, each audited in the same transaction."""

from typing import Any

from django.db import transaction

from haven.accounts import twofactor
from haven.accounts.models import User
from haven.audit import services as audit
from haven.audit.models import Action


@transaction.atomic
def create_user(*, by: User, data: dict[str, Any], password: str) -> User:
    user = User(**data)
    user.set_password(password)
    user.save()
    audit.record(Action.CREATE, actor=by, obj=user, changes=_public(audit.created(user)))
    return user


@transaction.atomic
def update_user(*, by: User, user: User, data: dict[str, Any]) -> User:
    before = audit.snapshot(User.objects.get(pk=user.pk))
    for name, value in data.items():
        setattr(user, name, value)
    user.save()
    changes = _public(audit.diff(before, user))
    if changes:
        audit.record(Action.UPDATE, actor=by, obj=user, changes=changes)
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


def _public(changes: dict[str, Any]) -> dict[str, Any]:
    """Never put a password hash into the audit log."""
    changes.pop("password", None)
    changes.pop("last_login", None)
    return changes
