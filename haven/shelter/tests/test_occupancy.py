"""Occupancy figures: REPORT.md's shelter section, against the report sample and by hand."""

import csv
import datetime
import json
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from haven.accounts.permissions import Role
from haven.centres.models import Centre
from haven.clients.models import Client
from haven.factories import ClientFactory
from haven.shelter import occupancy
from haven.shelter.models import Assignment, Room, Stay
from haven.shelter.testing import make_room

D = datetime.date
SAMPLE = Path(settings.BASE_DIR).parent.parent / "shared" / "report-sample"


def _sample_dir() -> Path:
    for candidate in (SAMPLE, Path("/work/shared/report-sample")):
        if candidate.exists():
            return candidate
    pytest.skip("the report sample (../shared/report-sample) is not here")


def _day(text: str) -> datetime.date | None:
    return datetime.date.fromisoformat(text) if text else None


def stay(client: Client, *moves: tuple[Room, datetime.date, datetime.date | None]) -> Stay:
    """A stay made of room assignments (room, start, end) that follow each other."""
    first, last = moves[0], moves[-1]
    made = Stay.objects.create(
        centre=client.centre, client=client, check_in=first[1], check_out=last[2]
    )
    for room, start, end in moves:
        Assignment.objects.create(centre=client.centre, stay=made, room=room, start=start, end=end)
    return made


def load_sample(centre: Centre) -> None:
    """The report sample's rooms.csv and stays.csv in ``centre``: rows of one client that
    follow each other (a room move) make one stay."""
    folder = _sample_dir() / "dataset"
    with (folder / "rooms.csv").open(encoding="utf-8") as handle:
        rooms = {
            row["room"]: make_room(
                centre,
                code=row["room"],
                opened_on=_day(row["opened_on"]),
                closed_on=_day(row["closed_on"]),
            )
            for row in csv.DictReader(handle)
        }
    by_client: dict[str, list[tuple[Room, Any, Any]]] = {}
    with (folder / "stays.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            by_client.setdefault(row["client_ref"], []).append(
                (rooms[row["room"]], _day(row["check_in"]), _day(row["check_out"]))
            )
    for ref, moves in by_client.items():
        client = ClientFactory(centre=centre, file_code=f"SAMPLE-{ref}")
        moves.sort(key=lambda item: item[1])
        chain = [moves[0]]
        for move in moves[1:]:
            if chain[-1][2] == move[1]:
                chain.append(move)
            else:
                stay(client, *chain)
                chain = [move]
        stay(client, *chain)


@pytest.mark.parametrize(
    ("name", "start", "end"),
    [
        ("expected-2023.json", D(2023, 1, 1), D(2023, 12, 31)),
        ("expected-2019-2023.json", D(2019, 1, 1), D(2023, 12, 31)),
    ],
)
def test_the_figures_of_the_report_sample_are_those_the_contract_expects(
    centre_a: Centre, name: str, start: datetime.date, end: datetime.date
) -> None:
    load_sample(centre_a)
    expected = json.loads((_sample_dir() / name).read_text(encoding="utf-8"))
    assert (expected["period"]["from"], expected["period"]["to"]) == (str(start), str(end))
    assert occupancy.figures(centre_a, start, end) == expected["shelter"]


def test_the_report_sample_counts_the_same_stays_from_the_assignments_alone(
    centre_a: Centre,
) -> None:
    load_sample(centre_a)
    for start, end in ((D(2023, 1, 1), D(2023, 12, 31)), (D(2019, 1, 1), D(2023, 12, 31))):
        assert occupancy.ended_chains(centre_a, start, end) == occupancy.ended_stays(
            centre_a, start, end
        )
    # The room move of S003 (A1 then B1 on 2023-02-01) ends no stay.
    assert occupancy.ended_chains(centre_a, D(2023, 2, 1), D(2023, 2, 1)).count == 0


