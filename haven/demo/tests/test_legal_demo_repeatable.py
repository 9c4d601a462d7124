"""The demo's legal and administrative tracks are repeatable: the same seed, in a child process
or not, gives the same documents, dossiers and partners. (Apart from test_legal_demo.py, whose
tests share one generated demo.)"""

from typing import Any

import time_machine

from haven.clients.models import Client
from haven.demo import history
from haven.demo.tests.test_history import NOW, run_demo
from haven.legal.models import Dossier, DossierEvent, Victim
from haven.partners.models import Partner
from haven.residence.models import Renewal, ResidenceDocument


def legal_rows() -> dict[str, list[tuple[Any, ...]]]:
    """The generated tracks, by code rather than id; the Immigration Office number decrypted."""
    return {
        "documents": sorted(
            (d.client.file_code, d.document, d.issued_on, d.valid_until, d.immigration_reference)
            for d in ResidenceDocument.objects.select_related("client")
        ),
        "renewals": sorted(
            Renewal.objects.values_list(
                "document__client__file_code",
                "requested_on",
                "prosecutor_view",
                "decision",
                "decided_on",
                "new_document__issued_on",
            )
        ),
        "dossiers": sorted(
            Dossier.objects.values_list(
                "code", "office", "notice_number", "opened_on", "outcome", "verdict", "appealed"
            )
        ),
        "victims": sorted(
            Victim.objects.values_list(
                "dossier__code", "client__file_code", "complaint_on", "civil_party_on"
            )
        ),
        "events": sorted(
            DossierEvent.objects.values_list("dossier__code", "kind", "date", "court")
        ),
        "clients": sorted(
            Client.objects.exclude(residence_valid_until=None).values_list(
                "file_code", "residence_valid_until", "residence_renewal_pending"
            )
        ),
        "partners": sorted(Partner.objects.values_list("centre__code", "kind", "name")),
    }


def test_the_same_seed_gives_the_same_legal_data(db: Any) -> None:
    run_demo("--scale", "0.1", "--seed", "11")
    first = legal_rows()
    assert first["documents"] and first["dossiers"]
    run_demo("--reset", "--scale", "0.1", "--seed", "11")
    assert legal_rows() == first
    run_demo("--reset", "--scale", "0.1", "--seed", "12")
    assert legal_rows()["documents"] != first["documents"]


def test_generating_in_a_child_process_gives_the_same_legal_data(db: Any) -> None:
    run_demo("--scale", "0")
    with time_machine.travel(NOW, tick=False):
        history.generate(scale=0.05, seed=3, child_process=True)
    in_child = legal_rows()
    assert in_child["documents"]
    run_demo("--reset", "--scale", "0")
    with time_machine.travel(NOW, tick=False):
        history.generate(scale=0.05, seed=3, child_process=False)
    assert legal_rows() == in_child
