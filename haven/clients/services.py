"""Registering and changing clients; each change audited in its own transaction."""

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from haven.accounts.models import User
from haven.audit import services as audit
from haven.audit.models import Action
from haven.centres.models import Centre
from haven.clients.models import IDENTITY_FIELDS, Client


def next_file_code(centre: Centre, year: int) -> str:
    """The next pseudonymous code of a centre for a year: ``BXL-2026-0042``."""
    prefix = f"{centre.code}-{year}-"
    last = (
        Client.objects.filter(centre=centre, file_code__startswith=prefix)
        .order_by("-file_code")
        .values_list("file_code", flat=True)
        .first()
    )
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{number:04d}"


def create_client(*, by: User, centre: Centre, data: dict[str, Any]) -> Client:
    for attempt in range(5):
        try:
            with transaction.atomic():
                client = Client(centre=centre, created_by=by, **data)
                client.file_code = next_file_code(centre, timezone.localdate().year)
                client.save()
                audit.record(Action.CREATE, actor=by, obj=client, changes=audit.created(client))
                return client
        except IntegrityError:
            if attempt == 4:  # two workers took the same number five times in a row
                raise
    raise AssertionError("unreachable")


@transaction.atomic
def update_client(*, by: User, client: Client, data: dict[str, Any]) -> Client:
    before = audit.snapshot(Client.objects.get(pk=client.pk))
    for name, value in data.items():
        setattr(client, name, value)
    client.save()
    changes = audit.diff(before, client)
    changes.pop("updated_at", None)
    if changes:
        audit.record(Action.UPDATE, actor=by, obj=client, changes=changes)
    return client


@transaction.atomic
def open_file(*, by: User, client: Client, with_identity: bool) -> None:
    """Record that a user looked at a client's file (and whether identity was shown)."""
    audit.record(
        Action.VIEW,
        actor=by,
        obj=client,
        note="identity shown" if with_identity else "pseudonymous view",
    )


def identity_of(client: Client) -> dict[str, Any]:
    return {name: getattr(client, name) for name in IDENTITY_FIELDS}


def search(centre: Centre | None, query: str) -> Any:
    """Clients of a centre by file code or pseudonym (never by identity fields)."""
    from django.db.models import Q

    clients = Client.objects.for_centre(centre)
    if query:
        clients = clients.filter(Q(file_code__icontains=query) | Q(pseudonym__icontains=query))
    return clients
