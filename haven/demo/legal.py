"""What the administrative and legal tracks add to the demo history (``haven demo``).

For every generated guidance episode of a centre, in the order they started:

- in the protection procedure (``Episode.in_protection_procedure``): an Annex 15 at the start
  (a minor: an attestation of immatriculation model A straight away), the complaint or
  statement within the reflection period, an attestation of immatriculation renewed once, then
  A cards every six months while the criminal case runs; a B card after a conviction; a
  refused renewal when the case ends without one, followed by humanitarian stay for some (for
  all who stay in guidance). Each new document comes from a renewal request sent a few weeks
  before the old one expires; a request still open today is pending.
- the criminal case of that complaint and the dossier the centre keeps of it
  (``haven.demo.dossiers``);
- EU citizens outside the procedure: a registration; voluntary returns, regularisations (the
  first permanent document) and social rights of the clients in guidance.

Most guidances that ended with autonomy reached a permanent stay first, those that ended because
the procedure stopped saw their case end without a conviction: such a case runs faster when it
has to. Each client's ``residence_valid_until`` and ``residence_renewal_pending`` are then set
as ``haven.residence.status.current_validity`` reads them. Assumptions (the seed report gives
only five-year totals) are the constants here and in ``dossiers``. Written like the rest of the
history, in bulk, one centre at a time, optionally generated in a child process; memory holds
the centre's episodes and the dossiers still open to new victims.
"""

import datetime
import random
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils import timezone

from haven.accounts.permissions import Role
from haven.centres.models import Centre
from haven.clients.models import Client
from haven.demo import bulk, dossiers
from haven.demo.bulk import Writer
from haven.demo.dossiers import Case, days
from haven.guidance.models import EndReason, Episode
from haven.legal.models import Dossier, DossierEvent, Victim
from haven.partners.models import Partner, PartnerKind
from haven.residence.models import (
    PERMANENT,
    Decision,
    DocumentType,
    ProsecutorView,
    Regularisation,
    RegularisationBasis,
    Renewal,
    ResidenceDocument,
    SocialRight,
    SocialRightKind,
    VoluntaryReturn,
    WorkAccess,
    proposed_valid_until,
)

WRITTEN = (
    ResidenceDocument,
    Renewal,
    Regularisation,
    VoluntaryReturn,
    SocialRight,
    *dossiers.WRITTEN,
)
DAY = datetime.timedelta(days=1)
EPISODES_PER_BATCH = 2000
# A batch of rows by model label, as the driver takes them; under CLIENTS the (valid until,
# renewal pending, id) of each client's current document.
CLIENTS = "clients"
Batch = dict[str, list[Any]]

# Residence (assumptions): who applies for humanitarian stay after a case without conviction
# (all who stay in guidance), how many EU citizens outside the procedure register.
HUMANITARIAN = 0.35
EU_REGISTRATION = 0.7
WELFARE, HEALTH_INSURANCE = 0.75, 0.6  # of the clients in guidance
RIGHT_PARTNER = {
    SocialRightKind.WELFARE: PartnerKind.WELFARE_CENTRE,
    SocialRightKind.HEALTH_INSURANCE: PartnerKind.HEALTH_INSURANCE,
}
REFERENCE_DAYS = 365  # documents of guidance in the last year carry the Immigration Office number
MISSED_RENEWALS = 1  # per centre: a current client whose card expired without a renewal
MAX_DOCUMENTS = 120  # per episode, a guard (26 years of six-month cards is about 60)

EU = frozenset({
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE",
    "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
})  # fmt: skip
WORK: dict[str, str] = {
    DocumentType.ANNEX15: WorkAccess.NONE,
    DocumentType.MINOR_AI: WorkAccess.NONE,
    DocumentType.AI: WorkAccess.LIMITED,
    DocumentType.A_CARD: WorkAccess.LIMITED,
    DocumentType.HUMANITARIAN_TEMPORARY: WorkAccess.LIMITED,
    DocumentType.B_CARD: WorkAccess.FULL,
    DocumentType.HUMANITARIAN_PERMANENT: WorkAccess.FULL,
    DocumentType.EU_REGISTRATION: WorkAccess.FULL,
}


@dataclass
class Tracks:
    """What was generated for one centre."""

    documents: int = 0
    renewals: int = 0
    dossiers: int = 0
    victims: int = 0
    events: int = 0
    regularisations: int = 0
    returns: int = 0
    social_rights: int = 0


@dataclass
class Doc:
    """A residence document of the chain, and the request to renew it (if one was sent)."""

    kind: str
    issued: datetime.date
    until: datetime.date | None
    renewal: dict[str, Any] | None = None
    leads: bool = False  # the renewal gave the next document of the chain
    id: int = 0


