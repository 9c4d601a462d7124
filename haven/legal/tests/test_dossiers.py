"""Opening a dossier, its status timeline and what is derived from it, victims' claims."""

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from haven.accounts.models import User
from haven.accounts.permissions import Role
from haven.audit.models import Action, AuditEntry
from haven.centres.models import Centre
from haven.clients.models import Client
from haven.factories import ClientFactory
from haven.legal import services
from haven.legal.models import Dossier, DossierEvent, EventKind, Outcome, Verdict
from haven.legal.testing import make_dossier, make_event
from haven.partners.models import PartnerKind
from haven.partners.testing import make_partner

pytestmark = pytest.mark.django_db


def day(n: int) -> datetime.date:
    """``n`` days after the dossiers of these tests opened, 300 days ago."""
    return timezone.localdate() - datetime.timedelta(days=300 - n)


@pytest.fixture
def legal(users: dict[Role, User]) -> User:
    return users[Role.LEGAL]


@pytest.fixture
def victim(centre_a: Centre, legal: User) -> Client:
    client: Any = ClientFactory(centre=centre_a, file_code="AAA-2026-0101", pseudonym="Amina")
    client.workers.set([legal])
    return client


@pytest.fixture
def dossier(centre_a: Centre, victim: Client) -> Dossier:
    return make_dossier(centre_a, victims=[victim], opened_on=day(0))


def step(dossier: Dossier, by: User, kind: str, when: datetime.date, **values: Any) -> Any:
    return services.add_event(by=by, dossier=dossier, data={"kind": kind, "date": when, **values})


def test_a_legal_worker_opens_a_dossier_for_their_client(
    legal: User, victim: Client, signed_in: Any
) -> None:
    http = signed_in(legal)
    form = http.get(reverse("legal:create"), {"client": victim.pk}).content.decode()
    assert 'value="AAA-2026-0101"' in form
    response = http.post(
        reverse("legal:create") + f"?client={victim.pk}",
        {
            "client": "AAA-2026-0101",
            "office_kind": "labour_auditor",
            "office": "LUI",
            "notice_number": "LI.55.F3.1234/26",
            "investigating_service": "social_inspection",
            "opened_on": f"{day(0):%Y-%m-%d}",
        },
    )
    assert response.status_code == 302
    dossier = Dossier.objects.get()
    assert dossier.code == f"AAA-D-{day(0).year}-0001"
    assert response["Location"] == reverse("legal:detail", kwargs={"pk": dossier.pk})
    assert dossier.victims.get().client == victim
    assert dossier.created_by == legal
    assert dossier.outcome == Outcome.PENDING
    created = AuditEntry.objects.get(action=Action.CREATE, object_type="legal.dossier")
    assert created.changes["notice_number"]["to"] == "LI.55.F3.1234/26"
    assert AuditEntry.objects.filter(action=Action.CREATE, object_type="legal.victim").exists()
    page = http.get(response["Location"]).content.decode()
    assert "Labour auditor&#x27;s office · Liège" in page
    assert "AAA-2026-0101 · Amina" in page


def test_a_hearing_before_the_dossier_opened_is_a_form_error_keeping_what_was_typed(
    legal: User, dossier: Dossier, signed_in: Any
) -> None:
    response = signed_in(legal).post(
        reverse("legal:event_add", kwargs={"pk": dossier.pk}),
        {
            "kind": EventKind.HEARING,
            "date": f"{day(-2):%Y-%m-%d}",
            "court": "Criminal court Antwerp",
            "note": "Chamber C4",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert f"A step cannot be before the dossier opened ({day(0):%Y-%m-%d})." in page
    assert 'value="Criminal court Antwerp"' in page
    assert 'value="Chamber C4"' in page
    assert f'value="{day(-2):%Y-%m-%d}"' in page
    assert not dossier.events.exists()


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"kind": EventKind.HEARING, "court": ""}, "court", "Say which court holds the hearing."),
        ({"kind": EventKind.VERDICT, "verdict": ""}, "verdict", "Choose the verdict."),
        (
            {"kind": EventKind.APPEAL},
            "kind",
            "An appeal follows a verdict: record the verdict first.",
        ),
        (
            {"kind": EventKind.VERDICT, "verdict": Verdict.CONVICTION},
            "kind",
            "A verdict follows a referral to court: record that first.",
        ),
    ],
)
def test_a_step_that_does_not_fit_the_timeline_is_refused(
    values: dict[str, Any], field: str, message: str, legal: User, dossier: Dossier
) -> None:
    with pytest.raises(ValidationError) as refused:
        step(dossier, legal, values.pop("kind"), day(10), **values)
    assert refused.value.message_dict == {field: [message]}
    assert not dossier.events.exists()


