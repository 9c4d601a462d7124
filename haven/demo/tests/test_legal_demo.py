"""The demo's administrative and legal tracks: residence documents, renewals, dossiers and the
other outcomes, consistent with the guidance episodes and with the rules the app applies."""

import datetime
from collections import Counter, defaultdict
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.db.models import Count
from django.test import override_settings

from haven.accounts.models import User
from haven.clients.models import Client
from haven.demo.services import FAMILY
from haven.demo.tests.test_history import run_demo
from haven.guidance.models import EndReason, Episode
from haven.legal.access import visible_dossiers, visible_victims
from haven.legal.models import Dossier, DossierEvent, Victim
from haven.partners.models import Partner, PartnerKind
from haven.residence import status
from haven.residence.models import (
    PERMANENT,
    Decision,
    DocumentType,
    Regularisation,
    RegularisationBasis,
    Renewal,
    ResidenceDocument,
    SocialRight,
    VoluntaryReturn,
)

TODAY = datetime.date(2026, 3, 4)


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    """The demo at scale 1, generated once for this module's tests and rolled back after
    (with the test settings of haven/conftest.py, which apply per test only)."""
    test_settings = override_settings(
        FIELD_KEYS=["MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="],
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    )
    with django_db_blocker.unblock(), transaction.atomic():
        with test_settings:
            run_demo("--scale", "1")
        yield
        transaction.set_rollback(True)


def in_guidance() -> set[int]:
    return set(Episode.objects.filter(end_date=None).values_list("client_id", flat=True))


def documents_by_client() -> dict[int, list[ResidenceDocument]]:
    documents: dict[int, list[ResidenceDocument]] = defaultdict(list)
    for document in ResidenceDocument.objects.all():
        documents[document.client_id].append(document)
    return documents


def test_the_demo_has_documents_renewals_and_dossiers_with_several_victims(
    demo: None, db: Any
) -> None:
    kinds = Counter(ResidenceDocument.objects.values_list("document", flat=True))
    for kind in (DocumentType.ANNEX15, DocumentType.AI, DocumentType.A_CARD, DocumentType.B_CARD):
        assert kinds[kind] > 100, kind
    assert kinds[DocumentType.MINOR_AI] and kinds[DocumentType.HUMANITARIAN_PERMANENT]
    decisions = Counter(Renewal.objects.values_list("decision", flat=True))
    assert decisions[Decision.GRANTED] > 1000
    assert decisions[Decision.REFUSED] and decisions[Decision.PENDING]
    victims = Counter(
        Dossier.objects.annotate(n=Count("victims")).values_list("n", flat=True).order_by()
    )
    assert victims[1] > victims[2] > victims[3] > 0
    assert not victims[0] and max(victims) == 3
    for code in ("BXL", "ANT", "LIE"):
        assert Dossier.objects.filter(centre__code=code).count() > 100


def test_clients_in_guidance_have_documents_to_renew_and_hearings_to_attend(
    demo: None, db: Any
) -> None:
    current = Client.objects.filter(pk__in=in_guidance())
    soon = current.filter(
        residence_valid_until__range=(
            TODAY + datetime.timedelta(days=5),
            TODAY + datetime.timedelta(days=40),
        )
    )
    for code in ("BXL", "ANT", "LIE"):
        assert soon.filter(centre__code=code, residence_renewal_pending=False).exists(), code
        assert current.filter(centre__code=code, residence_renewal_pending=True).exists(), code
        hearings = DossierEvent.objects.filter(
            centre__code=code,
            kind="hearing",
            date__gt=TODAY,
            date__lte=TODAY + datetime.timedelta(days=30),
            dossier__victims__client__in=current,
        )
        assert hearings.exists(), code
    # A few red flags: a document expired without a renewal, among the current clients.
    expired = [c for c in current if status.is_expired(c, TODAY)]
    assert 1 <= len(expired) <= 10
    # Nothing is planned in the future except hearings.
    assert set(DossierEvent.objects.filter(date__gt=TODAY).values_list("kind", flat=True)) == {
        "hearing"
    }
    assert not ResidenceDocument.objects.filter(issued_on__gt=TODAY).exists()
    assert not Renewal.objects.filter(requested_on__gt=TODAY).exists()


