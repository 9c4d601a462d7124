"""Encrypted, consistent backups of an installation, and their restore into an empty one.

A backup is one file: the encrypted stream of haven.backup.stream around a gzip-compressed tar
archive holding

- ``database.sqlite3`` (SQLite) or ``database.pgdump`` (PostgreSQL, pg_dump's custom format),
- ``media/...``: every file under MEDIA_ROOT,
- ``manifest.json``, last: Haven's version, the database vendor, the applied migrations per
  app, when it was made, the row count of every table, the size and SHA-256 of every member
  and the ids (hashes, not the keys) of the field keys the identity fields were sealed with.

The database is copied first and the media files after, so that every file a copied row
names is in the backup. Everything streams: neither side holds more than a chunk in memory;
a restore unpacks into a temporary directory and changes nothing until the whole file has
passed its integrity check and the manifest's checksums.

Neither the backup key nor the field keys (HAVEN_FIELD_KEYS) are in a backup: a restore needs
the same field keys as the installation the backup was made from.
"""

import gzip
import hashlib
import json
import os
import shutil
import tarfile
import tempfile
import time
import zlib
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from pathlib import Path, PurePosixPath
from typing import IO, Any, BinaryIO, cast

from django.conf import settings
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from haven.backup import database
from haven.backup.stream import (
    BackupError,
    DecryptingReader,
    EncryptingWriter,
    decode_key,
)
from haven.core.crypto import Keyring

FORMAT = "haven-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MEDIA = "media"
MAX_MANIFEST_BYTES = 256 * 1024 * 1024
COPY_BYTES = 1024 * 1024
KEY_VARIABLE = "HAVEN_BACKUP_KEY"


@dataclass
class Outcome:
    """What a backup or a restore did: the manifest, where, how long, and what to do next."""

    manifest: dict[str, Any]
    path: Path
    seconds: float
    notes: list[str] = field(default_factory=list)


# --- the key ---------------------------------------------------------------------------------


def backup_key(key_file: Path | None = None) -> bytes:
    """The backup key: from ``key_file`` when given, else HAVEN_BACKUP_KEY.

    A key of its own: the secret key and the field keys are refused, so that one leaked key
    does not open both the database and its backups.
    """
    if key_file is not None:
        try:
            text = key_file.read_text(encoding="ascii")
        except (OSError, UnicodeDecodeError) as exc:
            raise BackupError(f"The key file {key_file} cannot be read.") from exc
    else:
        text = str(getattr(settings, "BACKUP_KEY", "") or os.environ.get(KEY_VARIABLE, ""))
    if not text.strip():
        raise BackupError(
            f"No backup key: set {KEY_VARIABLE} or pass --key-file. A backup key is 32 random "
            "bytes in base64 (`haven generate_field_key` prints one); keep it apart from the "
            "field keys and from the backups."
        )
    key = decode_key(text)
    if text.strip() in settings.FIELD_KEYS:
        raise BackupError(
            "The backup key is one of the field keys (HAVEN_FIELD_KEYS): give backups a key "
            "of their own."
        )
    return key


def field_key_ids() -> list[str]:
    return [Keyring([key]).current_id for key in settings.FIELD_KEYS]


def haven_version() -> str:
    try:
        return package_version("haven")
    except PackageNotFoundError:  # running from a tree that was not installed
        return "unknown"


# --- backup ----------------------------------------------------------------------------------


def create_backup(output: Path, key: bytes) -> Outcome:
    """Write an encrypted, consistent backup of the database and the media files to ``output``.

    The file appears under its name only when complete (written as ``<name>.partial`` first),
    readable by its owner only.
    """
    started = time.monotonic()
    if output.exists():
        raise BackupError(f"{output} already exists: choose a new file name.")
    if not output.parent.is_dir():
        raise BackupError(f"The directory {output.parent} does not exist.")
    partial = output.with_name(output.name + ".partial")
    staging_parent = database.staging_directory()
    with tempfile.TemporaryDirectory(dir=staging_parent, prefix=".haven-backup-") as staging:
        snap = database.snapshot(Path(staging))
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with open(descriptor, "wb") as raw:
                manifest = _write_archive(raw, key, snap)
                raw.flush()
                os.fsync(raw.fileno())
            os.replace(partial, output)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    return Outcome(manifest, output, time.monotonic() - started)


