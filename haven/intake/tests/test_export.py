import csv
import datetime
import io
from typing import Any

import pytest
import time_machine
from django.urls import reverse
from django.utils.http import urlencode

from haven.accounts.models import User
from haven.accounts.permissions import CENTRE_ROLES, Permission, Role, role_has
from haven.audit.models import Action, AuditEntry
from haven.centres.models import Centre
from haven.clients.models import IDENTITY_FIELDS, Client
from haven.factories import ClientFactory, IntakeFactory
from haven.intake import services

EXPORTERS = [role for role in CENTRE_ROLES if role_has(role, Permission.INTAKE_EXPORT)]


def download(http: Any, **params: str) -> Any:
    """The export as the reason form posts it: the queue's filters and why."""
    posted = {"filters": urlencode(params), "reason": "annual-report"}
    response = http.post(reverse("intake:export"), posted)
    response.csv_text = b"".join(response.streaming_content).decode("utf-8")
    return response


def rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


@pytest.fixture
def linked(centre_a: Centre, client_a: Client, users: dict[Role, User]) -> Any:
    client_a.guardian = "Guardian Testperson"
    client_a.aliases = "Ioana T."
    client_a.save()
    return IntakeFactory(
        centre=centre_a,
        code="AAA-I-2026-0001",
        client=client_a,
        assigned_to=users[Role.PSYCHOSOCIAL],
        shelter_tonight=True,
        on_call=True,
    )


def test_there_is_a_role_that_may_export() -> None:
    assert EXPORTERS


@pytest.mark.parametrize("role", EXPORTERS)
def test_no_identity_value_appears_in_any_role_s_export(
    role: Role, linked: Any, client_a: Client, signed_in: Any, users: dict[Role, User]
) -> None:
    response = download(signed_in(users[role]), outcome="all")
    assert response.status_code == 200
    secrets = [str(getattr(client_a, name)) for name in IDENTITY_FIELDS if getattr(client_a, name)]
    assert len(secrets) >= 6
    for secret in secrets:
        assert secret not in response.csv_text
    assert client_a.file_code in response.csv_text and client_a.pseudonym in response.csv_text


def test_the_csv_has_the_agreed_columns_in_local_time(
    linked: Any, client_a: Client, signed_in: Any, users: dict[Role, User]
) -> None:
    header, row = rows(download(signed_in(users[Role.DIRECTOR])).csv_text)
    assert header == list(services.EXPORT_COLUMNS)
    assert dict(zip(header, row, strict=True)) == {
        "code": "AAA-I-2026-0001",
        "received_at": "2026-03-04T11:30:00+01:00",  # 10:30 UTC is 11:30 in Brussels
        "channel": "phone",
        "referrer": "judicial",
        "referrer_organisation": "Police zone Test-Noord",
        "on_call": "yes",
        "urgency": "normal",
        "shelter_tonight": "yes",
        "client_file_code": client_a.file_code,
        "pseudonym": client_a.pseudonym,
        "outcome": "open",
        "decided_on": "",
        "assigned_worker": "a-psychosocial",
    }


@pytest.mark.parametrize("dangerous", ["=1+1", "+32 470", "-2", "@SUM(A1)", "\tTAB", "\rCR"])
def test_cells_a_spreadsheet_would_run_as_formulas_are_neutralised(
    dangerous: str, centre_a: Centre, signed_in: Any, users: dict[Role, User]
) -> None:
    client = ClientFactory(centre=centre_a, pseudonym=dangerous[:60])
    IntakeFactory(centre=centre_a, client=client, referrer_organisation=dangerous)
    _header, row = rows(download(signed_in(users[Role.DIRECTOR])).csv_text)
    assert row[services.EXPORT_COLUMNS.index("referrer_organisation")] == f"'{dangerous}"
    assert row[services.EXPORT_COLUMNS.index("pseudonym")] == f"'{dangerous}"


def test_harmless_cells_are_left_as_they_are() -> None:
    assert services.neutralise("Police zone = Zuid") == "Police zone = Zuid"
    assert services.neutralise("") == ""


@pytest.mark.parametrize("role", CENTRE_ROLES)
def test_only_roles_allowed_to_export_get_the_csv(
    role: Role, linked: Any, signed_in: Any, users: dict[Role, User]
) -> None:
    http = signed_in(users[role])
    response = http.post(reverse("intake:export"), {"reason": "funder"})
    assert response.status_code == (200 if role in EXPORTERS else 403)
    assert http.get(reverse("intake:export")).status_code == (200 if role in EXPORTERS else 403)


def test_the_queue_links_to_the_export_only_for_roles_allowed_to_export(
    signed_in: Any, users: dict[Role, User]
) -> None:
    export = reverse("intake:export").encode()
    assert export in signed_in(users[Role.DIRECTOR]).get(reverse("intake:queue")).content
    assert export not in signed_in(users[Role.PSYCHOSOCIAL]).get(reverse("intake:queue")).content


def test_the_csv_follows_the_queue_s_filters(
    centre_a: Centre, centre_b: Centre, signed_in: Any, users: dict[Role, User]
) -> None:
    email = IntakeFactory(centre=centre_a, channel="email")
    IntakeFactory(centre=centre_a, channel="phone")
    IntakeFactory(centre=centre_a, channel="email", outcome="declined")
    IntakeFactory(centre=centre_b, channel="email")
    http = signed_in(users[Role.DIRECTOR])
    _header, *found = rows(download(http, channel="email").csv_text)
    assert [row[0] for row in found] == [email.code]
    _header, *everything = rows(download(http, outcome="all").csv_text)
    assert len(everything) == 3


def test_an_export_is_written_to_the_audit_log_with_who_what_and_why(
    linked: Any, signed_in: Any, users: dict[Role, User]
) -> None:
    download(signed_in(users[Role.DIRECTOR]), channel="phone")
    entry = AuditEntry.objects.get(action=Action.VIEW, note__startswith="export: intakes CSV")
    assert entry.note == (
        "export: intakes CSV (channel=phone); reason: annual-report; rows: 1; identity: no"
    )
    assert entry.actor == users[Role.DIRECTOR]
    assert entry.centre == users[Role.DIRECTOR].centre


def test_the_export_asks_why_before_giving_the_csv(
    linked: Any, signed_in: Any, users: dict[Role, User]
) -> None:
    http = signed_in(users[Role.DIRECTOR])
    asked = http.get(reverse("intake:export"), {"channel": "phone"})
    assert asked["Content-Type"].startswith("text/html")
    refused = http.post(reverse("intake:export"), {"filters": "channel=phone"})
    assert refused["Content-Type"].startswith("text/html")
    assert not AuditEntry.objects.filter(note__startswith="export:").exists()


@time_machine.travel(datetime.datetime(2026, 3, 5, 9, 0, tzinfo=datetime.UTC), tick=False)
def test_the_csv_opens_in_excel_as_utf8_under_a_name_without_personal_data(
    centre_a: Centre, signed_in: Any, users: dict[Role, User]
) -> None:
    client = ClientFactory(centre=centre_a, pseudonym="Zoë")
    IntakeFactory(centre=centre_a, client=client)
    response = download(signed_in(users[Role.DIRECTOR]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.csv_text.startswith("\ufeffcode,received_at,")
    assert "Zoë" in response.csv_text
    assert response["Content-Disposition"] == 'attachment; filename="intakes-AAA-2026-03-05.csv"'