def test_every_clients_residence_status_is_its_current_documents(demo: None, db: Any) -> None:
    documents = documents_by_client()
    pending = set(
        Renewal.objects.filter(decision=Decision.PENDING).values_list("document_id", flat=True)
    )
    assert len(documents) > 3000
    in_guidance = set(
        Episode.objects.filter(end_date__isnull=True).values_list("client_id", flat=True)
    )
    watched = 0
    for client_id, until, renewal_pending in Client.objects.values_list(
        "pk", "residence_valid_until", "residence_renewal_pending"
    ):
        # Only the documents of clients in guidance are watched (residence.services).
        mine = documents.get(client_id, []) if client_id in in_guidance else []
        watched += until is not None
        assert until == status.current_validity(mine), client_id
        latest = max(mine, key=lambda d: (d.issued_on, d.pk), default=None)
        assert renewal_pending == (latest is not None and latest.pk in pending), client_id
    assert watched > 50


def test_no_document_expires_before_it_was_issued_and_permanent_ones_never_expire(
    demo: None, db: Any
) -> None:
    for document in ResidenceDocument.objects.all():
        if document.document in PERMANENT:
            assert document.valid_until is None
        else:
            assert document.valid_until is not None
            assert document.valid_until >= document.issued_on


def test_documents_follow_the_protection_procedure(demo: None, db: Any) -> None:
    episodes = {e.client_id: e for e in Episode.objects.select_related("client")}
    convictions: dict[int, list[datetime.date]] = defaultdict(list)
    for client_id, day in DossierEvent.objects.filter(
        kind="verdict", verdict__in=["conviction", "partial_acquittal"]
    ).values_list("dossier__victims__client_id", "date"):
        convictions[client_id].append(day)
    with_dossier = set(Victim.objects.values_list("client_id", flat=True))
    for client_id, documents in documents_by_client().items():
        episode = episodes[client_id]
        documents.sort(key=lambda d: d.issued_on)
        first = documents[0]
        assert first.issued_on >= episode.start_date
        assert documents[-1].issued_on <= (episode.end_date or TODAY)
        if not episode.in_protection_procedure:
            assert [d.document for d in documents] == [DocumentType.EU_REGISTRATION]
            continue
        minor = episode.start_date.year - episode.client.birth_year < 18
        assert first.document == (DocumentType.MINOR_AI if minor else DocumentType.ANNEX15)
        for document in documents:
            if document.document == DocumentType.B_CARD and client_id in with_dossier:
                assert any(day < document.issued_on for day in convictions[client_id])
    # Each renewal: requested before the new document, which is the same client's.
    for renewal in Renewal.objects.select_related("document", "new_document"):
        document, new = renewal.document, renewal.new_document
        assert renewal.requested_on >= document.issued_on
        if renewal.decision == Decision.GRANTED:
            assert new is not None and new.client_id == document.client_id
            assert renewal.requested_on <= renewal.decided_on <= new.issued_on
        else:
            assert new is None
        assert (renewal.decided_on is None) == (renewal.decision == Decision.PENDING)


def test_clients_in_guidance_are_at_every_stage_of_the_procedure(demo: None, db: Any) -> None:
    current = in_guidance()
    documents = documents_by_client()
    dossiers: dict[int, list[Dossier]] = defaultdict(list)
    for victim in Victim.objects.filter(client_id__in=current).select_related("dossier"):
        dossiers[victim.client_id].append(victim.dossier)
    refused: dict[int, datetime.date] = {}
    for renewal in Renewal.objects.filter(decision=Decision.REFUSED).select_related("document"):
        refused[renewal.document.client_id] = renewal.document.issued_on
    stages = Counter(
        status.derive_stage(
            documents.get(client_id, []),
            refused_after=refused.get(client_id),
            case_ended_on=status.case_ended_without_conviction(dossiers[client_id])
            if dossiers[client_id]
            else None,
        )
        for client_id in current
    )
    assert all(stages[stage] for stage in status.Stage), stages
    assert stages[status.Stage.TEMPORARY] + stages[status.Stage.PERMANENT] > len(current) / 3


