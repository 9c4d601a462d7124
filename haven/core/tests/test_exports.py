"""Exports are sensitive: asked why, logged with who, what and why, encrypted when they
must be, handed out once."""

import io
import logging
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import pyzipper
from django.core.management import CommandError, call_command
from django.urls import reverse

from haven.accounts.models import User
from haven.accounts.permissions import Role
from haven.audit.models import Action, AuditEntry
from haven.centres.models import Centre
from haven.core import exports
from haven.factories import IntakeFactory, UserFactory
from haven.history.exporter import FILES

PERIOD = {"from": "2025-01-01", "to": "2025-12-31"}
ANNUAL = {"reason": "annual-report"}


@pytest.fixture(autouse=True)
def _exports_dir(settings: Any, tmp_path: Path) -> Path:
    settings.EXPORTS_DIR = tmp_path / "exports"
    return settings.EXPORTS_DIR


@pytest.fixture
def director(users: dict[Role, User]) -> User:
    return users[Role.DIRECTOR]


def export_entries() -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(note__startswith="export: ").order_by("pk"))


class Captured(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def server_logs() -> Iterator[Captured]:
    """Every log record of every logger, at every level, formatted as the server writes it."""
    handler = Captured()
    loggers = [logging.getLogger(), *map(logging.getLogger, list(logging.root.manager.loggerDict))]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)
    yield handler
    for logger, level in zip(loggers, levels, strict=True):
        logger.removeHandler(handler)
        logger.setLevel(level)


def shown_password(response: Any) -> str:
    found = re.search(r'data-testid="export-password">([A-Z0-9-]+)<', response.content.decode())
    assert found, "the page shows the password"
    return found.group(1)


def shown_token(response: Any) -> str:
    found = re.search(r'name="token" value="([^"]+)"', response.content.decode())
    assert found, "the page offers the download"
    return found.group(1)


def fetch(http: Any, token: str) -> Any:
    return http.post(reverse("core:export_download"), {"token": token})


# --- the audit entry -------------------------------------------------------------------------


def test_an_export_is_recorded_with_who_what_why_how_many_and_whether_identities(
    director: User, centre_a: Centre
) -> None:
    entry = exports.record_export(director, what="intakes CSV", reason="funder", count=12)
    assert (entry.action, entry.actor, entry.centre) == (Action.VIEW, director, centre_a)
    assert entry.note == "export: intakes CSV; reason: funder; rows: 12; identity: no"
    identity = exports.record_export(director, what="HTCDS", reason="court", identity=True)
    assert identity.note == "export: HTCDS; reason: court; identity: yes"


def test_a_long_reason_is_shortened_so_that_rows_and_identity_still_fit(director: User) -> None:
    entry = exports.record_export(
        director, what="HTCDS", reason="other: " + "x" * 400, count=3, identity=True
    )
    assert len(entry.note) == 300
    assert entry.note.endswith("…; rows: 3; identity: yes")


# --- the reason form -------------------------------------------------------------------------


def test_other_needs_the_reason_in_words_and_a_choice_is_written_as_its_code() -> None:
    assert not exports.ExportReasonForm({"reason": "other", "other": "  "}).is_valid()
    assert not exports.ExportReasonForm({}).is_valid()
    form = exports.ExportReasonForm({"reason": "other", "other": " audit  of the\nfunder "})
    assert form.is_valid()
    assert form.statement() == "other: audit of the funder"
    chosen = exports.ExportReasonForm({"reason": "court-or-police"})
    assert chosen.is_valid() and chosen.statement() == "court-or-police"


# --- the intake CSV --------------------------------------------------------------------------


