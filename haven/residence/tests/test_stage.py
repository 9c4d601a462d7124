"""The client's stage in the protection procedure, derived from their documents, refused
renewals and criminal dossiers; and the standard validity of each document type at month ends
and in leap years."""

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from haven.accounts.models import User
from haven.accounts.permissions import Role
from haven.clients.models import Client
from haven.legal.models import Outcome, Verdict
from haven.legal.testing import make_dossier
from haven.residence import services
from haven.residence.models import Decision, DocumentType, proposed_valid_until
from haven.residence.status import Stage

pytestmark = pytest.mark.django_db

D = datetime.date
T = DocumentType


def register(by: User, client: Client, document: str, issued_on: datetime.date) -> Any:
    return services.register_document(
        by=by, client=client, data={"document": document, "issued_on": issued_on}
    )


@pytest.mark.parametrize(
    ("sequence", "expected"),
    [
        ([], None),
        ([T.ANNEX15], Stage.REFLECTION),
        ([T.ANNEX15, T.AI], Stage.PROVISIONAL),
        ([T.MINOR_AI], Stage.PROVISIONAL),
        ([T.ANNEX15, T.AI, T.AI], Stage.PROVISIONAL),
        ([T.ANNEX15, T.AI, T.AI, T.A_CARD], Stage.TEMPORARY),
        ([T.ANNEX15, T.AI, T.AI, T.A_CARD, T.A_CARD], Stage.TEMPORARY),
        ([T.ANNEX15, T.AI, T.AI, T.A_CARD, T.B_CARD], Stage.PERMANENT),
        ([T.MINOR_AI, T.A_CARD, T.B_CARD], Stage.PERMANENT),
        ([T.HUMANITARIAN_TEMPORARY], None),
        ([T.HUMANITARIAN_TEMPORARY, T.HUMANITARIAN_PERMANENT], None),
        ([T.EU_REGISTRATION], None),
        ([T.ANNEX15, T.AI, T.HUMANITARIAN_TEMPORARY], Stage.PROVISIONAL),
    ],
)
def test_the_stage_follows_the_sequence_of_documents(
    sequence: list[str], expected: Stage | None, users: dict[Role, User], client_a: Client
) -> None:
    day = D(2024, 1, 10)
    for document in sequence:
        register(users[Role.LEGAL], client_a, document, day)
        day += datetime.timedelta(days=40)
    assert services.procedure_stage(client_a) == expected


def test_a_refused_renewal_of_the_latest_document_stops_the_procedure(
    users: dict[Role, User], client_a: Client
) -> None:
    legal = users[Role.LEGAL]
    register(legal, client_a, T.ANNEX15, D(2024, 1, 10))
    ai = register(legal, client_a, T.AI, D(2024, 2, 20))
    renewal = services.request_renewal(by=legal, document=ai, data={"requested_on": D(2024, 5, 1)})
    assert services.procedure_stage(client_a) == Stage.PROVISIONAL
    services.update_renewal(
        by=legal,
        renewal=renewal,
        data={"decision": Decision.REFUSED, "decided_on": D(2024, 5, 20)},
    )
    assert services.procedure_stage(client_a) == Stage.STOPPED


def test_a_refused_renewal_of_an_older_document_does_not_stop_a_later_one(
    users: dict[Role, User], client_a: Client
) -> None:
    legal = users[Role.LEGAL]
    ai = register(legal, client_a, T.AI, D(2024, 2, 20))
    renewal = services.request_renewal(by=legal, document=ai, data={"requested_on": D(2024, 5, 1)})
    services.update_renewal(
        by=legal,
        renewal=renewal,
        data={"decision": Decision.REFUSED, "decided_on": D(2024, 5, 20)},
    )
    register(legal, client_a, T.A_CARD, D(2024, 9, 1))  # granted after an appeal
    assert services.procedure_stage(client_a) == Stage.TEMPORARY


def test_a_dossier_dismissed_after_the_latest_document_stops_the_procedure(
    users: dict[Role, User], client_a: Client
) -> None:
    register(users[Role.LEGAL], client_a, T.ANNEX15, D(2024, 1, 10))
    register(users[Role.LEGAL], client_a, T.AI, D(2024, 2, 20))
    make_dossier(
        client_a.centre,
        victims=[client_a],
        opened_on=D(2024, 1, 5),
        outcome=Outcome.DISMISSED,
        outcome_date=D(2024, 4, 2),
    )
    assert services.procedure_stage(client_a) == Stage.STOPPED


