"""Everything Haven holds on one person, found generically: every model that points at
clients.Client, and the records that hang under those (an intake's screening, a goal's
revisions, a loan's repayments). A new app's model is covered the day it is added.

Free text is told apart from statistics by the field's kind: a CharField or TextField without
choices is free text, unless it is a code or reference (``KEPT_TEXT``); choices, numbers,
dates, booleans, foreign keys and JSON code lists are statistics and stay.
"""

import datetime
import decimal
import functools
import uuid
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import Q

from haven.clients.models import Client

# Our own bookkeeping (an erasure record) is not data about the person.
SKIPPED_APPS = frozenset({"privacy"})
# Codes and references: they identify a record, not a person.
KEPT_TEXT = frozenset({"file_code", "code", "ref", "key"})
# Deep enough for record -> child -> grandchild (a loan's repayments, a renewal's reminders).
DEPTH = 3


@dataclass(frozen=True)
class Kind:
    """One model holding records about a person, and the lookups that lead to them.

    ``shared``: reached through a many-to-many (a group activity): the record is about
    several people, it is shown and exported but never erased for one of them.
    """

    model: type[models.Model]
    paths: tuple[str, ...]
    shared: bool = False

    @property
    def label(self) -> str:
        return self.model._meta.label_lower

    @property
    def name(self) -> str:
        return str(self.model._meta.verbose_name_plural)

    def rows(self, client: Client) -> models.QuerySet[Any]:
        wanted = Q()
        for path in self.paths:
            wanted |= Q(**{path: client})
        manager = self.model._default_manager
        if len(self.paths) == 1 and "__" not in self.paths[0]:
            return manager.filter(wanted)
        # Several ways to the person, or through a join: each record once.
        return manager.filter(pk__in=manager.filter(wanted).values("pk"))


def _relations_to(target: type[models.Model], model: type[models.Model]) -> list[Any]:
    return [
        f
        for f in model._meta.get_fields()
        if getattr(f, "concrete", False)
        and (f.many_to_one or f.one_to_one or f.many_to_many)
        and f.related_model is target
    ]


@functools.cache
def kinds() -> tuple[Kind, ...]:
    """Every model with records about a client, direct ones first, then their children."""
    candidates = [
        m
        for m in apps.get_models()
        if m is not Client and m._meta.app_label not in SKIPPED_APPS and not m._meta.proxy
    ]
    found: dict[type[models.Model], Kind] = {}
    for model in candidates:
        direct = _relations_to(Client, model)
        if direct:
            found[model] = Kind(
                model,
                tuple(f.name for f in direct),
                shared=all(f.many_to_many for f in direct),
            )
    parents = {m: k for m, k in found.items() if not k.shared}
    for _level in range(DEPTH - 1):
        children: dict[type[models.Model], Kind] = {}
        for model in candidates:
            if model in found:
                continue
            paths = [
                f"{f.name}__{path}"
                for parent, kind in parents.items()
                for f in _relations_to(parent, model)
                if not f.many_to_many
                for path in kind.paths
            ]
            if paths:
                children[model] = Kind(model, tuple(paths))
        found.update(children)
        parents = children
    return tuple(found.values())


def records_of(client: Client) -> list[tuple[Kind, list[models.Model]]]:
    """The person's records by kind (kinds without records left out), in ``kinds()`` order."""
    result = []
    for kind in kinds():
        rows = list(kind.rows(client).order_by("pk"))
        if rows:
            result.append((kind, rows))
    return result


def counts(client: Client) -> list[tuple[Kind, int]]:
    """How many records of each kind the person has (one COUNT per kind)."""
    result = []
    for kind in kinds():
        number = kind.rows(client).count()
        if number:
            result.append((kind, number))
    return result


def is_encrypted(field: models.Field) -> bool:
    return bool(getattr(field, "encrypted", False))


def free_text_fields(model: type[models.Model]) -> list[models.Field]:
    """The free-text fields of a model: CharField or TextField, no choices, not a code,
    not encrypted (encrypted fields are identity: emptied, not tombstoned)."""
    return [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField)
        and not f.choices
        and not is_encrypted(f)
        and f.name not in KEPT_TEXT
    ]


def identity_fields(model: type[models.Model]) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if is_encrypted(f)]


def plain(value: Any) -> Any:
    """A value as JSON holds it."""
    if isinstance(value, datetime.date | datetime.datetime | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    return value


def serialise(obj: models.Model) -> dict[str, Any]:
    """Every concrete field of a record (identity decrypted, foreign keys as ids)."""
    return {f.attname: plain(getattr(obj, f.attname)) for f in obj._meta.concrete_fields}
