"""``haven retention``: apply each centre's retention policy (haven.privacy.retention)."""

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from haven.centres.models import Centre
from haven.privacy import retention


class Command(BaseCommand):
    help = (
        "Erase what the centres' retention policies no longer keep: identity and free text of "
        "clients long out of guidance, closed intakes without guidance, old audit references. "
        "--dry-run lists what would change (counts and codes, never names)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Change nothing; list.")
        parser.add_argument("--centre", help="Only this centre (its code).")
        parser.add_argument("--date", help="Apply as on this day, YYYY-MM-DD (default: today).")

    def handle(self, *args: Any, **options: Any) -> None:
        day = timezone.localdate()
        if options["date"]:
            try:
                day = datetime.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError("--date takes YYYY-MM-DD.") from None
        centres = Centre.objects.order_by("code")
        if options["centre"]:
            centres = centres.filter(code=options["centre"].upper())
            if not centres.exists():
                raise CommandError(f"No centre with the code {options['centre']!r}.")
        dry = options["dry_run"]
        for centre in centres:
            done = retention.plan(centre, day) if dry else retention.apply(centre, day)
            self._show(done, dry)

    def _show(self, done: retention.Plan, dry: bool) -> None:
        verb = "would erase" if dry else "erased"
        self.stdout.write(f"{done.centre.code} on {done.day:%Y-%m-%d}:")
        for title, codes in (
            ("clients whose last guidance ended long ago", done.clients_after_guidance),
            ("clients never guided, with only old closed intakes", done.clients_without_guidance),
            ("closed intakes without guidance (free text)", done.intakes),
        ):
            self.stdout.write(f"  {verb} {len(codes)} {title}" + (":" if codes else ""))
            for code in codes:
                self.stdout.write(f"    {code}")
        before = f"{done.audit_before:%Y-%m-%d}" if done.audit_before else "-"
        self.stdout.write(
            f"  {'would anonymise' if dry else 'anonymised'} {done.audit_entries} audit entries "
            f"before {before}"
        )
