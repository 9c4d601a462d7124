"""``haven report``: the annual report's figures of a centre, or of every centre, for a period
(../shared/REPORT.md section 2), as JSON or as a document with charts."""

import datetime
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from haven.audit import services as audit
from haven.audit.models import Action
from haven.centres.models import Centre
from haven.reports import figures

FORMATS = ("json", "xlsx", "pdf", "html")
LANGUAGES = ("en", "nl", "fr")


class Command(BaseCommand):
    # Reads figures only: the system checks (every URL pattern, every view imported) would be
    # a third of a one-year report's time.
    requires_system_checks: list[str] = []
    help = (
        "Print the report's figures of a centre (or ALL centres added up) for a period, as "
        "JSON on standard output, or write them as an XLSX, PDF or HTML document (-o FILE)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--centre", required=True, help="The centre's code, or ALL.")
        parser.add_argument("--from", dest="start", required=True, help="First day, YYYY-MM-DD.")
        parser.add_argument("--to", dest="end", required=True, help="Last day, YYYY-MM-DD.")
        parser.add_argument("--format", choices=FORMATS, default="json")
        parser.add_argument("-o", "--output", help="Write to this file (required but for json).")
        parser.add_argument(
            "--suppress",
            action="store_true",
            help="Show breakdown cells from 1 to 4 as <5 (the national rapporteur's view).",
        )
        parser.add_argument("--language", choices=LANGUAGES, default="en")

    def handle(self, *args: Any, **options: Any) -> None:
        start, end = _day(options["start"], "--from"), _day(options["end"], "--to")
        if end < start:
            raise CommandError("--from must not be after --to.")
        code = options["centre"].upper()
        centre = None
        if code != figures.ALL:
            centre = Centre.objects.filter(code=code).first()
            if centre is None:
                raise CommandError(f"No centre with the code {options['centre']!r}.")
        fmt, output = options["format"], options["output"]
        if fmt != "json" and not output:
            raise CommandError(f"--format {fmt} writes a file: give it with -o FILE.")
        document = figures.report(centre, start, end)
        if options["suppress"]:
            document = figures.suppress(document)
        if fmt == "json":
            content = (json.dumps(document, indent=1, ensure_ascii=False) + "\n").encode()
        else:
            from haven.reports import render

            top = figures.top_nationalities(centre, start, end)
            if options["suppress"]:
                top = figures.suppress_top(top)
            extras = {"top_nationalities": top}
            content = render.document(document, fmt, extras=extras, language=options["language"])
        with transaction.atomic():
            audit.record(
                Action.VIEW,
                actor_name="haven report",
                centre=centre,
                note=f"report {document['centre']} {start:%Y-%m-%d}..{end:%Y-%m-%d} {fmt}"
                + (" suppressed" if options["suppress"] else ""),
            )
            if output:
                Path(output).write_bytes(content)
        if not output:
            self.stdout.write(content.decode(), ending="")


def _day(value: str, option: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"{option} must be a date as YYYY-MM-DD, not {value!r}.") from exc
