"""Who sees which dossier, and which of its victims: through the clients whose file is open to
the worker, never more."""

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from haven.accounts.models import User
from haven.accounts.permissions import Role
from haven.audit.models import Action, AuditEntry
from haven.centres.models import Centre
from haven.factories import ClientFactory, UserFactory
from haven.legal import services
from haven.legal.models import Dossier, EventKind
from haven.legal.testing import make_dossier, make_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_victims(users: dict[Role, User], centre_a: Centre) -> dict[str, Any]:
    """A dossier about Amina (assigned to the first legal worker) and Blessing (assigned to a
    second legal worker)."""
    first = users[Role.LEGAL]
    second = UserFactory(centre=centre_a, role=Role.LEGAL, username="a-legal-2")
    amina = ClientFactory(centre=centre_a, file_code="AAA-2026-0101", pseudonym="Amina")
    blessing = ClientFactory(centre=centre_a, file_code="AAA-2026-0202", pseudonym="Blessing")
    amina.workers.set([first])
    blessing.workers.set([second])
    dossier = make_dossier(centre_a, victims=[amina, blessing], notice_number="AN.12.L1.4567/25")
    return {
        "dossier": dossier,
        "first": first,
        "second": second,
        "amina": amina,
        "blessing": blessing,
    }


def detail(http: Any, dossier: Dossier) -> Any:
    return http.get(reverse("legal:detail", kwargs={"pk": dossier.pk}))


def test_a_dossier_with_two_victims_shows_each_victim_only_to_those_allowed(
    two_victims: dict[str, Any], users: dict[Role, User], signed_in: Any
) -> None:
    dossier, amina = two_victims["dossier"], two_victims["amina"]

    page = detail(signed_in(two_victims["first"]), dossier)
    assert page.status_code == 200
    text = page.content.decode()
    assert "AAA-2026-0101 · Amina" in text
    assert "AAA-2026-0202" not in text and "Blessing" not in text
    assert "1 other victim you are not assigned to." in text

    text = detail(signed_in(two_victims["second"]), dossier).content.decode()
    assert "AAA-2026-0202 · Blessing" in text
    assert "AAA-2026-0101" not in text and "Amina" not in text
    assert "1 other victim you are not assigned to." in text

    text = detail(signed_in(users[Role.DIRECTOR]), dossier).content.decode()
    assert "AAA-2026-0101 · Amina" in text and "AAA-2026-0202 · Blessing" in text
    assert "not assigned to" not in text
    # Nothing of identity, even to the director.
    assert amina.legal_name not in text and amina.address not in text


def test_a_worker_assigned_to_no_victim_gets_not_found(
    two_victims: dict[str, Any], users: dict[Role, User], signed_in: Any
) -> None:
    http = signed_in(users[Role.PSYCHOSOCIAL])
    assert detail(http, two_victims["dossier"]).status_code == 404
    listing = http.get(reverse("legal:list")).content.decode()
    assert two_victims["dossier"].code not in listing


def test_breaking_the_glass_for_one_client_shows_that_victim_only(
    two_victims: dict[str, Any], users: dict[Role, User], signed_in: Any
) -> None:
    http = signed_in(users[Role.PSYCHOSOCIAL])
    granted = http.post(
        reverse("clients:break_glass", kwargs={"pk": two_victims["amina"].pk}),
        {"reason": "The client asks about the hearing at the front desk."},
    )
    assert granted.status_code == 302
    page = detail(http, two_victims["dossier"])
    assert page.status_code == 200
    text = page.content.decode()
    assert "AAA-2026-0101 · Amina" in text
    assert "Blessing" not in text
    assert "1 other victim you are not assigned to." in text


def test_the_list_shows_only_the_dossiers_of_visible_clients_and_only_visible_victims(
    two_victims: dict[str, Any], centre_a: Centre, signed_in: Any
) -> None:
    amina, blessing = two_victims["amina"], two_victims["blessing"]
    only_blessing = make_dossier(centre_a, victims=[blessing])
    text = signed_in(two_victims["first"]).get(reverse("legal:list")).content.decode()
    assert two_victims["dossier"].code in text
    assert only_blessing.code not in text
    assert "AAA-2026-0101 · Amina" in text
    assert "Blessing" not in text
    assert "1 other victim" in text
    assert amina.legal_name not in text


