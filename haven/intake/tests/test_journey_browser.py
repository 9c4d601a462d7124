"""The intake journey of the issue, in a real browser at phone size, with the clock frozen:
night staff register a quick intake at 03:00; in the morning a psychosocial worker finds it
under "since the last shift", screens it and decides "guidance started"."""

import datetime
import re
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from haven.accounts.permissions import Role
from haven.factories import CentreFactory, UserFactory
from haven.guidance.models import Episode
from haven.intake.models import Intake, Outcome
from haven.testing.browser import signed_in_page

pytestmark = pytest.mark.browser

BRUSSELS = ZoneInfo("Europe/Brussels")
NIGHT = datetime.datetime(2026, 3, 4, 3, 0, tzinfo=BRUSSELS)  # a Wednesday
MORNING = datetime.datetime(2026, 3, 4, 8, 45, tzinfo=BRUSSELS)


def test_a_night_intake_is_screened_and_becomes_guidance_the_next_morning(
    browser: Any, live_server: Any, transactional_db: Any
) -> None:
    from playwright.sync_api import expect

    centre = CentreFactory(code="NGT", name="Night centre")
    night_worker = UserFactory(centre=centre, role=Role.NIGHT_STAFF, username="night")
    day_worker = UserFactory(centre=centre, role=Role.PSYCHOSOCIAL, username="day")

    with time_machine.travel(NIGHT, tick=True):
        page = signed_in_page(browser, live_server, night_worker, phone=True)
        page.goto(live_server.url + "/")
        page.get_by_role("link", name="Quick intake").click()
        expect(page).to_have_url(re.compile(r"/intakes/quick/$"))
        page.locator("#id_referrer").select_option("judicial")
        page.locator("#id_referrer_organisation").fill("Police zone North")
        page.locator("#id_languages").fill("Romanian")
        page.locator("label[for=id_shelter_tonight_1]").tap()
        page.locator("label[for=id_urgency_2]").tap()
        page.locator("#id_summary").fill("Found during a check in a massage parlour")
        page.get_by_role("button", name="Save intake").tap()
        expect(page).to_have_url(re.compile(r"/intakes/\d+/$"))
        page.context.close()

    intake = Intake.objects.get(centre=centre)
    assert intake.on_call and intake.quick and intake.shelter_tonight
    assert intake.client is None  # no identity tonight

    with time_machine.travel(MORNING, tick=True):
        page = signed_in_page(browser, live_server, day_worker, phone=True)
        page.goto(live_server.url + "/intakes/since-last-shift/")
        page.get_by_role("link", name=intake.code).click()
        page.get_by_role("link", name="Screen for indicators").click()
        page.locator("label", has_text="Identity documents kept by someone else").click()
        page.locator("label", has_text="Indicators of trafficking present").click()
        page.locator("label", has_text="Sexual exploitation").first.click()
        page.get_by_role("button", name="Save the screening").click()
        expect(page.get_by_test_id("screening-panel")).to_contain_text(
            "Indicators of trafficking present"
        )
        page.get_by_role("link", name="Decide").click()
        page.locator("label", has_text="Guidance started").click()
        page.locator("#id_pseudonym").fill("Lark")
        page.get_by_role("button", name="Save the decision").click()
        expect(page.get_by_test_id("decision-panel")).to_contain_text("Guidance started")
        page.context.close()

    intake.refresh_from_db()
    assert intake.outcome == Outcome.GUIDANCE_STARTED
    assert intake.decided_on == MORNING.date()
    episode = Episode.objects.get(intake=intake)
    assert episode.client.pseudonym == "Lark" and episode.start_date == MORNING.date()