def test_only_a_hearing_can_be_in_the_future(legal: User, dossier: Dossier) -> None:
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError):
        step(dossier, legal, EventKind.DISMISSED, tomorrow)
    hearing = step(dossier, legal, EventKind.HEARING, tomorrow, court="Criminal court Ghent")
    assert hearing.date == tomorrow


def test_a_dismissal_makes_the_dossier_dismissed_on_its_date(legal: User, dossier: Dossier) -> None:
    step(dossier, legal, EventKind.INVESTIGATION, day(1))
    step(dossier, legal, EventKind.DISMISSED, day(40))
    dossier.refresh_from_db()
    assert (dossier.outcome, dossier.outcome_date) == (Outcome.DISMISSED, day(40))
    assert dossier.verdict == "" and dossier.verdict_date is None and not dossier.appealed
    derived = AuditEntry.objects.filter(action=Action.UPDATE, object_type="legal.dossier").last()
    assert derived is not None
    assert derived.changes["outcome"] == {"from": "pending", "to": "dismissed"}
    assert derived.actor == legal


def test_a_referral_then_a_conviction_and_an_appeal(legal: User, dossier: Dossier) -> None:
    step(dossier, legal, EventKind.REFERRED, day(60), court="Criminal court Antwerp")
    step(dossier, legal, EventKind.HEARING, day(90), court="Criminal court Antwerp")
    dossier.refresh_from_db()
    assert (dossier.outcome, dossier.outcome_date, dossier.verdict) == (
        Outcome.COURT,
        day(60),
        "",
    )

    step(dossier, legal, EventKind.VERDICT, day(120), verdict=Verdict.CONVICTION)
    dossier.refresh_from_db()
    assert (dossier.outcome, dossier.verdict, dossier.verdict_date) == (
        Outcome.COURT,
        Verdict.CONVICTION,
        day(120),
    )
    assert not dossier.appealed

    appeal = step(dossier, legal, EventKind.APPEAL, day(130), court="Court of appeal Antwerp")
    dossier.refresh_from_db()
    assert dossier.appealed

    # The appeal court's verdict is the latest one; no appeal follows it.
    step(dossier, legal, EventKind.VERDICT, day(250), verdict=Verdict.PARTIAL_ACQUITTAL)
    dossier.refresh_from_db()
    assert (dossier.verdict, dossier.verdict_date, dossier.appealed) == (
        Verdict.PARTIAL_ACQUITTAL,
        day(250),
        False,
    )
    assert appeal.pk


def test_deleting_the_appeal_clears_appealed_and_a_verdict_with_an_appeal_cannot_go(
    legal: User, dossier: Dossier
) -> None:
    step(dossier, legal, EventKind.REFERRED, day(60))
    verdict = step(dossier, legal, EventKind.VERDICT, day(120), verdict=Verdict.ACQUITTAL)
    appeal = step(dossier, legal, EventKind.APPEAL, day(125))
    with pytest.raises(ValidationError):
        services.delete_event(by=legal, event=verdict)
    appeal_pk = appeal.pk
    services.delete_event(by=legal, event=appeal)
    dossier.refresh_from_db()
    assert not dossier.appealed and dossier.verdict == Verdict.ACQUITTAL
    assert AuditEntry.objects.filter(
        action=Action.DELETE, object_type="legal.dossierevent", object_id=str(appeal_pk)
    ).exists()
    assert not DossierEvent.objects.filter(pk=appeal_pk).exists()


def test_a_later_step_decides_the_outcome_and_a_corrected_date_is_derived_again(
    legal: User, dossier: Dossier
) -> None:
    dismissed = step(dossier, legal, EventKind.DISMISSED, day(30))
    step(dossier, legal, EventKind.REFERRED, day(80))
    dossier.refresh_from_db()
    assert (dossier.outcome, dossier.outcome_date) == (Outcome.COURT, day(80))
    services.update_event(
        by=legal, event=dismissed, data={"kind": EventKind.DISMISSED, "date": day(100)}
    )
    dossier.refresh_from_db()
    assert (dossier.outcome, dossier.outcome_date) == (Outcome.DISMISSED, day(100))
    changed = AuditEntry.objects.get(
        action=Action.UPDATE, object_type="legal.dossierevent", object_id=str(dismissed.pk)
    )
    assert changed.changes["date"] == {"from": str(day(30)), "to": str(day(100))}


