"""The future plan: goals per life domain, no lost update, evolution, reviews, timeline."""

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from haven.accounts.models import User
from haven.accounts.permissions import Role
from haven.audit.models import Action, AuditEntry
from haven.clients.models import Client
from haven.factories import ClientFactory
from haven.plans import services
from haven.plans.models import Goal, GoalStatus, LifeDomain
from haven.plans.testing import make_goal

pytestmark = pytest.mark.django_db

SignedIn = Callable[[User], Any]


def plan_url(client: Client) -> str:
    return f"{reverse('plans:list')}?client={client.pk}"


def edit_url(goal: Goal) -> str:
    return reverse("plans:edit", kwargs={"pk": goal.pk})


def form_data(goal: Goal, **changes: Any) -> dict[str, Any]:
    data = {
        "domain": goal.domain,
        "text": goal.text,
        "status": goal.status,
        "next_review": goal.next_review.isoformat() if goal.next_review else "",
        "written_with_client": "on" if goal.written_with_client else "",
        "version": goal.version,
    }
    data.update(changes)
    return data


def test_a_psychosocial_worker_adds_a_housing_goal_with_the_client(
    users: dict[Role, User], client_a: Client, signed_in: SignedIn
) -> None:
    client_a.workers.add(users[Role.PSYCHOSOCIAL])
    http = signed_in(users[Role.PSYCHOSOCIAL])
    url = f"{reverse('plans:create')}?client={client_a.pk}&domain=housing"
    assert 'value="housing" selected' in http.get(url).content.decode()

    response = http.post(
        url,
        {
            "domain": "housing",
            "text": "A room of my own, close to my daughter's school.",
            "status": "proposed",
            "next_review": "2026-12-01",
            "written_with_client": "on",
        },
    )

    goal = Goal.objects.get(client=client_a)
    assert response.status_code == 302
    assert (goal.domain, goal.written_with_client, goal.version) == ("housing", True, 1)
    assert goal.created_by == users[Role.PSYCHOSOCIAL]
    assert AuditEntry.objects.filter(action=Action.CREATE, object_id=str(goal.pk)).exists()
    page = http.get(plan_url(client_a)).content.decode()
    assert "A room of my own" in page and str(LifeDomain.HOUSING.label) in page
    assert client_a.file_code in page


def test_a_legal_worker_cannot_read_the_plan(
    users: dict[Role, User], client_a: Client, signed_in: SignedIn
) -> None:
    goal = make_goal(client_a.centre, client=client_a)
    http = signed_in(users[Role.LEGAL])

    assert http.get(plan_url(client_a)).status_code == 403
    assert http.get(reverse("plans:history", kwargs={"pk": goal.pk})).status_code == 403
    assert http.post(edit_url(goal), form_data(goal, text="Changed")).status_code == 403


def test_another_centres_goal_is_not_found(
    users: dict[Role, User], client_b: Client, signed_in: SignedIn
) -> None:
    goal = make_goal(client_b.centre, client=client_b)

    response = signed_in(users[Role.PSYCHOSOCIAL]).get(edit_url(goal))

    assert response.status_code == 404


def test_the_second_of_two_concurrent_saves_is_refused_with_the_other_version_shown(
    users: dict[Role, User], client_a: Client, signed_in: SignedIn
) -> None:
    goal = make_goal(client_a.centre, client=client_a, text="Find a flat.")
    first = signed_in(users[Role.PSYCHOSOCIAL])
    second = signed_in(users[Role.DIRECTOR])
    loaded = form_data(goal)  # both open the form at version 1

    assert (
        first.post(edit_url(goal), {**loaded, "text": "Find a flat in Ghent."}).status_code == 302
    )
    response = second.post(edit_url(goal), {**loaded, "text": "Find a flat in Antwerp."})

    page = response.content.decode()
    goal.refresh_from_db()
    assert response.status_code == 200
    assert "Someone else saved this goal" in page
    assert "Find a flat in Ghent." in page  # the other person's version, shown
    assert "Find a flat in Antwerp." in page  # what was typed, kept in the form
    assert 'name="version" value="2"' in page
    assert (goal.text, goal.version) == ("Find a flat in Ghent.", 2)

    # Having seen both, the second worker saves on top of the current version.
    again = second.post(edit_url(goal), {**loaded, "text": "Ghent or Antwerp.", "version": 2})
    goal.refresh_from_db()
    assert again.status_code == 302
    assert (goal.text, goal.version) == ("Ghent or Antwerp.", 3)


def test_an_update_from_a_stale_version_is_refused_by_the_service(
    users: dict[Role, User], client_a: Client
) -> None:
    goal = make_goal(client_a.centre, client=client_a)
    worker = users[Role.PSYCHOSOCIAL]
    services.update_goal(by=worker, goal=goal, data={"status": "in_progress"}, version=1)

    with pytest.raises(services.StaleVersion) as refused:
        services.update_goal(by=worker, goal=goal, data={"status": "dropped"}, version=1)

    assert refused.value.current.status == GoalStatus.IN_PROGRESS
    assert Goal.objects.get(pk=goal.pk).status == GoalStatus.IN_PROGRESS


