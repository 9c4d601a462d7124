"""The guidance journey of issue 4 in a real browser: a psychosocial worker opens "my desk",
records a conversation with an interpreter, writes a journal entry, sets a housing goal and
closes a task; a legal worker of the same centre cannot read that entry, the director can."""

import datetime
import re
from typing import Any

import pytest
from django.utils import timezone

from haven.accounts.permissions import Role
from haven.appointments.models import Appointment
from haven.factories import CentreFactory, ClientFactory, UserFactory
from haven.journal.models import Entry
from haven.plans.models import Goal
from haven.tasks.models import Task
from haven.tasks.testing import make_task
from haven.testing.browser import signed_in_page

pytestmark = pytest.mark.browser


def submit(page: Any) -> None:
    page.locator("main form[method=post] button[type=submit]").last.click()


def test_a_worker_records_a_conversation_an_entry_a_goal_and_closes_a_task(
    browser: Any, live_server: Any, transactional_db: Any
) -> None:
    from playwright.sync_api import expect

    centre = CentreFactory(code="DSK", name="Desk centre")
    worker = UserFactory(centre=centre, role=Role.PSYCHOSOCIAL, username="psy")
    legal = UserFactory(centre=centre, role=Role.LEGAL, username="legal")
    director = UserFactory(centre=centre, role=Role.DIRECTOR, username="boss")
    client = ClientFactory(centre=centre, pseudonym="Lark")
    client.workers.add(worker)
    task = make_task(
        centre,
        assignee=worker,
        client=client,
        title="Therapy referral",
        due_on=timezone.localdate(),
    )

    page = signed_in_page(browser, live_server, worker)
    page.goto(live_server.url + "/")
    expect(page.get_by_text("Therapy referral", exact=True)).to_be_visible()

    page.goto(f"{live_server.url}/appointments/new/?client={client.pk}")
    an_hour_ago = timezone.localtime() - datetime.timedelta(hours=1)
    page.locator("#id_starts_at").fill(an_hour_ago.strftime("%Y-%m-%dT%H:%M"))
    page.locator("#id_duration_minutes").fill("60")
    page.locator("#id_kind").select_option("individual")
    page.locator("#id_interpreter_language").fill("Tigrinya")
    page.locator("#id_interpreter_minutes").fill("50")
    page.locator("#id_status").select_option("done")
    submit(page)
    expect(page).not_to_have_url(re.compile(r"/appointments/new/"))

    page.goto(f"{live_server.url}/journal/new/?client={client.pk}")
    page.locator("#id_track").select_option("psychosocial")
    page.locator("#id_text").fill("Talked about finding a flat; she is hopeful.")
    submit(page)
    expect(page).not_to_have_url(re.compile(r"/journal/new/"))

    page.goto(f"{live_server.url}/plans/new/?client={client.pk}&domain=housing")
    page.locator("#id_text").fill("Find a flat with a social landlord")
    submit(page)
    expect(page).not_to_have_url(re.compile(r"/plans/new/"))

    page.goto(live_server.url + "/")
    page.get_by_role("button", name=re.compile("Therapy referral")).click()
    expect(page.get_by_text("Therapy referral", exact=True)).to_have_count(0)
    page.context.close()

    appointment = Appointment.objects.get(client=client)
    assert appointment.interpreter_language == "Tigrinya" and appointment.interpreter_minutes == 50
    entry = Entry.objects.get(client=client)
    assert Goal.objects.get(client=client).domain == "housing"
    task.refresh_from_db()
    assert task.done_at is not None

    page = signed_in_page(browser, live_server, legal)
    response = page.goto(f"{live_server.url}/journal/{entry.pk}/")
    assert response.status == 404
    page.context.close()

    page = signed_in_page(browser, live_server, director)
    response = page.goto(f"{live_server.url}/journal/{entry.pk}/")
    assert response.status == 200
    expect(page.get_by_text("Talked about finding a flat")).to_be_visible()
    page.context.close()
    assert Task.objects.filter(done_at__isnull=True).count() == 0