def test_a_step_is_recorded_and_corrected_through_the_pages(
    legal: User, dossier: Dossier, signed_in: Any
) -> None:
    http = signed_in(legal)
    url = reverse("legal:event_add", kwargs={"pk": dossier.pk})
    assert http.get(url, {"kind": "hearing"}).status_code == 200
    response = http.post(url, {"kind": "referred", "date": f"{day(40):%Y-%m-%d}", "court": "X"})
    assert response.status_code == 302
    event = dossier.events.get()
    edit = reverse("legal:event_edit", kwargs={"pk": event.pk})
    assert f'value="{day(40):%Y-%m-%d}"' in http.get(edit).content.decode()
    assert http.post(edit, {"kind": "referred", "date": f"{day(42):%Y-%m-%d}"}).status_code == 302
    dossier.refresh_from_db()
    assert dossier.outcome_date == day(42)
    page = http.get(reverse("legal:detail", kwargs={"pk": dossier.pk})).content.decode()
    assert "Referred to court" in page
    delete = reverse("legal:event_delete", kwargs={"pk": event.pk})
    assert http.get(delete).status_code == 200
    assert http.post(delete).status_code == 302
    dossier.refresh_from_db()
    assert dossier.outcome == Outcome.PENDING and dossier.outcome_date is None


def test_the_dossier_cannot_open_after_its_first_step(
    legal: User, dossier: Dossier, signed_in: Any
) -> None:
    step(dossier, legal, EventKind.INVESTIGATION, day(5))
    response = signed_in(legal).post(
        reverse("legal:edit", kwargs={"pk": dossier.pk}),
        {"office_kind": "prosecutor", "office": "ANT", "opened_on": f"{day(9):%Y-%m-%d}"},
    )
    assert response.status_code == 200
    message = f"The dossier cannot open after its first step ({day(5):%Y-%m-%d})."
    assert message in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.opened_on == day(0)


def test_the_centre_joins_as_civil_party_with_its_lawyer(
    legal: User, dossier: Dossier, centre_a: Centre, signed_in: Any
) -> None:
    lawyer = make_partner(centre_a, name="Mr. B. Peeters")
    police = make_partner(centre_a, kind=PartnerKind.LOCAL_POLICE, name="Zone Antwerpen")
    http = signed_in(legal)
    url = reverse("legal:edit", kwargs={"pk": dossier.pk})
    form = http.get(url).content.decode()
    assert "Mr. B. Peeters" in form and "Zone Antwerpen" in form
    data = {
        "office_kind": "prosecutor",
        "office": "ANT",
        "opened_on": f"{day(0):%Y-%m-%d}",
        "investigating_service": "local_police",
        "investigator": police.pk,
        "centre_civil_party_on": "2025-04-02",
        "centre_lawyer": lawyer.pk,
        "centre_compensation_claimed": "2500.00",
    }
    assert http.post(url, data).status_code == 302
    dossier.refresh_from_db()
    assert dossier.centre_lawyer == lawyer and dossier.investigator == police
    assert dossier.centre_compensation_claimed == Decimal("2500.00")
    changed = AuditEntry.objects.get(
        action=Action.UPDATE, object_type="legal.dossier", object_id=str(dossier.pk)
    )
    assert changed.changes["centre_civil_party_on"] == {"from": None, "to": "2025-04-02"}
    page = http.get(reverse("legal:detail", kwargs={"pk": dossier.pk})).content.decode()
    assert "Mr. B. Peeters" in page

    # A police zone is no lawyer: the picker does not offer it and the service refuses it.
    refused = http.post(url, {**data, "centre_lawyer": police.pk})
    assert refused.status_code == 200
    with pytest.raises(ValidationError) as error:
        services.update_dossier(
            by=legal,
            dossier=dossier,
            data={"opened_on": day(0), "office": "ANT", "centre_lawyer": police},
        )
    assert "centre_lawyer" in error.value.message_dict


def test_an_inactive_lawyer_is_not_offered_but_one_already_named_is_kept(
    legal: User, dossier: Dossier, centre_a: Centre
) -> None:
    gone = make_partner(centre_a, name="Mr. Gone", is_active=False)
    assert gone not in services.lawyers(centre_a)
    victim = dossier.victims.get()
    victim.lawyer = gone
    victim.save()
    assert gone in services.lawyers(centre_a, keep=gone.pk)
    services.update_victim(by=legal, victim=victim, data={"lawyer": gone, "complaint_on": day(3)})
    victim.refresh_from_db()
    assert victim.complaint_on == day(3)


