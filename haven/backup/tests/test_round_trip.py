"""`haven backup` and `haven restore` as an operator runs them: separate processes, separate
installations (temporary databases and var/ directories), compared table by table.

The configured database's vendor is the one tested: SQLite in the SQLite run, PostgreSQL in
the PostgreSQL run of `make test` (skipped when pg_dump or pg_restore is missing).
"""

import gzip
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dj_database_url
import pytest
from django.conf import settings

from haven.backup import services
from haven.backup.stream import DecryptingReader, decode_key
from haven.core.crypto import generate_key

ROOT = Path(__file__).resolve().parents[3]
VENDOR = "postgresql" if "postgresql" in settings.DATABASES["default"]["ENGINE"] else "sqlite"
FIELD_KEY = generate_key()
BACKUP_KEY = generate_key()
MEDIA_FILE = Path("letters") / "2024" / "letter.pdf"
MEDIA_BYTES = b"%PDF-1.7 synthetic letter\n" + os.urandom(2000)


def _postgres_server() -> dict[str, Any]:
    return dj_database_url.parse(os.environ["HAVEN_DATABASE_URL"])


def _require_pg_tools() -> None:
    try:
        services.database.client_tool("pg_dump")
        services.database.client_tool("pg_restore")
    except services.BackupError:
        pytest.skip("pg_dump or pg_restore is not installed")


