import datetime
from typing import Any

import pytest
from django.db import connection
from django.urls import reverse

from haven.accounts.permissions import Role
from haven.audit.chain import verify
from haven.audit.models import AuditEntry
from haven.clients.models import Client
from haven.privacy import services
from haven.privacy.testing import SECRETS, make_full_client
from haven.reports.figures import report

PERIOD = (datetime.date(1990, 1, 1), datetime.date(2030, 12, 31))


def raw_hits(secret: str, *, skip: tuple[str, ...] = ()) -> list[str]:
    """Tables (columns searched as text) still holding ``secret``, read with SQL, not the ORM."""
    hits = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            if table in skip:
                continue
            columns = [
                c.name for c in connection.introspection.get_table_description(cursor, table)
            ]
            where = " OR ".join(f'CAST("{c}" AS TEXT) LIKE %s' for c in columns)
            cursor.execute(
                f'SELECT COUNT(*) FROM "{table}" WHERE {where}', [f"%{secret}%"] * len(columns)
            )
            if cursor.fetchone()[0]:
                hits.append(table)
    return hits


def test_erasure_leaves_the_report_figures_unchanged(centre_a: Any, users: Any) -> None:
    client = make_full_client(centre_a)
    before = report(centre_a, *PERIOD)
    services.erase_client(by=users[Role.DPO], client=client, ground="GDPR 17(1)(a) ref R-1")
    assert report(centre_a, *PERIOD) == before


def test_erased_values_are_gone_from_the_database_tables(centre_a: Any, users: Any) -> None:
    client = make_full_client(centre_a)
    # Found before erasure: the search itself works (identity is encrypted, so not in clear).
    assert "journal_entry" in raw_hits(SECRETS["journal"])
    services.erase_client(by=users[Role.DPO], client=client, ground="GDPR 17(1)(a) ref R-1")
    # The audit log too: what its entries said of the person is redacted, the chain holds.
    for secret in SECRETS.values():
        assert raw_hits(secret) == [], secret
    assert verify().problem is None
    stored = Client.objects.get(pk=client.pk)
    assert all(not getattr(stored, name) for name in ("legal_name", "phone", "address"))
    assert stored.documented_birth_date is None
    assert stored.pseudonym == "Erased"
    assert stored.file_code == client.file_code
    assert (stored.birth_date, stored.birth_year) == (None, 2000)


def test_the_erasure_is_one_audit_entry_with_the_ground_and_no_erased_value(
    centre_a: Any, users: Any
) -> None:
    client = make_full_client(centre_a)
    services.erase_client(by=users[Role.DPO], client=client, ground="GDPR 17(1)(a) ref R-1")
    entry = AuditEntry.objects.filter(
        object_type="clients.client", object_id=str(client.pk)
    ).first()
    assert entry is not None and "R-1" in entry.note
    assert not any(secret in str(entry.changes) for secret in SECRETS.values())


def test_a_birth_date_that_decides_minority_at_guidance_stays(centre_a: Any, users: Any) -> None:
    # 18 on 10 March 2016: a guidance from 2 May 2016 began in adulthood with the real date,
    # but before 1 July (the year-only rule) it would count as a minor's.
    client = make_full_client(centre_a, birth_date=datetime.date(1998, 3, 10), birth_year=1998)
    services.erase_client(by=users[Role.DPO], client=client, ground="ref R-2")
    assert Client.objects.get(pk=client.pk).birth_date == datetime.date(1998, 3, 10)


def test_the_dpo_erases_after_typing_the_file_code_and_the_page_lists_what_goes(
    centre_a: Any, users: Any, signed_in: Any
) -> None:
    client = make_full_client(centre_a)
    http = signed_in(users[Role.DPO])
    url = reverse("privacy:erase", kwargs={"pk": client.pk})
    page = http.get(url).content.decode().lower()
    assert "journal entries" in page and "text" in page
    wrong = http.post(url, {"ground": "ref R-3", "confirm_code": "NOPE"})
    assert wrong.status_code == 200 and Client.objects.get(pk=client.pk).pseudonym != "Erased"
    done = http.post(url, {"ground": "ref R-3", "confirm_code": client.file_code})
    assert done.status_code == 302
    assert Client.objects.get(pk=client.pk).pseudonym == "Erased"


def test_erasure_asks_for_the_password_again_after_five_minutes(
    centre_a: Any, users: Any, signed_in: Any
) -> None:
    from haven.accounts.reauth import STAMP

    client = make_full_client(centre_a)
    http = signed_in(users[Role.DPO])
    session = http.session
    session.pop(STAMP, None)
    session.save()
    response = http.get(reverse("privacy:erase", kwargs={"pk": client.pk}))
    assert response.status_code == 302 and reverse("accounts:reauth") in response["Location"]


@pytest.mark.parametrize("role", [Role.PSYCHOSOCIAL, Role.NIGHT_STAFF])
def test_case_workers_may_not_erase(role: Role, centre_a: Any, users: Any, signed_in: Any) -> None:
    client = make_full_client(centre_a)
    response = signed_in(users[role]).get(reverse("privacy:erase", kwargs={"pk": client.pk}))
    assert response.status_code == 403