def test_figures_are_computed_in_four_queries_whatever_the_length_of_the_period(
    centre_a: Centre,
) -> None:
    load_sample(centre_a)
    with CaptureQueriesContext(connection) as queries:
        figures = occupancy.figures(centre_a, D(1994, 1, 1), D(2023, 12, 31))
    assert len(queries) == 4
    assert len(figures["nights_by_year"]) == 30
    assert figures["nights"] == 1487  # no room was open before 2018
    assert figures["nights_by_year"]["2021"] == 365


def test_a_stay_crossing_year_boundaries_counts_its_nights_in_each_year(centre_a: Centre) -> None:
    room = make_room(centre_a, opened_on=D(2020, 1, 1))
    # Nights from 2021-12-30 to 2023-01-01 (the night of 01-02 is not slept there).
    stay(ClientFactory(centre=centre_a), (room, D(2021, 12, 30), D(2023, 1, 2)))

    figures = occupancy.figures(centre_a, D(2021, 1, 1), D(2023, 12, 31))

    assert figures["nights_by_year"] == {"2021": 2, "2022": 365, "2023": 1}
    assert figures["nights"] == 368
    assert figures["room_nights"] == 365 + 365 + 365
    assert figures["occupancy_by_year"] == {"2021": 0.0055, "2022": 1.0, "2023": 0.0027}
    assert figures["occupancy_rate"] == round(368 / 1095, 4)
    assert figures["stays_ended"] == 1
    assert figures["average_stay_days"] == 368.0
    assert figures["residents"] == 1
    # Only 2022: the stay did not end in it, but the person slept there.
    only_2022 = occupancy.figures(centre_a, D(2022, 1, 1), D(2022, 12, 31))
    assert (only_2022["nights"], only_2022["stays_ended"], only_2022["residents"]) == (365, 0, 1)
    assert only_2022["average_stay_days"] is None


def test_a_room_move_is_one_stay_with_the_nights_of_both_rooms(centre_a: Centre) -> None:
    old, new = make_room(centre_a), make_room(centre_a, opened_on=D(2022, 3, 1))
    client = ClientFactory(centre=centre_a)
    stay(client, (old, D(2023, 1, 10), D(2023, 2, 1)), (new, D(2023, 2, 1), D(2023, 3, 3)))

    figures = occupancy.figures(centre_a, D(2023, 1, 1), D(2023, 12, 31))

    assert figures["nights"] == 22 + 30
    assert figures["stays_ended"] == 1
    assert figures["average_stay_days"] == 52.0  # 2023-01-10 to 2023-03-03, not two stays
    assert figures["residents"] == 1
    assert occupancy.ended_chains(centre_a, D(2023, 1, 1), D(2023, 12, 31)) == (
        occupancy.EndedStays(count=1, total_days=52)
    )


def test_an_open_stay_counts_every_night_up_to_the_last_day_of_the_period(
    centre_a: Centre,
) -> None:
    room = make_room(centre_a)
    stay(ClientFactory(centre=centre_a), (room, D(2023, 12, 1), None))

    figures = occupancy.figures(centre_a, D(2023, 1, 1), D(2023, 12, 31))
    assert figures["nights"] == 31  # 1 to 31 December, the 31st included
    assert figures["stays_ended"] == 0
    assert figures["average_stay_days"] is None
    # And in a period before it began: nothing.
    before = occupancy.figures(centre_a, D(2023, 1, 1), D(2023, 11, 30))
    assert (before["nights"], before["residents"]) == (0, 0)