def _write_archive(raw: BinaryIO, key: bytes, snap: database.Snapshot) -> dict[str, Any]:
    writer = EncryptingWriter(raw, key)
    members: dict[str, dict[str, Any]] = {}
    db_member = database.member_name(snap.vendor)
    with (
        gzip.GzipFile(fileobj=writer, mode="wb", compresslevel=6, mtime=0) as compressed,
        tarfile.open(fileobj=compressed, mode="w|", format=tarfile.PAX_FORMAT) as tar,
    ):
        members[db_member] = _add_file(tar, snap.path, db_member)
        for relative, path in _media_files():
            name = f"{MEDIA}/{relative}"
            members[name] = _add_file(tar, path, name)
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "haven_version": haven_version(),
            "created_at": timezone.now().isoformat(),
            "database": {"vendor": snap.vendor, "member": db_member},
            "migrations": snap.migrations,
            "tables": snap.tables,
            "members": members,
            "field_key_ids": field_key_ids(),
        }
        body = json.dumps(manifest, indent=2, sort_keys=True).encode("utf-8")
        info = tarfile.TarInfo(MANIFEST)
        info.size = len(body)
        info.mtime = int(time.time())
        info.mode = 0o600
        tar.addfile(info, _Hashing(_BytesReader(body)))
    writer.close()
    return manifest


class _BytesReader:
    def __init__(self, data: bytes):
        self._data = data
        self._offset = 0

    def read(self, size: int = -1) -> bytes:
        end = len(self._data) if size < 0 else self._offset + size
        piece = self._data[self._offset : end]
        self._offset += len(piece)
        return piece


class _Hashing:
    """A reader that hashes what passes through it."""

    def __init__(self, source: Any):
        self._source = source
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data: bytes = self._source.read(size)
        self.digest.update(data)
        return data


def _add_file(tar: tarfile.TarFile, path: Path, name: str) -> dict[str, Any]:
    stat = path.stat()
    info = tarfile.TarInfo(name)
    info.size = stat.st_size
    info.mtime = int(stat.st_mtime)
    info.mode = 0o600
    with path.open("rb") as source:
        hashing = _Hashing(source)
        try:
            tar.addfile(info, hashing)
        except OSError as exc:
            # The name stays out of the message: an uploaded file's name may be personal.
            raise BackupError(
                "A file changed size while it was being copied: run the backup again."
            ) from exc
    return {"size": info.size, "sha256": hashing.digest.hexdigest()}


def _media_root() -> Path:
    return Path(str(settings.MEDIA_ROOT))


def _media_files() -> list[tuple[str, Path]]:
    """Every regular file under MEDIA_ROOT (symbolic links are not followed), sorted."""
    root = _media_root()
    if not root.is_dir():
        return []
    found = []
    for directory, _subdirectories, names in os.walk(root):
        for name in names:
            path = Path(directory) / name
            if path.is_file() and not path.is_symlink():
                found.append((path.relative_to(root).as_posix(), path))
    return sorted(found)


# --- restore ---------------------------------------------------------------------------------


def restore_backup(source: Path, key: bytes) -> Outcome:
    """Restore the backup ``source`` into this installation, which must be empty.

    Refused, with nothing changed: another key, a file altered or cut short, a backup of
    another database vendor or of a newer schema, field keys that cannot read its identity
    fields, a target that holds records or media files.
    """
    started = time.monotonic()
    if not source.is_file():
        raise BackupError(f"{source} is not a file.")
    with source.open("rb") as raw:
        DecryptingReader(raw, key)  # the header: a Haven backup, and the right key
    vendor = database.vendor()
    _check_empty(vendor)
    staging_parent = database.staging_directory()
    with tempfile.TemporaryDirectory(dir=staging_parent, prefix=".haven-restore-") as staging:
        directory = Path(staging)
        manifest = _unpack(source, key, directory)
        notes = _check_manifest(manifest, vendor)
        db_file = directory / manifest["database"]["member"]
        database.check_file(db_file, vendor)
        _check_empty(vendor)  # once more, just before the database is replaced
        if vendor == "postgresql":
            _check_no_foreign_tables(manifest)
        restored = database.restore(db_file, vendor)
        _check_restored(manifest, restored)
        _place_media(directory / MEDIA)
    return Outcome(manifest, source, time.monotonic() - started, notes)


def _check_empty(vendor: str) -> None:
    if vendor == "sqlite" and not database.sqlite_path().exists():
        tables: list[str] = []
    else:
        tables = database.haven_tables_in_use()
    if tables:
        shown = ", ".join(tables[:5]) + (", ..." if len(tables) > 5 else "")
        raise BackupError(
            f"This installation already holds records ({len(tables)} tables with rows: "
            f"{shown}). A backup is restored only into an empty installation: point "
            "HAVEN_DATABASE_URL at a new database."
        )
    if _media_files():
        raise BackupError(
            f"MEDIA_ROOT ({_media_root()}) already holds files. A backup is restored only into "
            "an empty installation: empty it or point HAVEN_VAR_DIR elsewhere."
        )


def _safe_member_name(member: tarfile.TarInfo) -> str:
    path = PurePosixPath(member.name)
    allowed = member.name in (MANIFEST, "database.sqlite3", "database.pgdump") or (
        len(path.parts) > 1 and path.parts[0] == MEDIA
    )
    if (
        not member.isfile()
        or path.is_absolute()
        or any(part in ("", ".", "..") for part in path.parts)
        or not allowed
    ):
        raise BackupError("The backup holds an unexpected entry: it is not a Haven backup.")
    return str(path)


