"""Break-the-glass: journals and plan outside the assigned team need a stated reason."""

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from haven.accounts.models import User
from haven.accounts.permissions import Role
from haven.audit.models import Action, AuditEntry
from haven.clients.models import Client
from haven.guidance.models import Track
from haven.journal import services as journal
from haven.journal.testing import make_entry
from haven.plans import services as plans
from haven.plans.testing import make_goal

pytestmark = pytest.mark.django_db

SignedIn = Callable[[User], Any]
SECRET = "Nightmares about the flat."
REASON = "Client in crisis at night, her worker is on leave."


@pytest.fixture
def entry(users: dict[Role, User], client_a: Client) -> Any:
    return make_entry(
        client_a.centre,
        client=client_a,
        track=Track.PSYCHOSOCIAL,
        whole_team=False,
        text=SECRET,
        author=users[Role.PSYCHOSOCIAL],
    )


def journal_page(http: Any, client: Client) -> str:
    return http.get(reverse("journal:list"), {"client": client.pk}).content.decode()


def overview(http: Any, client: Client) -> str:
    return http.get(reverse("clients:detail", kwargs={"pk": client.pk})).content.decode()


def glass_url(client: Client) -> str:
    return reverse("clients:break_glass", kwargs={"pk": client.pk})


def test_an_unassigned_worker_reads_only_after_breaking_the_glass(
    users: dict[Role, User], client_a: Client, entry: Any, signed_in: SignedIn
) -> None:
    worker = users[Role.PSYCHOSOCIAL]
    assert not journal.visible_entries(worker, client_a).exists()
    http = signed_in(worker)
    page = overview(http, client_a)
    assert reverse("journal:detail", kwargs={"pk": entry.pk}) not in page
    assert glass_url(client_a) in page

    response = http.post(glass_url(client_a), {"reason": REASON})

    assert response.status_code == 302
    assert response.url == reverse("clients:detail", kwargs={"pk": client_a.pk})
    audited = AuditEntry.objects.get(action=Action.BREAK_GLASS, object_id=str(client_a.pk))
    assert audited.actor == worker and audited.note == REASON
    page = overview(http, client_a)
    assert reverse("journal:detail", kwargs={"pk": entry.pk}) in page
    assert glass_url(client_a) not in page
    assert list(journal.visible_entries(worker, client_a, granted={client_a.pk})) == [entry]


def test_the_plan_is_hidden_without_a_grant(users: dict[Role, User], client_a: Client) -> None:
    goal = make_goal(client_a.centre, client=client_a)
    worker = users[Role.PSYCHOSOCIAL]
    assert not plans.client_goals(worker, client_a).exists()
    assert list(plans.client_goals(worker, client_a, granted=[client_a.pk])) == [goal]
    client_a.workers.add(worker)
    assert list(plans.client_goals(worker, client_a)) == [goal]


def test_the_grant_lasts_for_the_session_only(
    users: dict[Role, User], client_a: Client, entry: Any, signed_in: SignedIn
) -> None:
    first = signed_in(users[Role.PSYCHOSOCIAL])
    first.post(glass_url(client_a), {"reason": REASON})
    link = reverse("journal:detail", kwargs={"pk": entry.pk})
    assert link in overview(first, client_a)
    second = signed_in(users[Role.PSYCHOSOCIAL])
    assert link not in overview(second, client_a)


def test_a_short_reason_is_refused_and_the_text_kept(
    users: dict[Role, User], client_a: Client, entry: Any, signed_in: SignedIn
) -> None:
    http = signed_in(users[Role.PSYCHOSOCIAL])
    assert http.get(glass_url(client_a)).status_code == 200
    response = http.post(glass_url(client_a), {"reason": "urgent"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "urgent</textarea>" in page
    assert "at least 10 characters" in page
    assert not AuditEntry.objects.filter(action=Action.BREAK_GLASS).exists()
    assert reverse("journal:detail", kwargs={"pk": entry.pk}) not in overview(http, client_a)


def test_the_director_reads_without_breaking_the_glass(
    users: dict[Role, User], client_a: Client, entry: Any, signed_in: SignedIn
) -> None:
    http = signed_in(users[Role.DIRECTOR])
    page = overview(http, client_a)
    assert reverse("journal:detail", kwargs={"pk": entry.pk}) in page
    assert glass_url(client_a) not in page
    assert SECRET in journal_page(http, client_a)
    assert not AuditEntry.objects.filter(action=Action.BREAK_GLASS).exists()


def test_an_assigned_worker_reads_without_breaking_the_glass(
    users: dict[Role, User], client_a: Client, entry: Any, signed_in: SignedIn
) -> None:
    client_a.workers.add(users[Role.PSYCHOSOCIAL])
    http = signed_in(users[Role.PSYCHOSOCIAL])
    assert SECRET in journal_page(http, client_a)
    assert glass_url(client_a) not in overview(http, client_a)


def test_night_staff_cannot_break_the_glass(
    users: dict[Role, User], client_a: Client, signed_in: SignedIn
) -> None:
    http = signed_in(users[Role.NIGHT_STAFF])
    assert http.post(glass_url(client_a), {"reason": REASON}).status_code == 403


def test_the_middleware_hands_the_sessions_grants_to_the_services(client_a: Client) -> None:
    from django.test import RequestFactory

    from haven.clients import glass

    request = RequestFactory().get("/")
    request.session = {glass.SESSION_KEY: [client_a.pk]}  # type: ignore[assignment]
    seen = glass.BreakGlassMiddleware(lambda _request: glass.current())(request)
    assert seen == {client_a.pk}
    assert glass.current() == frozenset()
