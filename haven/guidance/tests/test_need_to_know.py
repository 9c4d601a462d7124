"""The need-to-know rules of guidance, role by role, for a client whose team includes every
case worker of the fixture: who reads which track's journal, the plan, the emergency card and
the group activities (issue 4, "Need-to-know")."""

from typing import Any

import pytest
from django.urls import reverse

from haven.accounts.models import User
from haven.accounts.permissions import CENTRE_ROLES, Role
from haven.clients.models import Client
from haven.guidance.models import Track
from haven.journal.testing import make_entry
from haven.plans.testing import make_goal

PAGES = ("psychosocial", "legal", "administrative", "plan", "emergency_card", "groups")

# What each role may open (True) for a client of its own team; everything else is refused.
READS: dict[Role, set[str]] = {
    Role.DIRECTOR: set(PAGES),
    Role.PSYCHOSOCIAL: {"psychosocial", "plan", "emergency_card", "groups"},
    Role.LEGAL: {"legal", "administrative", "emergency_card", "groups"},
    Role.NIGHT_STAFF: {"emergency_card"},
    Role.VOLUNTEER: {"groups"},
    Role.ADMIN_FINANCE: set(),
    Role.TRAINING: set(),
    Role.RAPPORTEUR: set(),
    Role.SYSADMIN: set(),
    Role.DPO: set(),
}


@pytest.fixture
def urls(users: dict[Role, User], client_a: Client) -> dict[str, str]:
    client_a.workers.add(*(users[r] for r in (Role.PSYCHOSOCIAL, Role.LEGAL, Role.DIRECTOR)))
    entries = {
        track: make_entry(
            client_a.centre,
            client=client_a,
            track=track,
            whole_team=False,
            author=users[Role.DIRECTOR],
            text=f"Private {track} note",
        )
        for track in Track
    }
    make_goal(client_a.centre, client=client_a, text="Own studio", created_by=users[Role.DIRECTOR])
    return {
        **{t.value: reverse("journal:detail", kwargs={"pk": e.pk}) for t, e in entries.items()},
        "plan": reverse("plans:list") + f"?client={client_a.pk}",
        "emergency_card": reverse("clients:emergency_card", kwargs={"pk": client_a.pk}),
        "groups": reverse("groups:list"),
    }


def opened(response: Any, page: str) -> bool:
    if response.status_code in (403, 404):
        return False
    assert response.status_code == 200, response.status_code
    content = response.content.decode()
    if page in {t.value for t in Track}:
        return f"Private {page} note" in content
    if page == "plan":
        return "Own studio" in content
    return True


def test_every_role_reads_exactly_what_its_need_to_know_allows(
    users: dict[Role, User], urls: dict[str, str], signed_in: Any
) -> None:
    assert set(READS) == set(CENTRE_ROLES)
    seen = {
        role: {page for page in PAGES if opened(signed_in(users[role]).get(urls[page]), page)}
        for role in CENTRE_ROLES
    }
    assert seen == READS
