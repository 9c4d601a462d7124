"""The deadlines page: documents expiring in 60 days, expired ones, hearings in 30 days."""

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
from haven.factories import ClientFactory
from haven.legal.models import DossierEvent, EventKind
from haven.legal.testing import make_dossier
from haven.residence import deadlines
from haven.residence.models import (
    Decision,
    DocumentType,
    Renewal,
    ResidenceDocument,
)
from haven.residence.testing import make_document

pytestmark = pytest.mark.django_db

URL = reverse("residence:deadlines")


def today() -> datetime.date:
    return timezone.localdate()


def days(n: int) -> datetime.date:
    return today() + datetime.timedelta(days=n)


def card(centre: Centre, valid_until: datetime.date, **values: Any) -> ResidenceDocument:
    """An A card valid until the given day, issued six months before."""
    values.setdefault("issued_on", valid_until - datetime.timedelta(days=182))
    return make_document(centre, valid_until=valid_until, **values)


def section(page: str, name: str) -> str:
    return page.split(f'data-testid="deadlines-{name}"')[1].split("</section>")[0]


def rows(page: str, name: str) -> list[str]:
    """The rows of a section, each as its HTML."""
    return section(page, name).split("<tr")[2:]


def get(http: Any, query: str = "") -> str:
    response = http.get(URL + query)
    assert response.status_code == 200
    return response.content.decode()


def test_documents_expiring_within_sixty_days_are_listed_soonest_first(
    users: dict[Role, User], signed_in: Any
) -> None:
    centre = users[Role.LEGAL].centre
    last_day = card(centre, days(60))
    today_ = card(centre, days(0))
    card(centre, days(61))
    page = get(signed_in(users[Role.LEGAL]))
    listed = rows(page, "expiring")
    assert len(listed) == 2
    assert today_.client.file_code in listed[0] and ">0</td>" in listed[0]
    assert last_day.client.file_code in listed[1] and ">60</td>" in listed[1]
    assert last_day.client.pseudonym in listed[1]
    assert reverse("residence:client", kwargs={"pk": last_day.client.pk}) in listed[1]
    assert "A card (temporary stay)" in listed[1]


def test_an_expired_document_is_listed_red_with_no_renewal_requested(
    users: dict[Role, User], signed_in: Any
) -> None:
    centre = users[Role.LEGAL].centre
    late = card(centre, days(-1))
    asked = card(centre, days(-3))
    Renewal.objects.create(centre=centre, document=asked, requested_on=days(-20))
    page = get(signed_in(users[Role.LEGAL]))
    assert late.client.file_code not in section(page, "expiring")
    listed = rows(page, "overdue")
    assert [asked.client.file_code in r for r in listed] == [True, False]
    assert "Renewal requested on" in listed[0] and "no decision" in listed[0]
    assert 'class="table-danger"' not in listed[0]
    assert "No renewal requested" in listed[1] and 'class="table-danger"' in listed[1]


def test_a_refused_renewal_leaves_the_expired_document_red(
    users: dict[Role, User], signed_in: Any
) -> None:
    centre = users[Role.LEGAL].centre
    refused = card(centre, days(-5))
    Renewal.objects.create(
        centre=centre,
        document=refused,
        requested_on=days(-40),
        decision=Decision.REFUSED,
        decided_on=days(-10),
    )
    (row,) = rows(get(signed_in(users[Role.LEGAL])), "overdue")
    assert "Renewal refused on" in row and 'class="table-danger"' in row


def test_a_superseded_document_is_no_deadline(users: dict[Role, User], signed_in: Any) -> None:
    centre = users[Role.LEGAL].centre
    renewed = card(centre, days(-10))
    card(centre, days(170), client=renewed.client, issued_on=days(-12))
    # Two documents issued the same day: the one registered last is current.
    same_day = card(centre, days(20))
    card(centre, days(-2), client=same_day.client, issued_on=same_day.issued_on)
    # A B card ends the deadlines for good.
    permanent = card(centre, days(5))
    make_document(
        centre,
        client=permanent.client,
        document=DocumentType.B_CARD,
        issued_on=days(-1),
        valid_until=None,
    )
    page = get(signed_in(users[Role.LEGAL]))
    assert renewed.client.file_code not in page
    assert permanent.client.file_code not in page
    assert same_day.client.file_code not in section(page, "expiring")
    assert same_day.client.file_code in section(page, "overdue")


def test_only_my_clients_narrows_the_page_and_is_kept_in_the_link(
    users: dict[Role, User], signed_in: Any
) -> None:
    worker = users[Role.LEGAL]
    mine = card(worker.centre, days(10))
    mine.client.workers.add(worker)
    colleagues = card(worker.centre, days(12))
    colleagues.client.workers.add(users[Role.PSYCHOSOCIAL])
    http = signed_in(worker)
    team = get(http)
    assert mine.client.file_code in team and colleagues.client.file_code in team
    own = get(http, "?mine=1")
    assert mine.client.file_code in own and colleagues.client.file_code not in own
    assert 'href="?mine=1" aria-current="page"' in own