class CentreTracks:
    """The residence documents and dossiers of one centre's episodes."""

    def __init__(
        self, centre: Centre, *, users: Mapping[str, int], seed: int, now: datetime.datetime
    ):
        self.centre = centre
        self.rng = random.Random(f"{seed}:{centre.code}:legal")  # noqa: S311 - synthetic
        self.tz = timezone.get_default_timezone()
        self.now = now
        self.today = timezone.localtime(now, self.tz).date()
        self.director = users[Role.DIRECTOR.value]
        self.partners: dict[str, list[Any]] = defaultdict(list)
        for pk, kind, name in (
            Partner.objects.filter(centre=centre).order_by("pk").values_list("pk", "kind", "name")
        ):
            self.partners[kind].append(pk)
            if kind == PartnerKind.RETURN_ORGANISATION:
                self.partners["return_name"].append(name)
        self.writers: dict[type[models.Model], Writer] = {
            model: Writer(model, batch=None, memo=True) for model in WRITTEN
        }
        self.moments: dict[datetime.date, datetime.datetime] = {}
        self.episodes = list(
            Episode.objects.filter(centre=centre)
            .order_by("start_date", "id")
            .values_list(
                "id",
                "client_id",
                "start_date",
                "end_date",
                "end_reason",
                "exploitation",
                "district",
                "in_protection_procedure",
                "legal_worker_id",
                "client__birth_year",
                "client__nationality_id",
            )
        )
        self.dossiers = dossiers.Dossiers(
            centre,
            rng=self.rng,
            now=now,
            writers=self.writers,
            partners=self.partners,
            aware=self._aware,
        )
        # Each client's current document: (valid until, renewal pending, client id).
        self.clients: list[tuple[datetime.date | None, bool, int]] = []
        self.missed = 0

    # --- the whole centre -----------------------------------------------------------------

    def batches(self) -> Iterator[Batch]:
        """The generated rows, a few thousand episodes at a time. Touches no database (the
        episodes were read before), so it may run in a child process."""
        for i, episode in enumerate(self.episodes, start=1):
            self.dossiers.close(before=episode[2])
            self._episode(*episode)
            if i % EPISODES_PER_BATCH == 0:
                yield self._batch()
        self.dossiers.close(before=None)
        yield self._batch()

    def _batch(self) -> Batch:
        batch: Batch = {model._meta.label: self.writers[model].take() for model in WRITTEN}
        batch[CLIENTS] = self.clients
        self.clients = []
        return batch

    def _aware(self, day: datetime.date) -> datetime.datetime:
        """10 o'clock that day (no later than now): when a generated record was written."""
        moment = self.moments.get(day)
        if moment is None:
            moment = datetime.datetime.combine(day, datetime.time(10, 0), tzinfo=self.tz)
            self.moments[day] = moment = min(moment, self.now)
        return moment

    def _pick(self, kind: str) -> Any:
        choices = self.partners.get(kind)
        return self.rng.choice(choices) if choices else None

    # --- one episode ----------------------------------------------------------------------

    def _episode(
        self,
        episode_id: int,
        client_id: int,
        start: datetime.date,
        end: datetime.date | None,
        end_reason: str,
        form: str,
        district: str,
        in_procedure: bool,
        legal_worker: int | None,
        birth_year: int | None,
        nationality: str | None,
    ) -> None:
        rng = self.rng
        active = end is None
        stop = min(end or self.today, self.today)
        worker = legal_worker or self.director
        docs: list[Doc] = []
        if in_procedure:
            minor = birth_year is not None and start.year - birth_year < 18
            first = start + days(rng.randint(0, 5))
            if first <= stop:
                kind = DocumentType.MINOR_AI if minor else DocumentType.ANNEX15
                complaint = first + days(rng.randint(0, 30) if minor else rng.randint(3, 40))
                case = None
                if complaint <= stop:
                    case = self.dossiers.case(
                        client_id, worker, form, district, complaint, stop, end, end_reason
                    )
                humanitarian = active or (
                    end_reason != EndReason.PROCEDURE_STOPPED and rng.random() < HUMANITARIAN
                )
                docs = self._chain(
                    Doc(kind, first, proposed_valid_until(kind, first)),
                    complaint=complaint,
                    case=case,
                    stop=stop,
                    active=active,
                    humanitarian=humanitarian,
                )
        elif nationality in EU and rng.random() < EU_REGISTRATION:
            issued = start + days(rng.randint(14, 120))
            if issued <= stop:
                kind = DocumentType.EU_REGISTRATION
                docs = [Doc(kind, issued, proposed_valid_until(kind, issued))]
        if docs:
            self._write_documents(client_id, docs, worker=worker, stop=stop, active=active)
        if active:
            self._social_rights(client_id, docs)
        if end is not None and end_reason == EndReason.VOLUNTARY_RETURN:
            names = self.partners.get("return_name") or [""]
            self.writers[VoluntaryReturn].add(
                {
                    "centre_id": self.centre.pk,
                    "client_id": client_id,
                    "returned_on": end,
                    "country_id": nationality,
                    "organisation": names[0],
                    "created_at": self._aware(end),
                }
            )

    def _chain(
        self,
        first: Doc,
        *,
        complaint: datetime.date,
        case: Case | None,
        stop: datetime.date,
        active: bool,
        humanitarian: bool,
    ) -> list[Doc]:
        """The documents from the first one to the one current at ``stop``."""
        rng = self.rng
        convicted = case.course.convicted_on if case else None
        ended = case.course.ended_on if case else None
        attestations = 1  # AI (or model A) issued so far
        humanitarian_left = rng.randint(1, 3)  # temporary documents before a permanent one
        docs = [first]
        while len(docs) < MAX_DOCUMENTS:
            current = docs[-1]
            until = current.until
            if until is None:
                break
            refused = False
            if current.kind == DocumentType.ANNEX15:
                if complaint > stop:
                    break
                requested = max(complaint, current.issued)
                issue = min(requested + days(rng.randint(5, 20)), until)
                kind: str = DocumentType.AI
            else:
                requested = max(until - days(rng.randint(14, 42)), current.issued + DAY)
                issue = max(until - days(rng.randint(0, 6)), requested + 2 * DAY)
                if current.kind in (DocumentType.HUMANITARIAN_TEMPORARY,):
                    humanitarian_left -= 1
                    kind = (
                        DocumentType.HUMANITARIAN_TEMPORARY
                        if humanitarian_left > 0
                        else DocumentType.HUMANITARIAN_PERMANENT
                    )
                elif convicted is not None and convicted + days(5) <= requested:
                    asked = max(convicted + days(rng.randint(5, 20)), current.issued + DAY)
                    requested = min(asked, requested)
                    issue = min(requested + days(rng.randint(14, 45)), until)
                    kind = DocumentType.B_CARD
                elif ended is not None and ended <= requested:
                    refused = True
                    kind = ""
                elif attestations < 2 and current.kind in (DocumentType.AI, DocumentType.MINOR_AI):
                    attestations += 1
                    kind = current.kind
                else:
                    kind = DocumentType.A_CARD
            if requested > stop:
                break
            if refused:
                view_on = requested + days(rng.randint(7, 30))
                decided = view_on + days(rng.randint(3, 30))
            else:
                view_on = requested + days(round((issue - requested).days * rng.uniform(0.2, 0.7)))
                decided = view_on + days(round((issue - view_on).days * rng.uniform(0.3, 1.0)))
            if (decided if refused else issue) > stop:
                if active:  # sent, not decided yet
                    current.renewal = _renewal(
                        requested,
                        ProsecutorView.UNFAVOURABLE if refused else ProsecutorView.FAVOURABLE,
                        view_on if view_on <= stop else None,
                        Decision.PENDING,
                        None,
                    )
                break
            if refused:
                current.renewal = _renewal(
                    requested, ProsecutorView.UNFAVOURABLE, view_on, Decision.REFUSED, decided
                )
                if not humanitarian:
                    break
                # Applied for humanitarian stay (art. 9bis) in time; it may come a little late.
                issue = max(until + days(rng.randint(-15, 60)), decided)
                if issue > stop:
                    break
                kind = DocumentType.HUMANITARIAN_TEMPORARY
            else:
                current.renewal = _renewal(
                    requested, ProsecutorView.FAVOURABLE, view_on, Decision.GRANTED, decided
                )
                current.leads = True
            docs.append(Doc(kind, issue, proposed_valid_until(kind, issue)))
        if active and self.missed < MISSED_RENEWALS and self._can_miss(docs):
            # The last renewal never happened: the card before it expired days ago.
            docs.pop()
            docs[-1].renewal, docs[-1].leads = None, False
            self.missed += 1
        return docs

    def _can_miss(self, docs: list[Doc]) -> bool:
        if len(docs) < 3 or docs[-1].kind != DocumentType.A_CARD:
            return False
        before = docs[-2]
        return (
            before.kind == DocumentType.A_CARD
            and before.until is not None
            and self.today - days(40) <= before.until <= self.today - days(3)
        )

    def _write_documents(
        self, client_id: int, docs: list[Doc], *, worker: int, stop: datetime.date, active: bool
    ) -> None:
        rng, writers, centre = self.rng, self.writers, self.centre.pk
        municipality = self._pick(PartnerKind.MUNICIPALITY)
        reference = ""
        if stop >= self.today - days(REFERENCE_DAYS):
            reference = f"{rng.randint(1, 9)}.{rng.randint(0, 999):03d}.{rng.randint(0, 999):03d}"
        documents = writers[ResidenceDocument]
        for doc in docs:
            doc.id = documents.next_id()
        regularised = False
        for i, doc in enumerate(docs):
            documents.add(
                {
                    "id": doc.id,
                    "centre_id": centre,
                    "client_id": client_id,
                    "document": doc.kind,
                    "issued_on": doc.issued,
                    "valid_until": doc.until,
                    "municipality_id": municipality,
                    "immigration_reference": reference,
                    "work_access": WORK.get(doc.kind, ""),
                    "created_by_id": worker,
                    "created_at": self._aware(doc.issued),
                }
            )
            if doc.renewal is not None:
                writers[Renewal].add(
                    {
                        **doc.renewal,
                        "centre_id": centre,
                        "document_id": doc.id,
                        "new_document_id": docs[i + 1].id if doc.leads else None,
                        "created_by_id": worker,
                        "created_at": self._aware(doc.renewal["requested_on"]),
                    }
                )
            if doc.kind in PERMANENT and not regularised:
                regularised = True
                basis = (
                    RegularisationBasis.TRAFFICKING
                    if doc.kind == DocumentType.B_CARD
                    else RegularisationBasis.HUMANITARIAN
                )
                writers[Regularisation].add(
                    {
                        "centre_id": centre,
                        "client_id": client_id,
                        "basis": basis,
                        "decided_on": doc.issued,
                        "created_at": self._aware(doc.issued),
                    }
                )
        current = docs[-1]  # issued last: the chain is in order
        pending = current.renewal is not None and current.renewal["decision"] == Decision.PENDING
        until = None if current.kind in PERMANENT else current.until
        if not active:  # only the documents of clients in guidance are watched
            until, pending = None, False
        self.clients.append((until, pending, client_id))

    def _social_rights(self, client_id: int, docs: list[Doc]) -> None:
        rng = self.rng
        first = next((d.issued for d in docs if d.kind != DocumentType.ANNEX15), None)
        card = next((d.issued for d in docs if d.kind == DocumentType.A_CARD), None)
        rights = []
        if first is not None and rng.random() < WELFARE:
            rights.append((SocialRightKind.WELFARE, first + days(rng.randint(7, 60))))
        if card is not None and rng.random() < HEALTH_INSURANCE:
            rights.append((SocialRightKind.HEALTH_INSURANCE, card + days(rng.randint(14, 90))))
        for kind, start in rights:
            if start > self.today:
                continue
            partner = RIGHT_PARTNER[kind]
            self.writers[SocialRight].add(
                {
                    "centre_id": self.centre.pk,
                    "client_id": client_id,
                    "kind": kind,
                    "organisation_id": self._pick(partner),
                    "start_on": start,
                    "created_at": self._aware(start),
                }
            )

    # --- the criminal case ----------------------------------------------------------------


