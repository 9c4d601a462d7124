"""Registering and changing clients; each change audited in its own transaction.

Who sees what of a client's identity is decided here too (``visible_identity``): views only
render what these functions return.
"""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.accounts.models import User
from haven.accounts.permissions import Permission, Role
from haven.audit import services as audit
from haven.audit.models import Action
from haven.centres.models import Centre
from haven.clients import glass, matching
from haven.clients.models import CONFIDENTIAL_FIELDS, IDENTITY_FIELDS, Client
from haven.core import numbering

# The fields that only the assigned workers and the director may see or change while the
# address is confidential: the contacts, the flag itself and who is assigned.
GUARDED_FIELDS = (*CONFIDENTIAL_FIELDS, "confidential_address", "workers")
NAME_FIELDS = ("legal_name", "aliases")


def next_file_code(centre: Centre, year: int) -> str:
    """The next pseudonymous code of a centre for a year: ``BXL-2026-0042``."""
    prefix = f"{centre.code}-{year}-"
    return numbering.next_code(Client.objects.filter(centre=centre), "file_code", prefix)


def _with_birth_year(data: dict[str, Any]) -> dict[str, Any]:
    """A birth date sets the birth year: the two never disagree."""
    if data.get("birth_date"):
        data["birth_year"] = data["birth_date"].year
    return data


def _usernames(users: Any) -> list[str]:
    return sorted(user.get_username() for user in users)


def create_client(*, by: User, centre: Centre, data: dict[str, Any]) -> Client:
    """Open a file with the next file code of the year; its names indexed for duplicate search.

    ``data`` may hold ``workers`` (users of the centre) besides the model's fields.
    """
    data = _with_birth_year(dict(data))
    workers = list(data.pop("workers", None) or [])
    for attempt in range(5):
        try:
            with transaction.atomic():
                client = Client(centre=centre, created_by=by, **data)
                client.file_code = next_file_code(centre, timezone.localdate().year)
                client.save()
                changes = audit.created(client)
                if workers:
                    client.workers.set(workers)
                    changes["workers"] = {"from": [], "to": _usernames(workers)}
                matching.index_client(client)
                audit.record(Action.CREATE, actor=by, obj=client, changes=changes)
                return client
        except IntegrityError:
            if attempt == 4:  # two workers took the same number five times in a row
                raise
    raise AssertionError("unreachable")


@transaction.atomic
def update_client(*, by: User, client: Client, data: dict[str, Any]) -> Client:
    """Change a file. While the address is confidential, only the assigned workers and the
    director may change the contacts, the flag or the assigned workers (PermissionDenied)."""
    stored = Client.objects.get(pk=client.pk)  # ``client`` may already hold a form's values
    before = audit.snapshot(stored)
    data = _with_birth_year(dict(data))
    workers = data.pop("workers", None)
    old_workers = list(stored.workers.all())
    workers_change = workers is not None and {u.pk for u in workers} != {u.pk for u in old_workers}
    if stored.confidential_address and not may_see_confidential(by, stored):
        guarded = [
            name for name in GUARDED_FIELDS if name in data and data[name] != getattr(stored, name)
        ]
        if guarded or workers_change:
            raise PermissionDenied("confidential contacts are kept by the assigned workers")
    for name, value in data.items():
        setattr(client, name, value)
    client.save()
    changes = audit.diff(before, client)
    changes.pop("updated_at", None)
    if workers is not None and workers_change:
        client.workers.set(workers)
        changes["workers"] = {"from": _usernames(old_workers), "to": _usernames(workers)}
    if any(getattr(stored, name) != getattr(client, name) for name in NAME_FIELDS):
        matching.index_client(client)
    if changes:
        audit.record(Action.UPDATE, actor=by, obj=client, changes=changes)
    return client


@transaction.atomic
def open_file(*, by: User, client: Client, with_identity: bool, note: str = "") -> None:
    """Record that a user looked at a client's file (and whether identity was shown)."""
    audit.record(
        Action.VIEW,
        actor=by,
        obj=client,
        note=note or ("identity shown" if with_identity else "pseudonymous view"),
    )


def identity_of(client: Client) -> dict[str, Any]:
    return {name: getattr(client, name) for name in IDENTITY_FIELDS}


def may_see_confidential(user: User, client: Client) -> bool:
    """Whether a user may see a confidential address and contacts: the director of the
    client's centre and the workers assigned to the client."""
    if not user.can(Permission.CLIENT_IDENTITY_READ) or user.centre_id != client.centre_id:
        return False
    if user.can(Permission.CLIENT_CONFIDENTIAL_READ):
        return True
    return client.workers.filter(pk=user.pk).exists()


def hidden_identity_fields(user: User, client: Client) -> tuple[str, ...]:
    """The identity fields a user may not see (nor change) on this client's file."""
    if not user.can(Permission.CLIENT_IDENTITY_READ):
        return IDENTITY_FIELDS
    if client.confidential_address and not may_see_confidential(user, client):
        return CONFIDENTIAL_FIELDS
    return ()


