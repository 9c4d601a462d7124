"""The database side of a backup: a consistent snapshot out, a verified restore in.

SQLite: the online backup API copies every page in one read transaction, so the copy is the
database as it was at one instant, while the application goes on writing (WAL mode).
PostgreSQL: ``pg_dump --format=custom`` in the snapshot of a REPEATABLE READ transaction that
also reads the migration state and the row counts for the manifest (``pg_export_snapshot``), so
dump and manifest describe the same instant. The password reaches the client tools through
PGPASSWORD, never their command line.
"""

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connections

from haven.backup.stream import BackupError

ALIAS = "default"
# Filled by migrations in every installation alike: not a sign that an installation is in use.
# (The audit chain's head is one row from its migration; once entries exist, audit_auditentry
# has rows of its own.)
FILLED_BY_MIGRATIONS_APPS = {"reference"}
FILLED_BY_MIGRATIONS_MODELS = {"audit.auditchainhead"}


@dataclass
class Snapshot:
    """A database copied to ``path``, with the state it was copied in."""

    path: Path
    vendor: str
    migrations: dict[str, list[str]] = field(default_factory=dict)
    tables: dict[str, int] = field(default_factory=dict)


def vendor() -> str:
    return str(connections[ALIAS].vendor)


def member_name(vendor_name: str) -> str:
    return "database.sqlite3" if vendor_name == "sqlite" else "database.pgdump"


# --- snapshot --------------------------------------------------------------------------------


def snapshot(directory: Path) -> Snapshot:
    """A consistent copy of the configured database in ``directory``."""
    name = vendor()
    if name == "sqlite":
        return _snapshot_sqlite(directory / member_name(name))
    if name == "postgresql":
        return _snapshot_postgresql(directory / member_name(name))
    raise BackupError(f"Backups support SQLite and PostgreSQL, not {name}.")


def staging_directory() -> Path | None:
    """Where a plaintext copy of the database may be kept while a backup is made or restored:
    beside the SQLite database (as well protected as the database, and room for a copy), else
    the system's temporary directory (TMPDIR) -- never the backup's own destination."""
    if vendor() == "sqlite":
        directory = sqlite_path().parent
        directory.mkdir(parents=True, exist_ok=True)
        return directory
    return None


def sqlite_path() -> Path:
    return Path(str(connections[ALIAS].settings_dict["NAME"]))


def _snapshot_sqlite(target: Path) -> Snapshot:
    source_path = sqlite_path()
    if not source_path.exists():
        raise BackupError(f"The database file {source_path} does not exist.")
    timeout = float(settings.DATABASES[ALIAS].get("OPTIONS", {}).get("timeout", 20))
    source = sqlite3.connect(source_path, timeout=timeout)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)  # all pages in one step: one read transaction, one instant
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        result = Snapshot(target, "sqlite", _migrations(copy), _sqlite_counts(copy))
    finally:
        copy.close()
        source.close()
    return result


def _sqlite_counts(db: Any) -> dict[str, int]:
    names = [
        row[0]
        for row in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
    ]
    return {name: db.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0] for name in names}  # noqa: S608 - names from the schema


def _migrations(db: Any) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    try:
        rows = list(db.execute("SELECT app, name FROM django_migrations ORDER BY app, name"))
    except Exception as exc:  # sqlite3 or psycopg: a database never migrated
        raise BackupError("The database has no migration table: run `haven migrate`.") from exc
    for app, name in rows:
        found.setdefault(app, []).append(name)
    return found


def _snapshot_postgresql(target: Path) -> Snapshot:
    pg_dump = client_tool("pg_dump")
    with _pg_connection() as conn:
        conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        row = conn.execute("SELECT pg_export_snapshot()").fetchone()
        snapshot_id = str(row[0])
        migrations = _migrations(conn)
        tables = _pg_counts(conn)
        # The transaction stays open while pg_dump reads in its snapshot.
        _run([pg_dump, *_pg_arguments(), "--format=custom", f"--snapshot={snapshot_id}",
              f"--file={target}"])  # fmt: skip
        conn.execute("COMMIT")
    return Snapshot(target, "postgresql", migrations, tables)


def _pg_counts(conn: Any) -> dict[str, int]:
    names = [
        row[0]
        for row in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1"
        )
    ]
    counts = {}
    for name in names:
        quoted = '"' + name.replace('"', '""') + '"'
        counts[name] = conn.execute(f"SELECT COUNT(*) FROM {quoted}").fetchone()[0]  # noqa: S608
    return counts


@contextmanager
def _pg_connection() -> Iterator[Any]:
    """A connection of its own (autocommit: transactions are explicit), outside Django's."""
    import psycopg

    conn = psycopg.connect(**connections[ALIAS].get_connection_params())
    conn.autocommit = True
    try:
        yield conn
    finally:
        conn.close()