def test_a_dossiers_stored_outcome_matches_its_steps(demo: None, db: Any) -> None:
    steps: dict[int, list[DossierEvent]] = defaultdict(list)
    for event in DossierEvent.objects.order_by("date", "id"):
        steps[event.dossier_id].append(event)
    dossiers = list(Dossier.objects.all())
    for dossier in dossiers:
        mine = steps[dossier.pk]
        assert mine[0].kind == "investigation" and mine[0].date == dossier.opened_on
        assert all(event.date >= dossier.opened_on for event in mine)
        decisions = [e for e in mine if e.kind in ("dismissed", "non_suit", "referred")]
        if decisions:
            last = decisions[-1]
            assert dossier.outcome == ("court" if last.kind == "referred" else last.kind)
            assert dossier.outcome_date == last.date
        else:
            assert (dossier.outcome, dossier.outcome_date) == ("pending", None)
        verdicts = [e for e in mine if e.kind == "verdict"]
        if verdicts:
            assert (dossier.verdict, dossier.verdict_date) == (
                verdicts[-1].verdict,
                verdicts[-1].date,
            )
            after = mine[mine.index(verdicts[-1]) + 1 :]
            assert dossier.appealed == any(e.kind == "appeal" for e in after)
        else:
            assert (dossier.verdict, dossier.verdict_date, dossier.appealed) == ("", None, False)
            assert not any(
                e.kind == "hearing" and e.court.startswith("Court of appeal") for e in mine
            )
    outcomes = Counter(d.outcome for d in dossiers)
    assert all(outcomes[o] for o in ("pending", "dismissed", "non_suit", "court"))
    assert any(d.appealed for d in dossiers)


def test_dossiers_are_numbered_per_centre_and_go_to_the_districts_office(
    demo: None, db: Any
) -> None:
    for code in ("BXL", "ANT", "LIE"):
        codes = list(Dossier.objects.filter(centre__code=code).values_list("code", flat=True))
        assert len(codes) == len(set(codes))
        assert all(
            c.startswith(f"{code}-D-") and len(c) == len(f"{code}-D-2020-0001") for c in codes
        )
    labour = Dossier.objects.filter(victims__client__episodes__exploitation="labour").distinct()
    kinds = Counter(labour.values_list("office_kind", flat=True))
    assert kinds["labour_auditor"] > kinds["prosecutor"]
    brussels = Dossier.objects.filter(
        centre__code="BXL", victims__client__episodes__district="BRU"
    ).values_list("office", flat=True)
    assert set(brussels) == {"BRU", "HVV"}
    # Victims of one dossier: the same form of exploitation and district.
    for dossier in Dossier.objects.annotate(n=Count("victims")).filter(n__gt=1):
        places = set(
            Episode.objects.filter(client__dossier_roles__dossier=dossier).values_list(
                "exploitation", "district"
            )
        )
        assert len(places) == 1


def test_victims_have_complaints_civil_party_claims_and_some_compensation(
    demo: None, db: Any
) -> None:
    victims = list(Victim.objects.select_related("dossier"))
    assert all(v.complaint_on or v.statement_on for v in victims)
    claims = [v for v in victims if v.civil_party_on]
    assert len(claims) > len(victims) / 10
    assert all(v.lawyer_id and v.dossier.outcome == "court" for v in claims)
    assert any(v.compensation_awarded for v in claims)
    assert any(v.compensation_received for v in claims)
    for victim in claims:
        if victim.compensation_received:
            assert victim.compensation_awarded is not None
            assert victim.compensation_received <= victim.compensation_awarded
        if victim.compensation_awarded:
            verdicts = victim.dossier.events.filter(kind="verdict").values_list(
                "verdict", flat=True
            )
            assert {"conviction", "partial_acquittal"} & set(verdicts)
    assert Dossier.objects.exclude(centre_civil_party_on=None).exclude(centre_lawyer=None).exists()