def test_another_centres_documents_never_appear(
    users: dict[Role, User], centre_b: Centre, signed_in: Any
) -> None:
    elsewhere = card(centre_b, days(3))
    page = get(signed_in(users[Role.DIRECTOR]))
    assert elsewhere.client.file_code not in page


def hearing(dossier: Any, day: datetime.date, court: str = "Correctional court") -> DossierEvent:
    return DossierEvent.objects.create(
        centre=dossier.centre, dossier=dossier, kind=EventKind.HEARING, date=day, court=court
    )


def test_hearings_of_the_next_thirty_days_show_only_the_victims_the_worker_may_see(
    users: dict[Role, User], signed_in: Any
) -> None:
    worker = users[Role.LEGAL]
    centre = worker.centre
    mine: Any = ClientFactory(centre=centre, pseudonym="Selam")
    mine.workers.add(worker)
    other: Any = ClientFactory(centre=centre, pseudonym="Zoltan")
    other.workers.add(users[Role.PSYCHOSOCIAL])
    shared = make_dossier(centre, victims=[mine, other], code="AAA-D-2026-0001")
    hearing(shared, days(30), court="Court of Antwerp")
    hearing(shared, days(31), court="Too late court")
    hearing(shared, days(-1), court="Past court")
    DossierEvent.objects.create(
        centre=centre, dossier=shared, kind=EventKind.APPEAL, date=days(3), court="Appeal court"
    )
    hidden = make_dossier(centre, victims=[other], code="AAA-D-2026-0002")
    hearing(hidden, days(2))

    page = get(signed_in(worker))
    listed = rows(page, "hearings")
    assert len(listed) == 1
    assert "AAA-D-2026-0001" in listed[0] and "Court of Antwerp" in listed[0]
    assert reverse("legal:detail", kwargs={"pk": shared.pk}) in listed[0]
    assert mine.file_code in listed[0] and "Selam" in listed[0]
    assert other.file_code not in page and "Zoltan" not in page
    assert "AAA-D-2026-0002" not in page

    director = get(signed_in(users[Role.DIRECTOR]))
    assert "AAA-D-2026-0002" in director and "Zoltan" in director
    assert "AAA-D-2026-0002" not in get(signed_in(users[Role.DIRECTOR]), "?mine=1")


def test_hearings_are_listed_soonest_first(users: dict[Role, User], signed_in: Any) -> None:
    director = users[Role.DIRECTOR]
    later = make_dossier(director.centre, code="AAA-D-2026-0010")
    sooner = make_dossier(director.centre, code="AAA-D-2026-0011")
    hearing(later, days(20))
    hearing(sooner, days(0))
    listed = rows(get(signed_in(director)), "hearings")
    assert ["AAA-D-2026-0011" in listed[0], "AAA-D-2026-0010" in listed[1]] == [True, True]


def test_long_lists_are_cut_with_a_note(
    users: dict[Role, User], signed_in: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(deadlines, "CAP", 2)
    for n in range(3):
        card(users[Role.LEGAL].centre, days(n + 1))
    page = get(signed_in(users[Role.LEGAL]))
    assert len(rows(page, "expiring")) == 2
    assert "Only the first 2 are shown." in section(page, "expiring")
    assert "Only the first" not in section(page, "overdue")


def test_the_page_runs_the_same_number_of_queries_for_few_or_many_rows(
    users: dict[Role, User], signed_in: Any
) -> None:
    worker = users[Role.LEGAL]
    centre = worker.centre

    def add(n: int) -> None:
        for i in range(n):
            client: Any = ClientFactory(centre=centre)
            client.workers.add(worker)
            soon = card(centre, days(i + 1), client=client)
            Renewal.objects.create(centre=centre, document=soon, requested_on=days(-1))
            card(centre, days(-i - 1))
            dossier = make_dossier(centre, victims=[client, ClientFactory(centre=centre)])
            hearing(dossier, days(i))

    add(1)
    http = signed_in(worker)
    get(http)
    with CaptureQueriesContext(connection) as few:
        get(http)
    add(12)
    with CaptureQueriesContext(connection) as many:
        page = get(http)
    assert len(rows(page, "hearings")) == 13
    assert len(many) == len(few)


def test_a_granted_renewal_without_its_new_document_leaves_the_expired_document_red(
    users: dict[Role, User], signed_in: Any
) -> None:
    centre = users[Role.LEGAL].centre
    granted = card(centre, days(-5))
    Renewal.objects.create(
        centre=centre,
        document=granted,
        requested_on=days(-40),
        decision=Decision.GRANTED,
        decided_on=days(-8),
    )
    (row,) = rows(get(signed_in(users[Role.LEGAL])), "overdue")
    assert "new document not registered yet" in row and 'class="table-danger"' in row