def _pg_arguments() -> list[str]:
    params = connections[ALIAS].settings_dict
    arguments = []
    if params.get("HOST"):
        arguments.append(f"--host={params['HOST']}")
    if params.get("PORT"):
        arguments.append(f"--port={params['PORT']}")
    if params.get("USER"):
        arguments.append(f"--username={params['USER']}")
    arguments.append(f"--dbname={params['NAME']}")
    return arguments


def _pg_environment() -> dict[str, str]:
    params = connections[ALIAS].settings_dict
    environment = dict(os.environ)
    if params.get("PASSWORD"):
        environment["PGPASSWORD"] = str(params["PASSWORD"])
    sslmode = (params.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        environment["PGSSLMODE"] = str(sslmode)
    return environment


def client_tool(name: str) -> str:
    """The path of a PostgreSQL client program (pg_dump, pg_restore).

    Looked for as scripts/with-postgres does: ``pg_config --bindir``, then the newest of
    Debian's /usr/lib/postgresql/*/bin (a pg_dump older than the server refuses to dump),
    then PATH.
    """
    candidates = []
    pg_config = shutil.which("pg_config")
    if pg_config:
        try:
            found = subprocess.run(  # noqa: S603
                [pg_config, "--bindir"], capture_output=True, text=True, check=True, timeout=30
            )
            candidates.append(Path(found.stdout.strip()))
        except (OSError, subprocess.SubprocessError):
            pass
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda path: [int(part) for part in path.parent.name.split(".") if part.isdigit()],
    )
    candidates.extend(reversed(versions))
    for directory in candidates:
        if (directory / name).is_file() and os.access(directory / name, os.X_OK):
            return str(directory / name)
    on_path = shutil.which(name)
    if on_path:
        return on_path
    raise BackupError(
        f"{name} was not found (PostgreSQL client programs; on Debian: apt-get install "
        "postgresql-client)."
    )


def _run(command: list[str]) -> None:
    result = subprocess.run(  # noqa: S603 - a fixed program with arguments, no shell
        command, env=_pg_environment(), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        program = Path(command[0]).name
        raise BackupError(f"{program} failed: {result.stderr.strip() or result.returncode}")


# --- the target of a restore -----------------------------------------------------------------


def haven_tables_in_use() -> list[str]:
    """The tables of Haven's own records that hold at least one row in the configured database.

    Reference lists that migrations fill alike in every installation do not count.
    """
    connection = connections[ALIAS]
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
        used = []
        for model in apps.get_models(include_auto_created=True):
            config = model._meta.app_config
            if config is None or not config.name.startswith("haven."):
                continue
            if (
                config.label in FILLED_BY_MIGRATIONS_APPS
                or model._meta.label_lower in FILLED_BY_MIGRATIONS_MODELS
            ):
                continue
            table = model._meta.db_table
            if table not in existing or table in used:
                continue
            cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")  # noqa: S608
            if cursor.fetchone() is not None:
                used.append(table)
    return sorted(used)


def target_tables() -> set[str]:
    connection = connections[ALIAS]
    with connection.cursor() as cursor:
        return set(connection.introspection.table_names(cursor))


def check_file(path: Path, vendor_name: str) -> None:
    """Refuse a database copy that its own engine finds damaged."""
    if vendor_name != "sqlite":
        return
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        verdict = db.execute("PRAGMA quick_check").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise BackupError("The database in the backup is not a readable SQLite file.") from exc
    finally:
        db.close()
    if verdict != "ok":
        raise BackupError("The database in the backup fails SQLite's integrity check.")


def restore(path: Path, vendor_name: str) -> Snapshot:
    """Put the database copy at ``path`` in place of the configured (empty) database."""
    connections.close_all()
    if vendor_name == "sqlite":
        return _restore_sqlite(path)
    return _restore_postgresql(path)


def _restore_sqlite(path: Path) -> Snapshot:
    target = sqlite_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists() or target.stat().st_size == 0:
        for suffix in ("-wal", "-shm", "-journal"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(path, target)
    else:
        # An existing (empty) installation: the backup API replaces every page of the file in
        # one write transaction, cooperating with its WAL and with any process holding it open.
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        destination = sqlite3.connect(target, timeout=60)
        try:
            source.backup(destination)
        finally:
            destination.close()
            source.close()
    db = sqlite3.connect(target)
    try:
        db.execute("PRAGMA journal_mode=WAL")
        return Snapshot(target, "sqlite", _migrations(db), _sqlite_counts(db))
    finally:
        db.close()


def _restore_postgresql(path: Path) -> Snapshot:
    pg_restore = client_tool("pg_restore")
    _run([pg_restore, *_pg_arguments(), "--no-owner", "--no-privileges", "--clean",
          "--if-exists", "--single-transaction", "--exit-on-error", str(path)])  # fmt: skip
    with _pg_connection() as conn:
        return Snapshot(path, "postgresql", _migrations(conn), _pg_counts(conn))
