import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from haven.accounts.models import User
from haven.accounts.permissions import CENTRE_ROLES, Permission, Role, role_has
from haven.centres.models import Centre
from haven.clients.models import IDENTITY_FIELDS, Client
from haven.factories import ClientFactory, IntakeFactory
from haven.intake import services
from haven.intake.models import Intake, Outcome, Screening
from haven.intake.services import Filters

BRUSSELS = ZoneInfo("Europe/Brussels")


def at(day: int, hour: int, minute: int = 0) -> datetime.datetime:
    """A moment in Brussels, March 2026: the 2nd is a Monday, the 4th a Wednesday."""
    return datetime.datetime(2026, 3, day, hour, minute, tzinfo=BRUSSELS)


def codes(intakes: Any) -> list[str]:
    return [intake.code for intake in intakes]


# --- since the last shift --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "closing"),
    [
        (at(4, 8, 30), at(3, 17)),  # Wednesday before opening: Tuesday's closing
        (at(4, 10), at(3, 17)),  # during office hours: still the previous closing
        (at(4, 17, 30), at(4, 17)),  # just after closing: today's
        (at(4, 17), at(4, 17)),  # the moment it closes
        (at(2, 8, 30), at(27, 17).replace(month=2)),  # Monday morning: Friday's closing
        (at(8, 14), at(6, 17)),  # Sunday afternoon: Friday's closing
    ],
)
def test_the_last_closing_walks_back_over_office_days(
    now: datetime.datetime, closing: datetime.datetime, centre_a: Centre
) -> None:
    assert services.last_closing(centre_a, now) == closing


def test_a_centre_without_office_days_counts_the_last_day(centre_a: Centre) -> None:
    centre_a.office_days = []
    assert services.last_closing(centre_a, at(4, 8)) == at(3, 8)


def test_since_last_shift_contains_the_night_s_intakes_and_not_yesterday_afternoon_s(
    centre_a: Centre, centre_b: Centre, signed_in: Any, users: dict[Role, User]
) -> None:
    afternoon = IntakeFactory(centre=centre_a, code="AAA-I-2026-0001", received_at=at(3, 15))
    evening = IntakeFactory(centre=centre_a, code="AAA-I-2026-0002", received_at=at(3, 22))
    night = IntakeFactory(centre=centre_a, code="AAA-I-2026-0003", received_at=at(4, 3), quick=True)
    decided = IntakeFactory(
        centre=centre_a, code="AAA-I-2026-0004", received_at=at(4, 1), outcome="no_follow_up"
    )
    IntakeFactory(centre=centre_b, code="BBB-I-2026-0001", received_at=at(4, 2))

    morning = services.since_last_shift(centre_a, at(4, 8, 30))
    assert codes(morning) == [night.code, decided.code, evening.code]
    assert afternoon.code not in codes(morning)

    with time_machine.travel(at(4, 8, 30), tick=False):
        page = signed_in(users[Role.PSYCHOSOCIAL]).get(reverse("intake:since_last_shift"))
    content = page.content.decode()
    assert afternoon.code not in content and "BBB-I-2026-0001" not in content
    assert content.index(night.code) < content.index(evening.code)
    assert "Quick intake: to complete" in content


# --- the queue -------------------------------------------------------------------------------


def test_the_queue_lists_open_intakes_with_their_age_and_worker(
    centre_a: Centre, signed_in: Any, users: dict[Role, User], client_a: Client
) -> None:
    worker = users[Role.LEGAL]
    worker.first_name, worker.last_name = "Lena", "Lawworker"
    worker.save()
    waiting = IntakeFactory(
        centre=centre_a, received_at=at(1, 10), assigned_to=worker, client=client_a
    )
    meeting = IntakeFactory(centre=centre_a, received_at=at(2, 10), outcome=Outcome.FIRST_MEETING)
    decided = IntakeFactory(centre=centre_a, received_at=at(2, 11), outcome=Outcome.DECLINED)

    with time_machine.travel(at(4, 11), tick=False):
        page = signed_in(users[Role.NIGHT_STAFF]).get(reverse("intake:queue"))
    content = page.content.decode()
    assert waiting.code in content and meeting.code in content
    assert decided.code not in content
    assert "3\xa0days ago" in content  # timesince keeps number and unit together
    assert "Lena Lawworker" in content
    assert f"{client_a.file_code} · {client_a.pseudonym}" in content
    assert client_a.legal_name not in content