def _unpack(source: Path, key: bytes, directory: Path) -> dict[str, Any]:
    """Decrypt and unpack ``source`` into ``directory``; the manifest, checked against it."""
    found: dict[str, dict[str, Any]] = {}
    manifest_body = None
    with source.open("rb") as raw:
        reader = DecryptingReader(raw, key)
        try:
            with (
                gzip.GzipFile(fileobj=cast(BinaryIO, reader), mode="rb") as compressed,
                tarfile.open(fileobj=compressed, mode="r|") as tar,
            ):
                for member in tar:
                    name = _safe_member_name(member)
                    content = tar.extractfile(member)
                    assert content is not None  # a regular file
                    if name == MANIFEST:
                        if member.size > MAX_MANIFEST_BYTES:
                            raise BackupError("The backup's manifest is implausibly large.")
                        manifest_body = content.read()
                        continue
                    found[name] = _extract(content, directory / name)
                while compressed.read(COPY_BYTES):  # to the end of the compressed stream
                    pass
            reader.finish()  # to the sealed end: a file cut short is refused here
        except (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile) as exc:
            raise BackupError("The backup's contents are not a valid Haven backup.") from exc
    if manifest_body is None:
        raise BackupError("The backup has no manifest: it is not a Haven backup.")
    try:
        manifest = json.loads(manifest_body)
    except ValueError as exc:
        raise BackupError("The backup's manifest is not readable.") from exc
    if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError("The backup's manifest is of another format.")
    if manifest.get("members") != found:
        raise BackupError("The backup's files do not match its manifest's checksums.")
    return manifest


def _extract(content: IO[bytes], target: Path) -> dict[str, Any]:
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    with target.open("xb") as out:
        while chunk := content.read(COPY_BYTES):
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
    return {"size": size, "sha256": digest.hexdigest()}


def migration_differences(backup: dict[str, list[str]]) -> tuple[list[str], list[str]]:
    """The migrations applied in ``backup`` that this code does not know (a newer schema),
    and those this code has that the backup lacks (to apply with `haven migrate` after)."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    known = set(loader.disk_migrations)
    for squashed in loader.replacements.values():
        known.update(squashed.replaces)
    applied = {(app, name) for app, names in backup.items() for name in names}
    newer = sorted(f"{app}.{name}" for app, name in applied - known)
    pending = sorted(
        f"{app}.{name}"
        for app, name in loader.disk_migrations
        if (app, name) not in applied
        and not (
            (app, name) in loader.replacements
            and set(loader.replacements[app, name].replaces) <= applied
        )
    )
    return newer, pending


def _check_manifest(manifest: dict[str, Any], vendor: str) -> list[str]:
    backup_vendor = manifest["database"]["vendor"]
    if backup_vendor != vendor:
        raise BackupError(
            f"This backup is of a {backup_vendor} database; this installation uses {vendor}. "
            "Restore it into an installation of the same kind."
        )
    newer, pending = migration_differences(manifest["migrations"])
    if newer:
        raise BackupError(
            f"This backup comes from a newer Haven ({manifest.get('haven_version')}): its schema "
            f"has migrations this version does not know ({', '.join(newer[:5])}). "
            "Upgrade Haven first, then restore."
        )
    backup_keys = manifest.get("field_key_ids") or []
    if backup_keys and backup_keys[0] not in field_key_ids():
        raise BackupError(
            f"The identity fields in this backup are encrypted with a field key (id "
            f"{backup_keys[0]}) that is not in HAVEN_FIELD_KEYS. Backups hold no field keys: "
            "set HAVEN_FIELD_KEYS to the keys of the installation the backup was made from."
        )
    notes = []
    if pending:
        notes.append(
            f"The backup is from an older schema ({len(pending)} migrations to apply): "
            "run `haven migrate` now."
        )
    return notes


def _check_no_foreign_tables(manifest: dict[str, Any]) -> None:
    extra = sorted(database.target_tables() - set(manifest["tables"]))
    if extra:
        raise BackupError(
            f"The target database has tables the backup has not ({', '.join(extra[:5])}), "
            "from a newer schema: restore into a new, empty database (createdb), then run "
            "`haven migrate`."
        )


def _check_restored(manifest: dict[str, Any], restored: database.Snapshot) -> None:
    different = sorted(
        table for table, count in manifest["tables"].items() if restored.tables.get(table) != count
    )
    if restored.migrations != manifest["migrations"] or different:
        raise BackupError(
            "The restored database differs from the backup's manifest "
            f"({', '.join(different[:5]) or 'migrations'}): do not use it; restore again into "
            "a new database."
        )


def _place_media(staged: Path) -> None:
    if not staged.is_dir():
        return
    root = _media_root()
    for directory, _subdirectories, names in os.walk(staged):
        for name in names:
            path = Path(directory) / name
            target = root / path.relative_to(staged)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(path, target)
