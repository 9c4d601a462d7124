"""The desk's residence panel: my clients' documents expiring soon or expired, flagged."""

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from haven.accounts.models import User
from haven.accounts.permissions import Role
from haven.clients.models import Client
from haven.factories import ClientFactory
from haven.residence.models import Renewal, ResidenceDocument
from haven.residence.testing import make_document

pytestmark = pytest.mark.django_db


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def client_of(worker: User | None, pseudonym: str, centre: Any = None) -> Client:
    centre = centre or (worker.centre if worker is not None else None)
    client: Any = ClientFactory(centre=centre, pseudonym=pseudonym)
    if worker is not None:
        client.workers.add(worker)
    return client


def card(client: Client, valid_until: datetime.date) -> ResidenceDocument:
    return make_document(
        client.centre,
        client=client,
        valid_until=valid_until,
        issued_on=valid_until - datetime.timedelta(days=182),
    )


def panel(http: Any) -> str:
    response = http.get(reverse("core:home"))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="desk-residence"' in page
    return page.split('data-testid="desk-residence"')[1].split("</section>")[0]


def test_the_desk_lists_my_clients_documents_expiring_soon_or_expired_without_renewal(
    users: dict[Role, User], signed_in: Any
) -> None:
    worker = users[Role.LEGAL]
    card(client_of(worker, "Selam"), days(20))
    card(client_of(worker, "Ioana"), days(-2))
    asked = card(client_of(worker, "Marisol"), days(-1))
    Renewal.objects.create(centre=worker.centre, document=asked, requested_on=days(-30))
    card(client_of(worker, "Later"), days(31))
    card(client_of(users[Role.PSYCHOSOCIAL], "Colleagues"), days(5))
    card(client_of(None, "Nobodys", centre=worker.centre), days(5))

    shown = panel(signed_in(worker))
    items = shown.split('data-testid="desk-document"')[1:]
    assert len(items) == 2
    assert "Ioana" in items[0] and "text-bg-danger" in items[0]
    assert "Selam" in items[1] and "text-bg-warning" in items[1]
    assert "20 days left" in items[1] and "No renewal requested" in items[1]
    for absent in ("Marisol", "Later", "Colleagues", "Nobodys"):
        assert absent not in shown
    ioana = Client.objects.get(pseudonym="Ioana")
    assert reverse("residence:client", kwargs={"pk": ioana.pk}) in items[0]
    assert reverse("residence:deadlines") + "?mine=1" in shown


def test_the_desk_looks_as_far_ahead_as_the_centres_first_reminder(
    users: dict[Role, User], signed_in: Any
) -> None:
    worker = users[Role.LEGAL]
    centre: Any = worker.centre
    centre.reminder_days = [45, 10]
    centre.save()
    card(client_of(worker, "Selam"), days(45))
    card(client_of(worker, "Ioana"), days(46))
    shown = panel(signed_in(worker))
    assert "Selam" in shown and "Ioana" not in shown


def test_a_requested_renewal_is_shown_on_a_document_still_valid(
    users: dict[Role, User], signed_in: Any
) -> None:
    worker = users[Role.LEGAL]
    document = card(client_of(worker, "Selam"), days(10))
    Renewal.objects.create(centre=worker.centre, document=document, requested_on=days(-3))
    shown = panel(signed_in(worker))
    assert "Selam" in shown and "Renewal requested on" in shown


def test_my_clients_carry_the_residence_flag_on_the_desk(
    users: dict[Role, User], signed_in: Any
) -> None:
    worker = users[Role.PSYCHOSOCIAL]
    expired = client_of(worker, "Ioana")
    Client.objects.filter(pk=expired.pk).update(residence_valid_until=days(-3))
    client_of(worker, "Selam")
    response = signed_in(worker).get(reverse("core:home"))
    mine = response.content.decode().split('data-testid="desk-clients"')[1].split("</section>")[0]
    (ioana,) = [line for line in mine.splitlines() if "Ioana" in line]
    (selam,) = [line for line in mine.splitlines() if "Selam" in line]
    assert "Document expired" in ioana
    assert "Document expired" not in selam


def test_roles_that_do_not_read_residence_documents_have_no_panel(
    users: dict[Role, User], signed_in: Any
) -> None:
    response = signed_in(users[Role.NIGHT_STAFF]).get(reverse("core:home"))
    assert 'data-testid="desk-residence"' not in response.content.decode()


def test_the_panel_runs_the_same_number_of_queries_for_few_or_many_documents(
    users: dict[Role, User], signed_in: Any
) -> None:
    worker = users[Role.LEGAL]

    def add(n: int) -> None:
        for i in range(n):
            soon = card(client_of(worker, f"Soon{n}-{i}"), days(i + 1))
            Renewal.objects.create(centre=worker.centre, document=soon, requested_on=days(-1))
            card(client_of(worker, f"Late{n}-{i}"), days(-i - 1))

    add(1)
    http = signed_in(worker)
    panel(http)
    with CaptureQueriesContext(connection) as few:
        panel(http)
    add(8)
    with CaptureQueriesContext(connection) as many:
        shown = panel(http)
    assert shown.count('data-testid="desk-document"') == 18
    assert len(many) == len(few)