@pytest.mark.parametrize("role", [r for r in CENTRE_ROLES if role_has(r, Permission.INTAKE_READ)])
def test_no_role_finds_an_identity_value_in_the_lists_or_the_search(
    role: Role, centre_a: Centre, signed_in: Any, users: dict[Role, User], client_a: Client
) -> None:
    IntakeFactory(centre=centre_a, client=client_a, received_at=at(4, 2))
    http = signed_in(users[role])
    with time_machine.travel(at(4, 8), tick=False):
        pages = [
            http.get(reverse("intake:queue"), {"q": client_a.pseudonym}),
            http.get(reverse("intake:since_last_shift")),
        ]
    secrets = [str(getattr(client_a, name)) for name in IDENTITY_FIELDS if getattr(client_a, name)]
    for page in pages:
        assert client_a.file_code.encode() in page.content
        for secret in secrets:
            assert secret.encode() not in page.content


@pytest.fixture
def varied(centre_a: Centre, users: dict[Role, User]) -> dict[str, Intake]:
    """A handful of intakes that differ in one respect each."""
    worker = users[Role.PSYCHOSOCIAL]
    rose = ClientFactory(centre=centre_a, pseudonym="Rosemary", file_code="AAA-2026-0077")
    made = {
        "email": IntakeFactory(centre=centre_a, channel="email", received_at=at(1, 10)),
        "medical": IntakeFactory(centre=centre_a, referrer="medical", received_at=at(2, 10)),
        "night": IntakeFactory(centre=centre_a, on_call=True, received_at=at(3, 2)),
        "assigned": IntakeFactory(centre=centre_a, assigned_to=worker, received_at=at(3, 10)),
        "rose": IntakeFactory(centre=centre_a, client=rose, received_at=at(3, 11)),
        "screened": IntakeFactory(centre=centre_a, received_at=at(3, 12)),
        "declined": IntakeFactory(centre=centre_a, outcome="declined", received_at=at(3, 13)),
        "old": IntakeFactory(
            centre=centre_a, code="AAA-I-2025-0042", received_at=at(1, 9).replace(year=2025)
        ),
    }
    Screening.objects.create(intake=made["screened"], conclusion="yes", screened_by=worker)
    return made


def names(intakes: Any, varied: dict[str, Intake]) -> set[str]:
    found = set(intakes)
    return {name for name, intake in varied.items() if intake in found}


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (Filters(channel="email"), {"email"}),
        (Filters(referrer="medical"), {"medical"}),
        (Filters(on_call=True), {"night"}),
        (Filters(conclusion="yes"), {"screened"}),
        (Filters(outcome="declined"), {"declined"}),
        (Filters(query="rosem"), {"rose"}),
        (Filters(query="aaa-2026-0077"), {"rose"}),
        (Filters(query="I-2025-0042"), {"old"}),
        (
            Filters(received_from=datetime.date(2026, 3, 2), received_to=datetime.date(2026, 3, 2)),
            {"medical"},
        ),
        (Filters(received_to=datetime.date(2025, 12, 31)), {"old"}),
    ],
)
def test_the_queue_filters_narrow_the_list(
    filters: Filters, expected: set[str], centre_a: Centre, varied: dict[str, Intake]
) -> None:
    assert names(services.queue(centre_a, filters), varied) == expected


def test_the_queue_shows_open_intakes_unless_asked_for_all(
    centre_a: Centre, varied: dict[str, Intake], users: dict[Role, User]
) -> None:
    assert "declined" not in names(services.queue(centre_a), varied)
    assert names(services.queue(centre_a, Filters(outcome="all")), varied) == set(varied)
    not_screened = services.queue(centre_a, Filters(conclusion="none"))
    assert names(not_screened, varied) == set(varied) - {"screened", "declined"}
    mine = Filters(worker=str(users[Role.PSYCHOSOCIAL].pk))
    assert names(services.queue(centre_a, mine), varied) == {"assigned"}
    nobody = services.queue(centre_a, Filters(worker="none"))
    assert "assigned" not in names(nobody, varied)