def _pg_admin(statement: str) -> None:
    import psycopg

    server = _postgres_server()
    with psycopg.connect(
        host=server["HOST"],
        port=server["PORT"] or None,
        user=server["USER"],
        password=server["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    ) as conn:
        conn.execute(statement)


class Installation:
    """A Haven installation of its own: a var/ directory and a database, used by subprocesses."""

    def __init__(self, directory: Path, like: "Installation | None" = None):
        """A new installation; with ``like``, its database a copy of that one's."""
        self.var = directory / "var"
        self.var.mkdir(parents=True)
        if VENDOR == "sqlite":
            self.pg_name = None
            self.url = f"sqlite:///{self.var / 'haven.sqlite3'}"
            if like is not None:
                shutil.copyfile(like.var / "haven.sqlite3", self.var / "haven.sqlite3")
        else:
            self.pg_name = f"haven_backup_{uuid.uuid4().hex[:12]}"
            template = f' TEMPLATE "{like.pg_name}"' if like is not None else ""
            _pg_admin(f'CREATE DATABASE "{self.pg_name}"{template}')
            server = _postgres_server()
            password = f":{server['PASSWORD']}" if server["PASSWORD"] else ""
            port = f":{server['PORT']}" if server["PORT"] else ""
            self.url = (
                f"postgres://{server['USER']}{password}@{server['HOST']}{port}/{self.pg_name}"
            )

    def drop(self) -> None:
        if self.pg_name:
            _pg_admin(f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)')

    def haven(self, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
        clean = {k: v for k, v in os.environ.items() if not k.startswith("HAVEN_")}
        settings_env = {
            "DJANGO_SETTINGS_MODULE": "haven.settings",
            "HAVEN_VAR_DIR": str(self.var),
            "HAVEN_DATABASE_URL": self.url,
            "HAVEN_FIELD_KEYS": FIELD_KEY,
            "HAVEN_BACKUP_KEY": BACKUP_KEY,
            "HAVEN_LOG_LEVEL": "WARNING",
        }
        return subprocess.run(
            [sys.executable, "-m", "haven.cli", *args],
            env={**clean, **settings_env, **env},
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=600,
            check=False,
        )

    def ok(self, *args: str) -> str:
        result = self.haven(*args)
        assert result.returncode == 0, result.stderr
        return result.stdout

    def rows(self) -> dict[str, list[str]]:
        """Every row of every table, in a stable order."""
        if VENDOR == "sqlite":
            path = self.var / "haven.sqlite3"
            if not path.exists():
                return {}
            db = sqlite3.connect(path)
            try:
                names = [
                    row[0]
                    for row in db.execute(
                        "SELECT name FROM sqlite_master WHERE type = 'table' "
                        "AND name != 'sqlite_sequence' ORDER BY name"
                    )
                ]
                return {
                    name: sorted(repr(row) for row in db.execute(f'SELECT * FROM "{name}"'))
                    for name in names
                }
            finally:
                db.close()
        import psycopg

        with psycopg.connect(self.url.replace("postgres://", "postgresql://")) as conn:
            names = [
                row[0]
                for row in conn.execute(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
                )
            ]
            return {
                name: sorted(repr(row) for row in conn.execute(f'SELECT * FROM "{name}"'))
                for name in names
            }


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installation]:
    """A populated installation: the demo (centres, accounts, clients with identities,
    intakes, episodes, journal, audit, stays...) at a small scale, and one uploaded file."""
    if VENDOR == "postgresql":
        _require_pg_tools()
    installation = Installation(tmp_path_factory.mktemp("source"))
    installation.ok("migrate", "-v0")
    installation.ok("demo", "--scale", "0.02")
    media = installation.var / "media" / MEDIA_FILE
    media.parent.mkdir(parents=True)
    media.write_bytes(MEDIA_BYTES)
    yield installation
    installation.drop()


@pytest.fixture(scope="module")
def backup_file(source: Installation, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("backups") / "haven.backup"
    source.ok("backup", "-o", str(path))
    return path


@pytest.fixture
def new_installation(tmp_path: Path) -> Iterator[Installation]:
    """An empty installation: a new database, never migrated."""
    if VENDOR == "postgresql":
        _require_pg_tools()
    installation = Installation(tmp_path / "target")
    yield installation
    installation.drop()


@pytest.fixture(scope="module")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installation]:
    if VENDOR == "postgresql":
        _require_pg_tools()
    installation = Installation(tmp_path_factory.mktemp("template"))
    installation.ok("migrate", "-v0")
    yield installation
    installation.drop()


@pytest.fixture
def migrated_installation(
    migrated_template: Installation, tmp_path: Path
) -> Iterator[Installation]:
    """An empty installation whose database is migrated (reference lists loaded, no records)."""
    installation = Installation(tmp_path / "migrated", like=migrated_template)
    yield installation
    installation.drop()


IDENTITIES = (
    "from haven.clients.models import Client; "
    "print(sum(1 for client in Client.objects.all() if client.legal_name))"
)


def unpacked(path: Path) -> dict[str, bytes]:
    """The archive inside a backup, member by member."""
    with path.open("rb") as raw:
        reader = DecryptingReader(raw, decode_key(BACKUP_KEY))
        plain = reader.read()
    with tarfile.open(fileobj=io.BytesIO(gzip.decompress(plain)), mode="r:") as tar:
        return {
            member.name: tar.extractfile(member).read()  # type: ignore[union-attr]
            for member in tar
        }


@pytest.mark.parametrize("migrated", [False, True], ids=["new database", "migrated database"])
def test_a_restored_installation_has_every_row_of_every_table_and_the_uploaded_files(
    source: Installation,
    backup_file: Path,
    request: pytest.FixtureRequest,
    migrated: bool,
) -> None:
    new_installation: Installation = request.getfixturevalue(
        "migrated_installation" if migrated else "new_installation"
    )
    output = new_installation.ok("restore", str(backup_file))
    assert "Restored" in output
    expected = source.rows()
    restored = new_installation.rows()
    assert sorted(restored) == sorted(expected)
    for table, rows in expected.items():
        assert restored[table] == rows, table
    assert sum(len(rows) for rows in expected.values()) > 1000
    assert (new_installation.var / "media" / MEDIA_FILE).read_bytes() == MEDIA_BYTES
    # The restored installation runs, and reads its clients' identities with the field keys.
    identities = new_installation.ok("shell", "--no-imports", "-c", IDENTITIES)
    assert int(identities) > 0
    assert identities == source.ok("shell", "--no-imports", "-c", IDENTITIES)


def test_the_backup_is_encrypted_and_its_manifest_describes_what_it_holds(
    source: Installation, backup_file: Path
) -> None:
    blob = backup_file.read_bytes()
    assert b"SQLite format 3" not in blob and b"PGDMP" not in blob
    assert b"CREATE TABLE" not in blob and MEDIA_BYTES[:40] not in blob
    members = unpacked(backup_file)
    manifest = json.loads(members.pop("manifest.json"))
    assert manifest["database"]["vendor"] == VENDOR
    assert manifest["haven_version"]
    assert manifest["created_at"]
    assert "0001_initial" in manifest["migrations"]["clients"]
    assert manifest["tables"] == {table: len(rows) for table, rows in source.rows().items()}
    assert members[f"media/{MEDIA_FILE.as_posix()}"] == MEDIA_BYTES
    assert set(members) == set(manifest["members"])
    assert FIELD_KEY.encode() not in b"".join(members.values())


def test_a_backup_under_another_key_is_refused_and_nothing_changes(
    backup_file: Path, migrated_installation: Installation
) -> None:
    before = migrated_installation.rows()
    result = migrated_installation.haven(
        "restore", str(backup_file), HAVEN_BACKUP_KEY=generate_key()
    )
    assert result.returncode != 0
    assert "another backup key" in result.stderr
    assert migrated_installation.rows() == before


@pytest.mark.parametrize("damage", ["altered", "truncated"])
def test_an_altered_or_truncated_backup_is_refused_and_nothing_changes(
    backup_file: Path, migrated_installation: Installation, tmp_path: Path, damage: str
) -> None:
    blob = bytearray(backup_file.read_bytes())
    if damage == "altered":
        blob[len(blob) * 2 // 3] ^= 0x20
    else:
        del blob[-1000:]
    damaged = tmp_path / "damaged.backup"
    damaged.write_bytes(bytes(blob))
    before = migrated_installation.rows()
    result = migrated_installation.haven("restore", str(damaged))
    assert result.returncode != 0
    assert "altered or cut short" in result.stderr
    assert migrated_installation.rows() == before
    assert not (migrated_installation.var / "media").exists()


def test_a_backup_is_not_restored_over_an_installation_that_holds_records(
    source: Installation, backup_file: Path
) -> None:
    before = source.rows()
    result = source.haven("restore", str(backup_file))
    assert result.returncode != 0
    assert "already holds records" in result.stderr
    assert source.rows() == before


def test_restoring_needs_the_field_keys_of_the_backed_up_installation(
    backup_file: Path, new_installation: Installation
) -> None:
    result = new_installation.haven("restore", str(backup_file), HAVEN_FIELD_KEYS=generate_key())
    assert result.returncode != 0
    assert "HAVEN_FIELD_KEYS" in result.stderr
    assert new_installation.rows() == {}


def test_without_a_backup_key_the_backup_is_refused_with_a_clear_message(
    source: Installation, tmp_path: Path
) -> None:
    result = source.haven("backup", "-o", str(tmp_path / "x.backup"), HAVEN_BACKUP_KEY="")
    assert result.returncode != 0
    assert "HAVEN_BACKUP_KEY" in result.stderr
    assert not (tmp_path / "x.backup").exists()


def test_the_key_may_come_from_a_key_file(
    source: Installation, new_installation: Installation, tmp_path: Path
) -> None:
    key_file = tmp_path / "backup.key"
    key_file.write_text(generate_key() + "\n")
    path = tmp_path / "keyed.backup"
    source.ok("backup", "-o", str(path), "--key-file", str(key_file))
    refused = new_installation.haven("restore", str(path))
    assert "another backup key" in refused.stderr
    new_installation.ok("restore", str(path), "--key-file", str(key_file))
    assert new_installation.rows() == source.rows()


def test_a_backup_from_a_newer_schema_is_refused() -> None:
    newer, pending = services.migration_differences(
        {"clients": ["0001_initial", "9999_from_the_future"]}
    )
    assert newer == ["clients.9999_from_the_future"]
    assert "intake.0001_initial" in pending
