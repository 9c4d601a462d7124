from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from haven.history.importer import ImportFailed, import_dataset


class Command(BaseCommand):
    help = (
        "Import a centre's history from a directory of CSV files in the dataset format "
        "(REPORT.md section 1), all or nothing: one problem and nothing is stored."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path, help="The directory of the dataset's files.")
        parser.add_argument(
            "--centre",
            required=True,
            help="The centre's code (created when it does not exist), e.g. BXL.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the files only: report what would be imported, store nothing.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # An import log is English, whatever the installation's language.
        with translation.override("en"):
            self._import(options["directory"], options["centre"], dry_run=options["dry_run"])

    def _import(self, directory: Path, centre: str, *, dry_run: bool) -> None:
        try:
            summary = import_dataset(directory, centre, dry_run=dry_run)
        except ValueError as error:
            raise CommandError(str(error)) from error
        except ImportFailed as failed:
            for line in failed.lines():
                self.stderr.write(line)
            found = f"more than {len(failed.problems)}" if failed.more else len(failed.problems)
            raise CommandError(f"{found} problems found: nothing imported.") from failed
        if dry_run:
            self.stdout.write(f"Dry run: nothing stored. Would import into {summary.centre}:")
        else:
            self.stdout.write(self.style.SUCCESS(f"Imported into {summary.centre}:"))
        width = max(len(name) for name in summary.counts)
        for name, count in summary.counts.items():
            self.stdout.write(f"  {name:<{width}}  {count:>7} rows")