def test_the_filter_form_keeps_its_values_and_the_list_remembers_them(
    signed_in: Any, users: dict[Role, User], varied: dict[str, Intake]
) -> None:
    http = signed_in(users[Role.DIRECTOR])
    url = reverse("intake:queue")
    filtered = http.get(url, {"channel": "email", "q": "", "outcome": "open"})
    assert varied["email"].code.encode() in filtered.content
    assert varied["medical"].code.encode() not in filtered.content
    assert b'<option value="email" selected>' in filtered.content
    assert b"channel=email" in filtered.content  # in the export link

    back = http.get(url)
    assert back.status_code == 302
    assert back["Location"] == f"{url}?channel=email&outcome=open"

    cleared = http.get(url, {"clear": "1"})
    assert cleared["Location"] == url
    everything = http.get(url)
    assert everything.status_code == 200
    assert varied["medical"].code.encode() in everything.content


def test_an_invalid_filter_is_shown_and_the_others_still_apply(
    signed_in: Any, users: dict[Role, User], varied: dict[str, Intake]
) -> None:
    page = signed_in(users[Role.PSYCHOSOCIAL]).get(
        reverse("intake:queue"),
        {"channel": "email", "received_from": "2026-03-05", "received_to": "2026-03-01"},
    )
    assert b"The end date must be on or after the start date." in page.content
    assert varied["email"].code.encode() in page.content
    assert varied["medical"].code.encode() not in page.content


def test_the_queue_shows_fifty_intakes_a_page(
    centre_a: Centre, signed_in: Any, users: dict[Role, User]
) -> None:
    Intake.objects.bulk_create(
        IntakeFactory.build(centre=centre_a, code=f"AAA-I-2026-{n:04d}", received_at=at(1, 0, n))
        for n in range(51)
    )
    http = signed_in(users[Role.PSYCHOSOCIAL])
    first = http.get(reverse("intake:queue"))
    assert len(first.context["rows"]) == 50
    second = http.get(reverse("intake:queue"), {"page": "2"})
    assert [row.intake.code for row in second.context["rows"]] == ["AAA-I-2026-0000"]


# --- constant queries ------------------------------------------------------------------------


def make_intakes(centre: Centre, worker: User, count: int, start: int) -> None:
    """Intakes with everything a row shows: a person, a worker, a screening for half of them."""
    for n in range(start, start + count):
        client = ClientFactory(centre=centre, file_code=f"AAA-2026-{n:04d}", pseudonym=f"P{n}")
        intake = IntakeFactory(
            centre=centre,
            code=f"AAA-I-2026-{n:04d}",
            client=client,
            assigned_to=worker,
            received_at=at(4, 1) + datetime.timedelta(minutes=n),
        )
        if n % 2:
            Screening.objects.create(intake=intake, conclusion="unclear", screened_by=worker)


def queries(http: Any, url: str, params: dict[str, str]) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = http.get(url, params)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    ("url_name", "params"),
    [
        ("intake:queue", {"outcome": "open"}),
        ("intake:queue", {"q": "P", "conclusion": "unclear"}),
        ("intake:since_last_shift", {}),
    ],
)
def test_lists_and_search_cost_the_same_queries_for_3_or_40_intakes(
    url_name: str,
    params: dict[str, str],
    centre_a: Centre,
    signed_in: Any,
    users: dict[Role, User],
) -> None:
    worker = users[Role.PSYCHOSOCIAL]
    http = signed_in(worker)
    url = reverse(url_name)
    with time_machine.travel(at(4, 8, 30), tick=False):
        make_intakes(centre_a, worker, 3, start=1)
        http.get(url, params)  # the session settles
        few = queries(http, url, params)
        make_intakes(centre_a, worker, 37, start=4)
        many = queries(http, url, params)
        listed = http.get(url, params).context["rows"]
    assert len(listed) >= 20
    assert few == many
