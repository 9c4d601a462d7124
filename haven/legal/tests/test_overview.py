"""The client overview's dossier panel and timeline: for those who may read the client's
tracks and dossiers, in a fixed number of queries."""

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from haven.accounts.models import User
from haven.accounts.permissions import Role
from haven.centres.models import Centre
from haven.clients.models import Client
from haven.factories import ClientFactory
from haven.legal.models import EventKind, Verdict
from haven.legal.testing import make_dossier, make_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def amina(centre_a: Centre, users: dict[Role, User]) -> Client:
    client: Any = ClientFactory(centre=centre_a, file_code="AAA-2026-0101", pseudonym="Amina")
    client.workers.set([users[Role.LEGAL]])
    return client


def overview(http: Any, client: Client) -> str:
    response = http.get(reverse("clients:detail", kwargs={"pk": client.pk}))
    assert response.status_code == 200
    return str(response.content.decode())


def test_the_assigned_legal_worker_sees_the_dossiers_with_their_next_hearing(
    amina: Client, centre_a: Centre, users: dict[Role, User], signed_in: Any
) -> None:
    today = timezone.localdate()
    dossier = make_dossier(centre_a, victims=[amina], office="LUI")
    make_event(centre_a, dossier, kind=EventKind.REFERRED, date=today - datetime.timedelta(days=9))
    make_event(
        centre_a,
        dossier,
        kind=EventKind.HEARING,
        date=today - datetime.timedelta(days=3),
        court="Tribunal correctionnel de Liège",
    )
    make_event(
        centre_a,
        dossier,
        kind=EventKind.HEARING,
        date=today + datetime.timedelta(days=12),
        court="Tribunal correctionnel de Liège",
    )
    page = overview(signed_in(users[Role.LEGAL]), amina)
    assert 'data-testid="client-dossier"' in page
    assert dossier.code in page
    assert "Prosecutor&#x27;s office Liège" in page
    next_hearing = today + datetime.timedelta(days=12)
    assert f"Next hearing: {next_hearing:%m/%d/%Y}" in page
    # The timeline: opened, referred, both hearings.
    assert f"Dossier {dossier.code} opened (Liège)" in page
    assert f"Hearing · {dossier.code} · Tribunal correctionnel de Liège" in page
    assert "New dossier" in page


def test_a_worker_outside_the_team_sees_no_dossier_of_the_client(
    amina: Client, centre_a: Centre, users: dict[Role, User], signed_in: Any
) -> None:
    dossier = make_dossier(centre_a, victims=[amina])
    make_event(centre_a, dossier, kind=EventKind.REFERRED)
    page = overview(signed_in(users[Role.PSYCHOSOCIAL]), amina)
    assert dossier.code not in page
    assert 'id="h-dossiers"' not in page


def test_a_role_without_dossiers_sees_no_panel_even_when_assigned(
    amina: Client, centre_a: Centre, users: dict[Role, User], signed_in: Any
) -> None:
    night = users[Role.NIGHT_STAFF]
    amina.workers.add(night)
    dossier = make_dossier(centre_a, victims=[amina])
    page = overview(signed_in(night), amina)
    assert dossier.code not in page


def test_a_verdict_shows_in_the_panel_and_the_timeline(
    amina: Client, centre_a: Centre, users: dict[Role, User], signed_in: Any
) -> None:
    dossier = make_dossier(centre_a, victims=[amina], outcome="court", verdict="conviction")
    make_event(centre_a, dossier, kind=EventKind.VERDICT, verdict=Verdict.CONVICTION)
    page = overview(signed_in(users[Role.DIRECTOR]), amina)
    assert "Referred to court (Conviction)" in page
    assert f"Verdict · {dossier.code} · Conviction" in page


def test_the_overview_runs_the_same_number_of_queries_for_one_or_many_dossiers(
    amina: Client, centre_a: Centre, users: dict[Role, User], signed_in: Any
) -> None:
    http = signed_in(users[Role.LEGAL])
    today = timezone.localdate()

    def add(n: int) -> None:
        for _i in range(n):
            dossier = make_dossier(centre_a, victims=[amina])
            make_event(centre_a, dossier, kind=EventKind.HEARING, date=today, court="Antwerp")
            make_event(centre_a, dossier, kind=EventKind.REFERRED)

    add(1)
    overview(http, amina)
    with CaptureQueriesContext(connection) as few:
        overview(http, amina)
    add(5)
    with CaptureQueriesContext(connection) as many:
        page = overview(http, amina)
    assert page.count('data-testid="client-dossier"') == 6
    assert len(many) == len(few)
