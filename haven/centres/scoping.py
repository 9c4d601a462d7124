"""The view side of centre isolation: fetch a record through the user's centre, or 404.

A record of another centre answers exactly like a record that does not exist, and the attempt
is written to the audit log of the centre that holds it.
"""

from typing import Any, TypeVar

from django.db import models, transaction
from django.http import Http404

from haven.audit import services as audit
from haven.audit.models import Action

M = TypeVar("M", bound=models.Model)


def scoped_or_404(model: type[M], user: Any, **lookup: Any) -> M:
    manager = model._default_manager
    try:
        return manager.for_centre(user.centre).get(**lookup)  # type: ignore[attr-defined]
    except (model.DoesNotExist, ValueError) as exc:  # type: ignore[attr-defined]
        other = manager.filter(**lookup).first() if not isinstance(exc, ValueError) else None
        if other is not None:
            with transaction.atomic():
                audit.record(
                    Action.DENIED,
                    actor=user,
                    obj=other,
                    note=f"request from centre {getattr(user.centre, 'code', '-')}",
                )
        raise Http404 from None
