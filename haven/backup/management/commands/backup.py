"""``haven backup``: an encrypted, consistent backup of the database and the uploaded files."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from haven.backup import services
from haven.backup.stream import BackupError, key_id


class Command(BaseCommand):
    help = (
        "Write an encrypted backup of the database and the uploaded files (MEDIA_ROOT) to one "
        "file, consistent while Haven runs. Encrypted with AES-256-GCM under the backup key "
        "(HAVEN_BACKUP_KEY, or --key-file): 32 random bytes in base64, a key of its own. The "
        "field keys (HAVEN_FIELD_KEYS) are NOT in the backup: keep them safe apart, restoring "
        "needs the same HAVEN_FIELD_KEYS. Restore with `haven restore FILE`."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "-o", "--output", required=True, help="The backup file to write (must not exist)."
        )
        parser.add_argument(
            "--key-file",
            help="A file holding the backup key (base64), instead of HAVEN_BACKUP_KEY.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        key_file = Path(options["key_file"]) if options["key_file"] else None
        try:
            key = services.backup_key(key_file)
            outcome = services.create_backup(Path(options["output"]), key)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        manifest = outcome.manifest
        rows = sum(manifest["tables"].values())
        media = sum(1 for name in manifest["members"] if name.startswith(f"{services.MEDIA}/"))
        size = outcome.path.stat().st_size
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup written to {outcome.path}: {manifest['database']['vendor']} database "
                f"({len(manifest['tables'])} tables, {rows} rows), {media} media files, "
                f"{size / 1e6:.1f} MB in {outcome.seconds:.1f} s."
            )
        )
        self.stdout.write(
            f"Backup key id {key_id(key)[:16]}. The field keys are not in the backup: "
            "restoring needs the same HAVEN_FIELD_KEYS."
        )