def _renewal(
    requested: datetime.date,
    view: str,
    view_on: datetime.date | None,
    decision: str,
    decided_on: datetime.date | None,
) -> dict[str, Any]:
    return {
        "requested_on": requested,
        "prosecutor_view": view if view_on is not None else ProsecutorView.PENDING,
        "prosecutor_view_on": view_on,
        "decision": decision,
        "decided_on": decided_on,
    }


def tracks(
    centre: Centre,
    *,
    users: Mapping[str, int],
    seed: int,
    now: datetime.datetime,
    child_process: bool = False,
) -> Tracks:
    """Write the residence documents, dossiers and other outcomes of the centre's episodes;
    ``child_process``: generate them in a forked process while this one inserts."""
    generated = CentreTracks(centre, users=users, seed=seed, now=now)
    tables = {model: generated.writers[model].table for model in WRITTEN}
    written: dict[type[models.Model], int] = defaultdict(int)
    batches = generated.batches()
    for batch in bulk.in_child_process(batches) if child_process else batches:
        for model in WRITTEN:
            written[model] += tables[model].write(batch[model._meta.label])
        bulk.update(Client, ["residence_valid_until", "residence_renewal_pending"], batch[CLIENTS])
    return Tracks(
        documents=written[ResidenceDocument],
        renewals=written[Renewal],
        dossiers=written[Dossier],
        victims=written[Victim],
        events=written[DossierEvent],
        regularisations=written[Regularisation],
        returns=written[VoluntaryReturn],
        social_rights=written[SocialRight],
    )
