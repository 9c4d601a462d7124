"""The shelter journey of the issue, in a real browser at phone size with the clock frozen:
at 02:00 night staff check a new resident into a free room from the board and write a handover
note; a week later the day worker moves her to the autonomy wing, and the board shows one
continuous stay."""

import datetime
import re
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from haven.accounts.permissions import Role
from haven.factories import CentreFactory, ClientFactory, UserFactory
from haven.shelter.models import LogEntry, Stay
from haven.shelter.testing import make_room, make_wing
from haven.testing.browser import signed_in_page

pytestmark = pytest.mark.browser

BRUSSELS = ZoneInfo("Europe/Brussels")
NIGHT = datetime.datetime(2026, 3, 5, 2, 0, tzinfo=BRUSSELS)  # the night of 4 to 5 March
NEXT_WEEK = datetime.datetime(2026, 3, 11, 10, 30, tzinfo=BRUSSELS)


def test_a_night_check_in_then_a_move_to_the_autonomy_wing_is_one_stay(
    browser: Any, live_server: Any, transactional_db: Any
) -> None:
    from playwright.sync_api import expect

    centre = CentreFactory(code="NGT", name="Night centre")
    night_worker = UserFactory(centre=centre, role=Role.NIGHT_STAFF, username="night")
    day_worker = UserFactory(centre=centre, role=Role.PSYCHOSOCIAL, username="day")
    make_room(centre, code="A1")
    make_room(centre, code="A2")
    autonomy = make_wing(centre, "Autonomy wing")
    make_room(centre, code="W1", wing=autonomy, opened_on=datetime.date(2022, 9, 1))
    client = ClientFactory(centre=centre, pseudonym="Lotus")

    with time_machine.travel(NIGHT, tick=True):
        page = signed_in_page(browser, live_server, night_worker, phone=True)
        page.goto(live_server.url + "/shelter/")
        expect(page.get_by_text("The night of Wednesday 4 March 2026")).to_be_visible()
        a2 = page.get_by_test_id("room-A2")
        expect(a2).to_have_attribute("data-status", "available")
        a2.get_by_role("link", name="Check in").tap()
        expect(page).to_have_url(re.compile(r"/shelter/check-in/\?room=\d+$"))
        page.locator("#id_client").fill("Lotus")
        page.get_by_role("button", name="Check in").tap()
        expect(page).to_have_url(re.compile(r"/shelter/$"))
        expect(page.get_by_test_id("room-A2")).to_have_attribute("data-status", "occupied")
        expect(page.get_by_test_id("room-A2")).to_contain_text("Lotus")
        expect(page.get_by_test_id("arrivals")).to_contain_text("Lotus")

        page.locator("main").get_by_role("link", name="House log").tap()
        page.locator("#id_text").fill("Lotus arrived by police car at 01:40, room A2. Asleep.")
        page.locator("label[for=id_important]").tap()
        page.get_by_role("button", name="Add the note").tap()
        expect(page.get_by_test_id("log-entries")).to_contain_text("Lotus arrived by police car")
        page.goto(live_server.url + "/shelter/")
        expect(page.get_by_test_id("board-notes")).to_contain_text("arrived by police car")
        page.context.close()

    stay = Stay.objects.get(client=client)
    assert stay.check_in == datetime.date(2026, 3, 4)  # the night that began on the 4th
    assert LogEntry.objects.get(centre=centre).important

    with time_machine.travel(NEXT_WEEK, tick=True):
        page = signed_in_page(browser, live_server, day_worker, phone=True)
        page.goto(live_server.url + "/shelter/")
        page.get_by_test_id("room-A2").get_by_role("link", name="Move").tap()
        page.locator("#id_room").select_option(label="W1 · Autonomy wing")
        page.get_by_role("button", name="Move").tap()
        expect(page).to_have_url(re.compile(r"/shelter/stay/\d+/$"))
        rooms = page.get_by_test_id("stay-rooms")
        expect(rooms.locator("li")).to_have_count(2)
        expect(rooms).to_contain_text("Room A2 (Main wing)")
        expect(rooms).to_contain_text("Room W1 (Autonomy wing)")
        page.goto(live_server.url + "/shelter/")
        w1 = page.get_by_test_id("room-W1")
        expect(w1).to_have_attribute("data-status", "occupied")
        expect(w1).to_contain_text("In the shelter since 03/04/2026")
        expect(w1).to_contain_text("in this room since 03/11/2026")
        expect(page.get_by_test_id("room-A2")).to_have_attribute("data-status", "available")
        page.context.close()

    assert Stay.objects.filter(client=client).count() == 1
    assert list(
        Stay.objects.get(client=client).assignments.values_list("room__code", "start", "end")
    ) == [
        ("A2", datetime.date(2026, 3, 4), datetime.date(2026, 3, 11)),
        ("W1", datetime.date(2026, 3, 11), None),
    ]