def test_the_intake_export_asks_why_first_and_keeps_the_queue_s_filters(
    director: User, signed_in: Any
) -> None:
    response = signed_in(director).get(reverse("intake:export"), {"channel": "email"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert 'name="reason"' in page and 'name="filters" value="channel=email"' in page
    assert export_entries() == []


def test_the_intake_export_refuses_without_a_reason(
    director: User, centre_a: Centre, signed_in: Any
) -> None:
    IntakeFactory(centre=centre_a)
    http = signed_in(director)
    for posted in ({}, {"reason": "other", "other": ""}, {"reason": "because"}):
        response = http.post(reverse("intake:export"), posted)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/html")
        assert 'class="errorlist"' in response.content.decode()
    assert export_entries() == []


def test_the_intake_export_with_a_reason_gives_the_csv_and_names_who_what_and_why(
    director: User, centre_a: Centre, signed_in: Any
) -> None:
    email = IntakeFactory(centre=centre_a, channel="email")
    phone = IntakeFactory(centre=centre_a, channel="phone")
    response = signed_in(director).post(
        reverse("intake:export"),
        {"filters": "channel=email", "reason": "other", "other": "Board meeting"},
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = b"".join(response.streaming_content).decode()
    assert str(email.code) in text and str(phone.code) not in text
    [entry] = export_entries()
    assert entry.actor == director
    assert entry.note == (
        "export: intakes CSV (channel=email); reason: other: Board meeting; rows: 1; identity: no"
    )


def test_the_search_words_of_an_intake_export_stay_out_of_the_audit_log(
    director: User, signed_in: Any
) -> None:
    signed_in(director).post(
        reverse("intake:export"), {"filters": "q=Zo%C3%AB&outcome=all", **ANNUAL}
    )
    [entry] = export_entries()
    assert "Zoë" not in entry.note  # they may be a pseudonym
    assert entry.note.startswith("export: intakes CSV (q=…&outcome=all); reason: annual-report")


# --- the reports ---------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["pdf", "xlsx", "json"])
def test_a_report_download_refuses_without_a_reason(
    fmt: str, director: User, signed_in: Any
) -> None:
    http = signed_in(director)
    asked = http.get(reverse("reports:download"), {"fmt": fmt, **PERIOD})
    assert asked.status_code == 200 and 'name="reason"' in asked.content.decode()
    refused = http.post(reverse("reports:download"), {"fmt": fmt, **PERIOD})
    assert refused["Content-Type"].startswith("text/html")
    assert 'class="errorlist"' in refused.content.decode()
    assert export_entries() == []


def test_a_report_download_with_a_reason_gives_the_file_and_names_who_what_and_why(
    users: dict[Role, User], signed_in: Any
) -> None:
    finance = users[Role.ADMIN_FINANCE]
    response = signed_in(finance).post(
        reverse("reports:download"), {"fmt": "json", **PERIOD, "reason": "funder"}
    )
    assert response["Content-Type"] == "application/json"
    [entry] = export_entries()
    assert entry.actor == finance
    assert entry.note == (
        "export: report json AAA 2025-01-01 2025-12-31; reason: funder; identity: no"
    )


# --- the dataset ZIP, encrypted --------------------------------------------------------------


def test_the_dataset_export_refuses_without_a_reason(director: User, signed_in: Any) -> None:
    http = signed_in(director)
    assert 'name="reason"' in http.get(reverse("history:export")).content.decode()
    refused = http.post(reverse("history:export"), {"reason": ""})
    assert 'class="errorlist"' in refused.content.decode()
    assert "export-password" not in refused.content.decode()
    assert export_entries() == []


def test_the_dataset_is_an_encrypted_zip_opened_by_the_password_shown_once(
    director: User, centre_a: Centre, signed_in: Any
) -> None:
    http = signed_in(director)
    page = http.post(reverse("history:export"), {"reason": "partner-exchange"})
    assert page.status_code == 200
    assert page["Cache-Control"] == "no-store"
    password = shown_password(page)
    assert re.fullmatch(r"([A-HJ-NP-Z2-9]{5}-){3}[A-HJ-NP-Z2-9]{5}", password)
    response = fetch(http, shown_token(page))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert 'filename="dataset-AAA-' in response["Content-Disposition"]
    with pyzipper.AESZipFile(io.BytesIO(response.content)) as archive:
        assert sorted(archive.namelist()) == sorted(FILES)
        with pytest.raises(RuntimeError):
            archive.read("clients.csv")  # no password
        archive.setpassword(b"ABCDE-FGHJK-MNPQR-STUVW")
        with pytest.raises(RuntimeError):
            archive.read("clients.csv")  # a wrong one
        archive.setpassword(password.encode())
        assert archive.read("clients.csv").decode().startswith("client_ref,gender,")
    [entry] = export_entries()
    assert entry.actor == director
    assert entry.note.startswith("export: dataset ZIP, encrypted; reason: partner-exchange; rows:")


def test_the_password_is_nowhere_in_the_audit_log_or_the_server_logs(
    director: User, signed_in: Any, server_logs: Captured, _exports_dir: Path
) -> None:
    http = signed_in(director)
    page = http.post(reverse("history:export"), {"reason": "funder"})
    password = shown_password(page)
    fetch(http, shown_token(page))
    logging.getLogger("haven").info("marker")  # the capture works
    assert any("marker" in line for line in server_logs.lines)
    assert not any(password in line for line in server_logs.lines)
    for entry in AuditEntry.objects.all():
        assert password not in f"{entry.note} {entry.changes} {entry.object_label}"
    assert password not in str(dict(http.session))
    assert not any(_exports_dir.iterdir())  # taken, deleted; only ever the encrypted bytes


def test_the_encrypted_file_downloads_once_then_answers_not_found(
    director: User, signed_in: Any
) -> None:
    http = signed_in(director)
    token = shown_token(http.post(reverse("history:export"), {"reason": "funder"}))
    assert fetch(http, token).status_code == 200
    assert fetch(http, token).status_code == 404


def test_another_user_cannot_fetch_someone_else_s_export(
    director: User, centre_a: Centre, signed_in: Any
) -> None:
    token = shown_token(signed_in(director).post(reverse("history:export"), {"reason": "funder"}))
    colleague = UserFactory(centre=centre_a, role=Role.DIRECTOR, username="a-director-2")
    assert fetch(signed_in(colleague), token).status_code == 404
    assert fetch(signed_in(director), token).status_code == 404  # another session, too


def test_an_offer_not_taken_within_ten_minutes_is_gone(
    director: User, signed_in: Any, monkeypatch: pytest.MonkeyPatch, _exports_dir: Path
) -> None:
    http = signed_in(director)
    token = shown_token(http.post(reverse("history:export"), {"reason": "funder"}))
    later = time.time() + exports.OFFER_SECONDS + 1
    monkeypatch.setattr(exports.time, "time", lambda: later)
    assert fetch(http, token).status_code == 404
    assert not any(_exports_dir.iterdir())


def test_old_offers_are_swept_from_the_disk(_exports_dir: Path) -> None:
    exports._directory()
    (_exports_dir / "old").write_bytes(b"x")
    assert exports.sweep(now=time.time() + exports.OFFER_SECONDS + 1) == 1
    assert not any(_exports_dir.iterdir())


def test_the_download_is_a_post_with_a_well_formed_token(director: User, signed_in: Any) -> None:
    http = signed_in(director)
    assert http.get(reverse("core:export_download")).status_code == 405
    assert fetch(http, "../../etc/passwd").status_code == 404


# --- the command line ------------------------------------------------------------------------


def htcds(tmp_path: Path, *arguments: str) -> None:
    call_command(
        "export", "--centre", "AAA", "--format", "htcds", "-o", str(tmp_path / "h.csv"), *arguments
    )


@pytest.fixture
def fake_htcds(monkeypatch: pytest.MonkeyPatch) -> None:

    from haven.history import htcds

    monkeypatch.setattr(htcds, "write_htcds", lambda *args, **kwargs: 7)


def test_the_command_refuses_identities_without_a_reason(
    director: User, tmp_path: Path, fake_htcds: None
) -> None:
    with pytest.raises(CommandError, match="--with-identity needs --reason"):
        htcds(tmp_path, "--with-identity", "--user", director.username)
    with pytest.raises(CommandError, match="--with-identity needs --reason"):
        htcds(tmp_path, "--with-identity", "--user", director.username, "--reason", "  ")
    assert export_entries() == []


def test_the_command_records_who_took_identities_and_why(
    director: User, tmp_path: Path, fake_htcds: None
) -> None:
    htcds(tmp_path, "--with-identity", "--user", director.username, "--reason", "Court order 12")
    [entry] = export_entries()
    assert entry.actor == director
    assert entry.note == "export: HTCDS CSV; reason: Court order 12; rows: 7; identity: yes"