def test_an_acquittal_after_the_latest_document_stops_the_procedure(
    users: dict[Role, User], client_a: Client
) -> None:
    register(users[Role.LEGAL], client_a, T.A_CARD, D(2024, 2, 20))
    make_dossier(
        client_a.centre,
        victims=[client_a],
        opened_on=D(2023, 1, 5),
        outcome=Outcome.COURT,
        outcome_date=D(2023, 6, 1),
        verdict=Verdict.ACQUITTAL,
        verdict_date=D(2024, 5, 3),
    )
    assert services.procedure_stage(client_a) == Stage.STOPPED


def test_a_dossier_dismissed_before_a_later_document_does_not_stop_it(
    users: dict[Role, User], client_a: Client
) -> None:
    make_dossier(
        client_a.centre,
        victims=[client_a],
        opened_on=D(2024, 1, 5),
        outcome=Outcome.DISMISSED,
        outcome_date=D(2024, 2, 1),
    )
    register(users[Role.LEGAL], client_a, T.AI, D(2024, 2, 20))
    assert services.procedure_stage(client_a) == Stage.PROVISIONAL


def test_one_dossier_still_pending_keeps_the_procedure_going(
    users: dict[Role, User], client_a: Client
) -> None:
    register(users[Role.LEGAL], client_a, T.AI, D(2024, 2, 20))
    make_dossier(
        client_a.centre,
        victims=[client_a],
        opened_on=D(2024, 1, 5),
        outcome=Outcome.DISMISSED,
        outcome_date=D(2024, 4, 2),
    )
    make_dossier(client_a.centre, victims=[client_a], opened_on=D(2024, 3, 1))
    assert services.procedure_stage(client_a) == Stage.PROVISIONAL


def test_the_stage_costs_two_queries_however_many_documents(
    users: dict[Role, User], client_a: Client
) -> None:
    day = D(2020, 1, 1)
    for document in [T.ANNEX15, T.AI, T.AI] + [T.A_CARD] * 6:
        register(users[Role.LEGAL], client_a, document, day)
        day += datetime.timedelta(days=100)
    make_dossier(client_a.centre, victims=[client_a], opened_on=D(2020, 1, 1))
    with CaptureQueriesContext(connection) as queries:
        assert services.procedure_stage(client_a) == Stage.TEMPORARY
    assert len(queries) == 2


@pytest.mark.parametrize(
    ("document", "issued_on", "expected"),
    [
        (T.AI, D(2023, 11, 30), D(2024, 2, 29)),  # into a leap February
        (T.AI, D(2024, 11, 30), D(2025, 2, 28)),
        (T.MINOR_AI, D(2024, 11, 29), D(2025, 2, 28)),
        (T.AI, D(2024, 12, 31), D(2025, 3, 31)),
        (T.AI, D(2025, 1, 31), D(2025, 4, 30)),
        (T.A_CARD, D(2023, 8, 31), D(2024, 2, 29)),
        (T.A_CARD, D(2024, 8, 31), D(2025, 2, 28)),
        (T.A_CARD, D(2024, 2, 29), D(2024, 8, 29)),
        (T.A_CARD, D(2024, 7, 15), D(2025, 1, 15)),  # across the year end
        (T.ANNEX15, D(2024, 1, 20), D(2024, 3, 5)),  # 45 days through 29 February
        (T.ANNEX15, D(2023, 1, 20), D(2023, 3, 6)),
        (T.ANNEX15, D(2024, 12, 1), D(2025, 1, 15)),
    ],
)
def test_the_standard_validity_is_right_at_month_ends_and_in_leap_years(
    document: str,
    issued_on: datetime.date,
    expected: datetime.date,
    users: dict[Role, User],
    client_a: Client,
) -> None:
    assert proposed_valid_until(document, issued_on) == expected
    registered = register(users[Role.LEGAL], client_a, document, issued_on)
    registered.refresh_from_db()
    assert registered.valid_until == expected


def test_permanent_documents_have_no_valid_until_date(
    users: dict[Role, User], client_a: Client
) -> None:
    card = register(users[Role.LEGAL], client_a, T.B_CARD, D(2024, 3, 1))
    assert card.valid_until is None
    client_a.refresh_from_db()
    assert client_a.residence_valid_until is None