def test_the_demo_legal_worker_sees_dossiers_but_not_every_victim_of_them(
    demo: None, db: Any
) -> None:
    legal = User.objects.get(username="bxl-legal")
    dossiers = visible_dossiers(legal)
    assert dossiers.count() > 100
    seen = set(visible_victims(legal).values_list("pk", flat=True))
    hidden = Victim.objects.filter(dossier__in=dossiers).exclude(pk__in=seen)
    assert hidden.exists()  # a co-victim of a dossier the worker follows, for someone else
    mine = Client.objects.filter(workers=legal, pk__in=in_guidance())
    assert mine.filter(
        residence_valid_until__range=(TODAY, TODAY + datetime.timedelta(days=40))
    ).exists()


def test_returns_regularisations_and_social_rights_follow_the_episodes(demo: None, db: Any) -> None:
    returned = Episode.objects.filter(end_reason=EndReason.VOLUNTARY_RETURN)
    assert returned.exists()
    expected = {(e.client_id, e.end_date, e.client.nationality_id) for e in returned}
    assert (
        set(VoluntaryReturn.objects.values_list("client_id", "returned_on", "country_id"))
        == expected
    )
    first_permanent: dict[int, ResidenceDocument] = {}
    for document in ResidenceDocument.objects.filter(document__in=PERMANENT).order_by("issued_on"):
        first_permanent.setdefault(document.client_id, document)
    regularisations = {r.client_id: r for r in Regularisation.objects.all()}
    assert regularisations.keys() == first_permanent.keys()
    for client_id, document in first_permanent.items():
        regularisation = regularisations[client_id]
        assert regularisation.decided_on == document.issued_on
        basis = (
            RegularisationBasis.TRAFFICKING
            if document.document == DocumentType.B_CARD
            else RegularisationBasis.HUMANITARIAN
        )
        assert regularisation.basis == basis
    rights = SocialRight.objects.all()
    assert {"welfare", "health_insurance"} <= set(rights.values_list("kind", flat=True))
    assert set(rights.values_list("client_id", flat=True)) <= in_guidance()
    assert not rights.filter(start_on__gt=TODAY).exists()


def test_partners_are_fictional_and_documents_and_dossiers_name_them(demo: None, db: Any) -> None:
    for code in ("BXL", "ANT", "LIE"):
        kinds = set(Partner.objects.filter(centre__code=code).values_list("kind", flat=True))
        assert {
            PartnerKind.LAWYER,
            PartnerKind.LOCAL_POLICE,
            PartnerKind.SOCIAL_INSPECTION,
            PartnerKind.MUNICIPALITY,
            PartnerKind.WELFARE_CENTRE,
            PartnerKind.HEALTH_INSURANCE,
            PartnerKind.IMMIGRATION_OFFICE,
        } <= kinds
    for partner in Partner.objects.all():
        if partner.kind == PartnerKind.LAWYER:
            assert partner.name.split()[-1] in FAMILY
        elif partner.kind != PartnerKind.PARTNER_CENTRE:
            assert "(fictional" in partner.name
        assert not partner.email or partner.email.endswith("@example.org")
    document = ResidenceDocument.objects.exclude(municipality=None).first()
    assert document is not None and document.municipality.kind == PartnerKind.MUNICIPALITY
    assert document.municipality.centre_id == document.centre_id
    dossier = Dossier.objects.exclude(investigator=None).first()
    assert dossier is not None and dossier.investigator.centre_id == dossier.centre_id