def visible_identity(user: User, client: Client) -> dict[str, Any]:
    """The identity values a user may see on a client's file, by field name, in display order.

    Empty without ``clients:identity:read``; without the confidential contacts when the
    address is confidential and the user is neither an assigned worker nor the director.
    """
    hidden = hidden_identity_fields(user, client)
    return {name: getattr(client, name) for name in IDENTITY_FIELDS if name not in hidden}


def case_workers(centre: Centre | None, client: Client | None = None) -> QuerySet[User]:
    """The staff a client may be assigned to: the centre's active case workers (and whoever is
    assigned already, so that editing a file never drops them silently)."""
    if centre is None:
        return User.objects.none()
    roles = [Role.PSYCHOSOCIAL, Role.LEGAL, Role.DIRECTOR]
    wanted = Q(centre=centre, role__in=roles, is_active=True)
    if client is not None and client.pk:
        wanted |= Q(assigned_clients=client)
    return User.objects.filter(wanted).distinct().order_by("first_name", "last_name", "username")


def search(centre: Centre | None, query: str) -> QuerySet[Client]:
    """Clients of a centre by file code or pseudonym (never by identity fields)."""
    clients = Client.objects.for_centre(centre).select_related("nationality")
    if query and numbering.is_code(query):
        clients = clients.filter(file_code=query.strip().upper())
    elif query:
        clients = clients.filter(Q(file_code__icontains=query) | Q(pseudonym__icontains=query))
    return clients


def find_duplicates(
    *, by: User, data: dict[str, Any], exclude_pk: int | None = None
) -> list[matching.Candidate]:
    """Files of the user's centre that likely belong to the person described by ``data``
    (legal name, aliases, birth date or year, nationality). Names count only for a user who
    may enter them: matching is an identity lookup."""
    if not (by.can(Permission.CLIENT_CREATE) and by.can(Permission.CLIENT_IDENTITY_UPDATE)):
        return []
    nationality = data.get("nationality")
    probe = matching.Probe(
        names=matching.split_names(data.get("legal_name") or "", data.get("aliases") or ""),
        birth_date=data.get("birth_date"),
        birth_year=data.get("birth_year"),
        nationality_id=getattr(nationality, "pk", nationality) or None,
    )
    return matching.find_duplicates(by.centre, probe, exclude_pk=exclude_pk)


def emergency_card(user: User, client: Client) -> dict[str, Any]:
    """What the emergency card shows: pseudonym, file code, room, languages, emergency contact
    and medical alerts, and nothing more. The emergency contact is shown to every card reader,
    night staff included, unless the address is confidential and the reader is neither an
    assigned worker nor the director (``contact_withheld``)."""
    withheld = client.confidential_address and not (
        user.centre_id == client.centre_id
        and (
            user.can(Permission.CLIENT_CONFIDENTIAL_READ)
            or client.workers.filter(pk=user.pk).exists()
        )
    )
    return {
        "pseudonym": client.pseudonym,
        "file_code": client.file_code,
        "room": _room_tonight(client),
        "languages": client.languages,
        "emergency_contact": "" if withheld else client.emergency_contact,
        "contact_withheld": withheld,
        "medical_alerts": client.medical_alerts,
    }


def _room_tonight(client: Client) -> str | None:
    from haven.shelter.services import current_assignment

    assignment = current_assignment(client)
    return assignment.room.code if assignment is not None else None


def sealed_tracks(user: User, client: Client) -> bool:
    """Whether the client's journals or plan, which the user's role reads, are closed to the
    user until they break the glass (outside the assigned team, not the director, no grant)."""
    reads_any = any(
        user.can(permission)
        for permission in (
            Permission.JOURNAL_PSYCHOSOCIAL_READ,
            Permission.JOURNAL_LEGAL_READ,
            Permission.PLAN_READ,
        )
    )
    return reads_any and not glass.may_read_tracks_of(user, client)


def find_client(centre: Centre | None, query: str) -> list[Client]:
    """The centre's clients whose file code is ``query`` or whose pseudonym contains it (at
    most a few: the caller asks for a unique one)."""
    query = query.strip()
    clients = Client.objects.for_centre(centre)
    exact = list(clients.filter(file_code__iexact=query)[:2])
    if exact or not query:
        return exact
    exact = list(clients.filter(pseudonym__iexact=query)[:6])
    if exact:
        return exact
    return list(clients.filter(Q(file_code__icontains=query) | Q(pseudonym__icontains=query))[:6])


def client_for(centre: Centre | None, text: str) -> Client | None:
    """The one client a form's "file code or pseudonym" field names; a clear error otherwise."""
    query = text.strip()
    if not query:
        return None
    found = find_client(centre, query)
    if len(found) == 1:
        return found[0]
    if not found:
        raise ValidationError(_("No client of your centre has this file code or name."))
    raise ValidationError(
        _("Several clients match; type one file code: %(codes)s")
        % {"codes": ", ".join(f"{c.file_code} ({c.pseudonym})" for c in found)}
    )