def test_a_room_closed_mid_year_counts_until_the_day_before_it_closes(centre_a: Centre) -> None:
    make_room(centre_a, opened_on=D(2018, 1, 1))
    closed = make_room(centre_a, opened_on=D(2018, 1, 1), closed_on=D(2023, 7, 1))
    stay(ClientFactory(centre=centre_a), (closed, D(2023, 6, 1), D(2023, 7, 1)))

    figures = occupancy.figures(centre_a, D(2023, 1, 1), D(2023, 12, 31))

    assert figures["room_nights"] == 365 + 181  # January to June of the closed room
    assert figures["nights"] == 30
    assert figures["occupancy_rate"] == round(30 / 546, 4)
    # A room opened mid-year counts from its opening day.
    make_room(centre_a, opened_on=D(2023, 12, 31))
    assert occupancy.figures(centre_a, D(2023, 1, 1), D(2023, 12, 31))["room_nights"] == 547


def test_a_period_of_one_day_counts_that_night(centre_a: Centre) -> None:
    room, other = make_room(centre_a), make_room(centre_a)
    stay(ClientFactory(centre=centre_a), (room, D(2023, 5, 1), D(2023, 5, 2)))
    stay(ClientFactory(centre=centre_a), (other, D(2023, 5, 2), D(2023, 5, 9)))

    day = occupancy.figures(centre_a, D(2023, 5, 1), D(2023, 5, 1))
    assert day == {
        "nights": 1,
        "nights_by_year": {"2023": 1},
        "room_nights": 2,
        "occupancy_rate": 0.5,
        "occupancy_by_year": {"2023": 0.5},
        "stays_ended": 0,
        "average_stay_days": None,
        "residents": 1,
    }
    next_day = occupancy.figures(centre_a, D(2023, 5, 2), D(2023, 5, 2))
    # The first stay ends that day (checked out in the morning); the other began.
    assert (next_day["nights"], next_day["stays_ended"], next_day["residents"]) == (1, 1, 1)
    assert next_day["average_stay_days"] == 1.0


def test_a_leap_year_has_366_room_nights(centre_a: Centre) -> None:
    room = make_room(centre_a)
    stay(ClientFactory(centre=centre_a), (room, D(2024, 2, 28), D(2024, 3, 2)))

    figures = occupancy.figures(centre_a, D(2024, 1, 1), D(2024, 12, 31))
    assert figures["room_nights"] == 366
    assert figures["nights"] == 3  # 28 and 29 February, 1 March
    assert figures["average_stay_days"] == 3.0


def test_averages_round_half_to_even_and_rates_to_four_decimals(centre_a: Centre) -> None:
    room, other = make_room(centre_a), make_room(centre_a)
    client = ClientFactory(centre=centre_a)
    # Two stays of 1 and 2 days ending in 2023: mean 1.5; of 1 and 4 days: 2.5 -> 2.5.
    stay(client, (room, D(2023, 3, 1), D(2023, 3, 2)))
    stay(ClientFactory(centre=centre_a), (other, D(2023, 3, 1), D(2023, 3, 3)))
    figures = occupancy.figures(centre_a, D(2023, 1, 1), D(2023, 12, 31))
    assert figures["average_stay_days"] == 1.5
    assert figures["occupancy_rate"] == round(3 / 730, 4) == 0.0041


def test_stays_and_rooms_of_another_centre_are_not_counted(
    centre_a: Centre, centre_b: Centre
) -> None:
    room = make_room(centre_b)
    stay(ClientFactory(centre=centre_b), (room, D(2023, 1, 1), D(2023, 2, 1)))
    figures = occupancy.figures(centre_a, D(2023, 1, 1), D(2023, 12, 31))
    assert (figures["nights"], figures["room_nights"], figures["stays_ended"]) == (0, 0, 0)
    assert figures["occupancy_rate"] is None


def test_the_current_stays_give_tonight_s_residents_and_their_length_so_far(
    centre_a: Centre,
) -> None:
    room, other, third = make_room(centre_a), make_room(centre_a), make_room(centre_a)
    stay(ClientFactory(centre=centre_a), (room, D(2023, 1, 1), None))
    stay(ClientFactory(centre=centre_a), (other, D(2023, 1, 11), D(2023, 3, 1)))
    stay(ClientFactory(centre=centre_a), (third, D(2022, 1, 1), D(2023, 1, 21)))  # left

    tonight = occupancy.current(centre_a, D(2023, 1, 21))
    assert tonight == occupancy.Tonight(residents=2, average_days=15.0)
    assert occupancy.current(centre_a, D(2021, 1, 1)) == occupancy.Tonight(0, None)


