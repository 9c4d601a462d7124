import io
import json
import re
from typing import Any

import pyzipper
from django.urls import reverse

from haven.accounts.permissions import Role
from haven.audit.models import AuditEntry
from haven.privacy import services
from haven.privacy.testing import SECRETS, make_full_client


def test_the_export_holds_a_summary_pdf_and_every_record_with_decrypted_identity(
    centre_a: Any, users: Any
) -> None:
    client = make_full_client(centre_a)
    files = services.export_subject(by=users[Role.DPO], client=client, reason="request ref R-9")
    assert files["summary.pdf"].startswith(b"%PDF")
    data = json.loads(files["data.json"])
    assert data["client"]["legal_name"] == SECRETS["legal_name"]
    assert [e["text"] for e in data["records"]["journal.entry"]] == [SECRETS["journal"]]
    for label in ("intake.intake", "guidance.episode", "deposits.loan", "shelter.stay"):
        assert data["records"][label], label
    assert SECRETS["journal"] in services.summary_html(client)


def test_the_export_is_logged_with_its_reason_and_as_carrying_identity(
    centre_a: Any, users: Any
) -> None:
    client = make_full_client(centre_a)
    services.export_subject(by=users[Role.DIRECTOR], client=client, reason="request ref R-9")
    note = AuditEntry.objects.filter(note__contains="data subject export").get().note
    assert "R-9" in note and "identity: yes" in note and client.file_code in note


def test_the_dpo_downloads_an_encrypted_zip_opened_with_the_password_shown_once(
    centre_a: Any, users: Any, signed_in: Any
) -> None:
    client = make_full_client(centre_a)
    http = signed_in(users[Role.DPO])
    url = reverse("privacy:export", kwargs={"pk": client.pk})
    refused = http.post(url, {"requested_on": "2026-03-01", "reference": ""})
    assert refused.status_code == 200 and b"export-password" not in refused.content
    page = http.post(url, {"requested_on": "2026-03-01", "reference": "R-10"}).content.decode()
    password = re.findall(r'data-testid="export-password">([A-Z0-9-]+)<', page)[0]
    token = re.findall(r'name="token" value="([^"]+)"', page)[0]
    archive = http.post(reverse("core:export_download"), {"token": token}).content
    with pyzipper.AESZipFile(io.BytesIO(archive)) as opened:
        opened.setpassword(password.encode())
        assert sorted(opened.namelist()) == ["data.json", "summary.pdf"]
        assert SECRETS["legal_name"] in opened.read("data.json").decode()


def test_a_client_of_another_centre_answers_not_found_before_any_password_question(
    centre_a: Any, centre_b: Any, users: Any, signed_in: Any
) -> None:
    from haven.factories import ClientFactory

    other = ClientFactory(centre=centre_b)
    response = signed_in(users[Role.DPO]).get(reverse("privacy:export", kwargs={"pk": other.pk}))
    assert response.status_code == 404