def test_the_evolution_lists_each_revision(
    users: dict[Role, User], client_a: Client, signed_in: SignedIn
) -> None:
    worker = users[Role.PSYCHOSOCIAL]
    goal = services.create_goal(
        by=worker, client=client_a, data={"domain": "housing", "text": "Version one words."}
    )
    goal = services.update_goal(
        by=worker,
        goal=goal,
        data={"text": "Version two words.", "status": "in_progress"},
        version=1,
    )
    services.update_goal(by=worker, goal=goal, data={"status": "achieved"}, version=2)

    page = signed_in(worker).get(reverse("plans:history", kwargs={"pk": goal.pk})).content.decode()

    assert list(goal.revisions.values_list("version", flat=True)) == [3, 2, 1]
    assert "Version one words." in page and "Version two words." in page
    assert page.index("Version 3") < page.index("Version 2") < page.index("Version 1")
    assert str(GoalStatus.ACHIEVED.label) in page
    assert AuditEntry.objects.filter(action=Action.UPDATE, object_id=str(goal.pk)).count() == 2


def test_goals_due_for_review_appear_in_the_list(
    users: dict[Role, User], client_a: Client, signed_in: SignedIn
) -> None:
    today = timezone.localdate()
    soon = make_goal(client_a.centre, client=client_a, next_review=today + datetime.timedelta(3))
    later = make_goal(
        client_a.centre, domain="health_wellbeing", next_review=today + datetime.timedelta(40)
    )
    done = make_goal(
        client_a.centre,
        domain="social_network",
        status=GoalStatus.ACHIEVED,
        next_review=today + datetime.timedelta(1),
    )

    for goal in (soon, later, done):
        goal.client.workers.add(users[Role.PSYCHOSOCIAL])
    page = signed_in(users[Role.PSYCHOSOCIAL]).get(reverse("plans:list")).content.decode()

    assert soon.client.file_code in page
    assert later.client.file_code not in page
    assert done.client.file_code not in page


def test_the_clients_plan_runs_the_same_queries_for_few_or_many_goals(
    users: dict[Role, User], client_a: Client, signed_in: SignedIn
) -> None:
    http = signed_in(users[Role.PSYCHOSOCIAL])

    def queries(count: int) -> int:
        for index in range(count):
            make_goal(client_a.centre, client=client_a, domain=LifeDomain.values[index % 8])
        with CaptureQueriesContext(connection) as captured:
            assert http.get(plan_url(client_a)).status_code == 200
        return len(captured)

    assert queries(2) == queries(12)


def test_the_review_list_runs_the_same_queries_for_few_or_many_goals(
    users: dict[Role, User], centre_a: Any, signed_in: SignedIn
) -> None:
    http = signed_in(users[Role.PSYCHOSOCIAL])
    today = timezone.localdate()

    def queries(count: int) -> int:
        for _ in range(count):
            make_goal(centre_a, client=ClientFactory(centre=centre_a), next_review=today)
        with CaptureQueriesContext(connection) as captured:
            assert http.get(reverse("plans:list")).status_code == 200
        return len(captured)

    assert queries(2) == queries(10)


def test_the_overview_timeline_shows_goal_items_to_the_psychosocial_worker_only(
    users: dict[Role, User], client_a: Client, signed_in: SignedIn
) -> None:
    worker = users[Role.PSYCHOSOCIAL]
    client_a.workers.add(worker, users[Role.LEGAL])  # the team: only the track's readers see
    goal = services.create_goal(
        by=worker, client=client_a, data={"domain": "housing", "text": "Own studio."}
    )
    services.update_goal(by=worker, goal=goal, data={"status": "in_progress"}, version=1)
    overview = reverse("clients:detail", kwargs={"pk": client_a.pk})

    psychosocial = signed_in(worker).get(overview).content.decode()
    legal = signed_in(users[Role.LEGAL]).get(overview).content.decode()

    assert "Goal set: Housing" in psychosocial and "Goal changed: Housing" in psychosocial
    assert "Goal set" not in legal and "Goal changed" not in legal


def test_a_psychosocial_worker_outside_the_team_sees_no_goal_until_breaking_the_glass(
    users: dict[Role, User], client_a: Client, signed_in: SignedIn
) -> None:
    worker = users[Role.PSYCHOSOCIAL]
    services.create_goal(by=worker, client=client_a, data={"domain": "housing", "text": "Studio."})
    http = signed_in(worker)
    overview = reverse("clients:detail", kwargs={"pk": client_a.pk})
    assert "Goal set: Housing" not in http.get(overview).content.decode()
    http.post(
        reverse("clients:break_glass", kwargs={"pk": client_a.pk}),
        {"reason": "Covering for a colleague on sick leave today."},
    )
    assert "Goal set: Housing" in http.get(overview).content.decode()


def test_the_overview_timeline_runs_the_same_queries_for_few_or_many_goal_changes(
    users: dict[Role, User], client_a: Client, signed_in: SignedIn
) -> None:
    worker = users[Role.PSYCHOSOCIAL]
    http = signed_in(worker)
    overview = reverse("clients:detail", kwargs={"pk": client_a.pk})

    def queries(count: int) -> int:
        for _ in range(count):
            goal = services.create_goal(
                by=worker, client=client_a, data={"domain": "housing", "text": "A goal."}
            )
            services.update_goal(by=worker, goal=goal, data={"status": "achieved"}, version=1)
        with CaptureQueriesContext(connection) as captured:
            assert http.get(overview).status_code == 200
        return len(captured)

    assert queries(1) == queries(5)


def test_the_edit_page_answers_only_to_get_and_post(
    users: dict[Role, User], client_a: Client, signed_in: SignedIn
) -> None:
    goal = make_goal(client_a.centre, client=client_a)

    response = signed_in(users[Role.PSYCHOSOCIAL]).put(edit_url(goal))

    assert response.status_code == 405