# --- the page --------------------------------------------------------------------------------


def test_the_director_sees_the_figures_of_the_period_chosen(
    users: dict[Role, Any], centre_a: Centre, signed_in: Any
) -> None:
    load_sample(centre_a)
    http = signed_in(users[Role.DIRECTOR])
    response = http.get(reverse("shelter:occupancy"), {"start": "2023-01-01", "end": "2023-12-31"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="nights">802<' in page
    assert 'data-testid="room-nights">1,276<' in page or 'data-testid="room-nights">1276<' in page
    assert "62.85 %" in page  # 0.6285 as a percentage
    assert 'data-testid="average-stay">109.3' in page
    assert response.context["figures"]["stays_ended"] == 3


def test_the_page_takes_a_fixed_small_number_of_queries(
    users: dict[Role, Any], centre_a: Centre, signed_in: Any
) -> None:
    load_sample(centre_a)
    http = signed_in(users[Role.DIRECTOR])
    url = reverse("shelter:occupancy")
    http.get(url)
    with CaptureQueriesContext(connection) as one_year:
        http.get(url, {"start": "2023-01-01", "end": "2023-12-31"})
    with CaptureQueriesContext(connection) as thirty_years:
        response = http.get(url, {"start": "1994-01-01", "end": "2023-12-31"})
    assert len(one_year) == len(thirty_years)
    assert len(response.context["by_year"]) == 30


def test_the_presets_and_the_default_period(
    users: dict[Role, Any], centre_a: Centre, signed_in: Any
) -> None:
    http = signed_in(users[Role.DIRECTOR])
    url = reverse("shelter:occupancy")
    today = datetime.date.today()
    default = http.get(url).context
    assert (default["start"], default["end"]) == (D(today.year, 1, 1), D(today.year, 12, 31))
    last_year = http.get(url, {"preset": "last_year"}).context
    assert (last_year["start"], last_year["end"]) == (
        D(today.year - 1, 1, 1),
        D(today.year - 1, 12, 31),
    )
    five = http.get(url, {"preset": "last_5_years"}).context
    assert (five["start"], five["end"]) == (D(today.year - 5, 1, 1), D(today.year - 1, 12, 31))
    month = http.get(url, {"preset": "last_month"}).context
    first_of_this_month = today.replace(day=1)
    assert month["end"] == first_of_this_month - datetime.timedelta(days=1)
    assert month["start"] == month["end"].replace(day=1)


def test_a_period_that_ends_before_it_starts_is_refused_with_a_message(
    users: dict[Role, Any], signed_in: Any
) -> None:
    http = signed_in(users[Role.DIRECTOR])
    response = http.get(reverse("shelter:occupancy"), {"start": "2023-05-01", "end": "2023-01-01"})
    assert response.status_code == 200
    assert response.context["figures"] is None
    assert "2023-05-01" in response.content.decode()  # what was typed is kept
    assert response.context["form"].errors


def test_a_period_longer_than_thirty_years_is_refused(
    users: dict[Role, Any], signed_in: Any
) -> None:
    http = signed_in(users[Role.DIRECTOR])
    response = http.get(reverse("shelter:occupancy"), {"start": "1950-01-01", "end": "2023-12-31"})
    assert response.context["figures"] is None
    assert response.context["form"].errors


def test_night_staff_may_not_see_the_occupancy_figures(
    users: dict[Role, Any], signed_in: Any
) -> None:
    http = signed_in(users[Role.NIGHT_STAFF])
    assert http.get(reverse("shelter:occupancy")).status_code == 403