def test_a_victims_claim_and_compensation_are_recorded(
    legal: User, dossier: Dossier, centre_a: Centre, signed_in: Any
) -> None:
    victim = dossier.victims.get()
    lawyer = make_partner(centre_a, name="Ms. C. Dubois")
    http = signed_in(legal)
    url = reverse("legal:victim_edit", kwargs={"pk": victim.pk})
    data = {
        "complaint_on": "2025-02-20",
        "statement_on": "2025-03-04",
        "civil_party_on": "2025-05-01",
        "lawyer": lawyer.pk,
        "compensation_claimed": "12000",
        "compensation_awarded": "8000",
        "compensation_received": "9000",
    }
    refused = http.post(url, data)
    assert refused.status_code == 200
    assert "More cannot be received than was awarded." in refused.content.decode()
    assert 'value="12000"' in refused.content.decode()

    assert http.post(url, {**data, "compensation_received": "1500"}).status_code == 302
    victim.refresh_from_db()
    assert victim.compensation_received == Decimal("1500")
    assert victim.lawyer == lawyer
    changed = AuditEntry.objects.get(
        action=Action.UPDATE, object_type="legal.victim", object_id=str(victim.pk)
    )
    assert changed.changes["compensation_awarded"] == {"from": None, "to": "8000"}
    page = http.get(reverse("legal:detail", kwargs={"pk": dossier.pk})).content.decode()
    assert "Ms. C. Dubois" in page
    assert "€ 8,000.00" in page


@pytest.mark.parametrize("name", ["compensation_claimed", "compensation_received"])
def test_a_negative_amount_is_refused(name: str, legal: User, dossier: Dossier) -> None:
    with pytest.raises(ValidationError) as refused:
        services.update_victim(by=legal, victim=dossier.victims.get(), data={name: Decimal(-1)})
    assert refused.value.message_dict == {name: ["An amount cannot be negative."]}


def test_the_last_victim_cannot_be_removed_but_another_can(
    legal: User, dossier: Dossier, centre_a: Centre, signed_in: Any
) -> None:
    only = dossier.victims.get()
    http = signed_in(legal)
    response = http.post(reverse("legal:victim_remove", kwargs={"pk": only.pk}), follow=True)
    assert "this is the last one" in response.content.decode()
    assert dossier.victims.count() == 1

    other: Any = ClientFactory(centre=centre_a)
    other.workers.add(legal)
    added = services.add_victim(by=legal, dossier=dossier, client=other, data={})
    assert http.post(reverse("legal:victim_remove", kwargs={"pk": added.pk})).status_code == 302
    assert list(dossier.victims.values_list("client", flat=True)) == [only.client_id]
    removed = AuditEntry.objects.get(action=Action.DELETE, object_type="legal.victim")
    assert removed.object_label == f"{other.file_code} {dossier.code}"


def test_a_client_is_a_victim_in_a_dossier_only_once(legal: User, dossier: Dossier) -> None:
    with pytest.raises(ValidationError):
        services.add_victim(by=legal, dossier=dossier, client=dossier.victims.get().client, data={})


def test_dossier_codes_follow_each_other_per_centre_and_year(legal: User, victim: Client) -> None:
    data = {"office": "ANT", "opened_on": datetime.date(2024, 12, 30)}
    first = services.create_dossier(by=legal, data=data, victims=[victim])
    second = services.create_dossier(by=legal, data=data, victims=[victim])
    later = services.create_dossier(
        by=legal, data={**data, "opened_on": datetime.date(2025, 1, 2)}, victims=[victim]
    )
    assert [first.code, second.code, later.code] == [
        "AAA-D-2024-0001",
        "AAA-D-2024-0002",
        "AAA-D-2025-0001",
    ]


def test_a_dossier_needs_a_victim(legal: User) -> None:
    with pytest.raises(ValidationError):
        services.create_dossier(
            by=legal, data={"office": "ANT", "opened_on": datetime.date(2025, 1, 2)}, victims=[]
        )


def test_a_step_of_another_dossier_is_not_mixed_up(
    legal: User, dossier: Dossier, centre_a: Centre, victim: Client
) -> None:
    other = make_dossier(centre_a, victims=[victim], opened_on=day(0))
    make_event(centre_a, other, kind=EventKind.REFERRED, date=day(20))
    with pytest.raises(ValidationError):
        step(dossier, legal, EventKind.VERDICT, day(30), verdict=Verdict.CONVICTION)