def test_the_list_filters_by_outcome_and_finds_a_notice_number(
    two_victims: dict[str, Any], centre_a: Centre, signed_in: Any
) -> None:
    first, amina = two_victims["first"], two_victims["amina"]
    dismissed = make_dossier(centre_a, victims=[amina], notice_number="GE.99.X1.0001/24")
    make_event(centre_a, dismissed, kind=EventKind.DISMISSED)
    services.derive_outcome(dismissed, by=first)
    http = signed_in(first)

    found = http.get(reverse("legal:list"), {"q": "4567/25"}).content.decode()
    assert two_victims["dossier"].code in found and dismissed.code not in found

    filtered = http.get(reverse("legal:list"), {"outcome": "dismissed"}).content.decode()
    assert dismissed.code in filtered and two_victims["dossier"].code not in filtered


def test_another_centres_dossier_answers_not_found_and_is_logged_as_refused(
    users: dict[Role, User], centre_b: Centre, signed_in: Any
) -> None:
    theirs = make_dossier(centre_b)
    http = signed_in(users[Role.DIRECTOR])
    assert detail(http, theirs).status_code == 404
    assert http.get(reverse("legal:edit", kwargs={"pk": theirs.pk})).status_code == 404
    refused = AuditEntry.objects.filter(
        action=Action.DENIED, object_type="legal.dossier", object_id=str(theirs.pk)
    )
    assert [entry.centre for entry in refused] == [centre_b, centre_b]


def test_reading_a_dossier_is_audited_with_the_victims_shown(
    two_victims: dict[str, Any], signed_in: Any
) -> None:
    detail(signed_in(two_victims["first"]), two_victims["dossier"])
    entry = AuditEntry.objects.get(action=Action.VIEW, object_type="legal.dossier")
    assert entry.actor == two_victims["first"]
    assert "AAA-2026-0101" in entry.note
    assert "AAA-2026-0202" not in entry.note


def test_a_role_without_dossier_write_cannot_change_a_dossier(
    two_victims: dict[str, Any], users: dict[Role, User], signed_in: Any
) -> None:
    worker = users[Role.PSYCHOSOCIAL]
    two_victims["amina"].workers.add(worker)
    http = signed_in(worker)
    dossier = two_victims["dossier"]
    assert detail(http, dossier).status_code == 200
    assert "Add a step" not in detail(http, dossier).content.decode()
    assert http.get(reverse("legal:create")).status_code == 403
    response = http.post(
        reverse("legal:event_add", kwargs={"pk": dossier.pk}),
        {"kind": EventKind.DISMISSED, "date": f"{timezone.localdate():%Y-%m-%d}"},
    )
    assert response.status_code == 403
    assert not dossier.events.exists()


def test_a_writer_may_add_as_victim_only_a_client_whose_file_is_open_to_them(
    two_victims: dict[str, Any], centre_a: Centre, signed_in: Any
) -> None:
    first = two_victims["first"]
    amina = two_victims["amina"]
    dossier = make_dossier(centre_a, victims=[amina])
    http = signed_in(first)
    url = reverse("legal:victim_add", kwargs={"pk": dossier.pk})

    refused = http.post(url, {"client": "AAA-2026-0202"})
    assert refused.status_code == 200
    assert "You may name only clients whose file is open to you." in refused.content.decode()
    assert dossier.victims.count() == 1

    colleague_client: Any = ClientFactory(
        centre=centre_a, file_code="AAA-2026-0303", pseudonym="Chidi"
    )
    colleague_client.workers.add(first)
    added = http.post(url, {"client": "AAA-2026-0303", "complaint_on": "2025-01-05"})
    assert added.status_code == 302
    victim = dossier.victims.get(client=colleague_client)
    assert victim.complaint_on == datetime.date(2025, 1, 5)
    assert AuditEntry.objects.filter(
        action=Action.CREATE, object_type="legal.victim", object_id=str(victim.pk)
    ).exists()


def test_upcoming_hearings_are_those_of_visible_dossiers(
    two_victims: dict[str, Any], centre_a: Centre
) -> None:
    today = timezone.localdate()
    only_blessing = make_dossier(centre_a, victims=[two_victims["blessing"]])
    seen = make_event(
        centre_a, two_victims["dossier"], kind=EventKind.HEARING, date=today, court="Antwerp"
    )
    make_event(centre_a, only_blessing, kind=EventKind.HEARING, date=today, court="Antwerp")
    later = today + datetime.timedelta(days=40)
    make_event(centre_a, two_victims["dossier"], kind=EventKind.HEARING, date=later, court="X")
    hearings = services.upcoming_hearings(
        two_victims["first"], today, today + datetime.timedelta(days=30)
    )
    assert list(hearings) == [seen]
