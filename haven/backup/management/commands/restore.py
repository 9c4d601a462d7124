"""``haven restore``: a backup of `haven backup` into an empty installation."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from haven.backup import services
from haven.backup.stream import BackupError


class Command(BaseCommand):
    help = (
        "Restore a backup made by `haven backup` into this installation, which must be empty "
        "(a new database, no uploaded files). The file is decrypted with the backup key "
        "(HAVEN_BACKUP_KEY, or --key-file) and checked whole before anything changes: a "
        "wrong key, an altered or truncated file, a backup from a newer Haven or of another "
        "database vendor is refused. The field keys are NOT in the backup: set the same "
        "HAVEN_FIELD_KEYS as the installation it was made from."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The backup file.")
        parser.add_argument(
            "--key-file",
            help="A file holding the backup key (base64), instead of HAVEN_BACKUP_KEY.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        key_file = Path(options["key_file"]) if options["key_file"] else None
        try:
            key = services.backup_key(key_file)
            outcome = services.restore_backup(Path(options["file"]), key)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        manifest = outcome.manifest
        rows = sum(manifest["tables"].values())
        media = sum(1 for name in manifest["members"] if name.startswith(f"{services.MEDIA}/"))
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored the backup of {manifest['created_at']} (Haven "
                f"{manifest['haven_version']}): {len(manifest['tables'])} tables, {rows} rows, "
                f"{media} media files, in {outcome.seconds:.1f} s."
            )
        )
        for note in outcome.notes:
            self.stdout.write(self.style.WARNING(note))
