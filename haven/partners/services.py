"""The partner directory's operations: add, change, deactivate and reactivate a partner (all
audited), the directory's search, and the partners other apps offer in their pickers."""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from haven.accounts.models import User
from haven.audit import services as audit
from haven.audit.models import Action
from haven.centres.models import Centre
from haven.partners.models import Partner, PartnerKind

FIELDS = (
    "kind",
    "name",
    "organisation",
    "contact_person",
    "phone",
    "email",
    "address",
    "languages",
    "notes",
)
SHOW = ("active", "inactive", "all")


def validate(data: dict[str, Any]) -> None:
    """Raise a ValidationError (per field) when the partner breaks a rule."""
    errors: dict[str, str] = {}
    if data.get("kind") not in PartnerKind.values:
        errors["kind"] = _("Choose the kind of partner.")
    if not (data.get("name") or "").strip():
        errors["name"] = _("Give the lawyer's or the service's name.")
    if errors:
        raise ValidationError(errors)


def _values(data: dict[str, Any]) -> dict[str, Any]:
    return {name: (data.get(name) or "").strip() for name in FIELDS}


@transaction.atomic
def create_partner(*, by: User, centre: Centre, data: dict[str, Any]) -> Partner:
    """Add a lawyer or a service to the centre's directory; audited."""
    validate(data)
    partner = Partner.objects.create(centre=centre, **_values(data))
    audit.record(Action.CREATE, actor=by, obj=partner, changes=audit.created(partner))
    return partner


@transaction.atomic
def update_partner(*, by: User, partner: Partner, data: dict[str, Any]) -> Partner:
    """Change a partner's details; audited (nothing is written when nothing changed)."""
    validate(data)
    audit.save_changes(partner, _values(data), by=by)
    return partner


@transaction.atomic
def set_active(*, by: User, partner: Partner, active: bool) -> Partner:
    """Deactivate a partner (no longer offered in forms; the records naming it keep it) or
    reactivate it; audited. Partners are never deleted."""
    if partner.is_active != active:
        audit.save_changes(partner, {"is_active": active}, by=by)
    return partner


def search(
    centre: Centre | None, *, query: str = "", kind: str = "", show: str = "active"
) -> QuerySet[Partner]:
    """The centre's partners by name or organisation, of one kind, active or not."""
    partners = Partner.objects.for_centre(centre)
    if show == "active":
        partners = partners.filter(is_active=True)
    elif show == "inactive":
        partners = partners.filter(is_active=False)
    if kind:
        partners = partners.filter(kind=kind)
    for word in query.split():
        partners = partners.filter(Q(name__icontains=word) | Q(organisation__icontains=word))
    return partners


def active_partners(centre: Centre | None, kinds: Iterable[str] = ()) -> QuerySet[Partner]:
    """The centre's active partners of these kinds (of every kind when none is given)."""
    partners = Partner.objects.for_centre(centre).filter(is_active=True)
    kinds = list(kinds)
    return partners.filter(kind__in=kinds) if kinds else partners


def choices_for(
    centre: Centre | None, kinds: Iterable[str] = (), current: Partner | int | None = None
) -> QuerySet[Partner]:
    """What a form offers to pick a partner of these kinds: the centre's active ones, plus the
    one the record names already (``current``, a partner or its pk), even if it was deactivated
    since, so that editing a record never silently drops it. Never another centre's partner."""
    offered = Q(pk__in=active_partners(centre, kinds).values("pk"))
    current_pk = current.pk if isinstance(current, Partner) else current
    if current_pk is not None:
        offered |= Q(pk=current_pk)
    return Partner.objects.for_centre(centre).filter(offered)


def usage(partner: Partner) -> list[tuple[str, int]]:
    """How many records of each kind name this partner (counts only, never which ones):
    residence documents, criminal dossiers, ... as (label, count), the unused left out.

    Found through the foreign keys that point to Partner, so that a new one counts too
    without this app knowing the apps that use the directory.
    """
    fields_by_model: dict[type[models.Model], list[str]] = {}
    for relation in Partner._meta.get_fields(include_hidden=True):
        if isinstance(relation, models.ManyToOneRel) and relation.field.model is not Partner:
            model = relation.related_model
            if isinstance(model, type):
                fields_by_model.setdefault(model, []).append(relation.field.name)
    counts = []
    for model, names in fields_by_model.items():
        condition = Q()
        for name in names:
            condition |= Q(**{name: partner})
        count = model._default_manager.filter(condition).count()
        if count:
            counts.append((str(capfirst(model._meta.verbose_name_plural)), count))
    return sorted(counts)
