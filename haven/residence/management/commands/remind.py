"""``haven remind``: the daily reminders of expiring residence documents (run it from cron)."""

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from haven.centres.models import Centre
from haven.residence import reminders


class Command(BaseCommand):
    help = (
        "Remind workers of residence documents that expire soon or expired: one e-mail per "
        "worker per day. Meant to run daily (cron); running it twice a day sends nothing twice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date", help="The day to remind for, YYYY-MM-DD (default: today, local time)."
        )
        parser.add_argument("--centre", help="Only this centre (its code, e.g. BXL).")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Only say what would be sent: write nothing, send nothing.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = self._day(options["date"])
        centres = Centre.objects.filter(is_case_holding=True)
        if options["centre"]:
            centres = centres.filter(code=options["centre"].upper())
            if not centres.exists():
                raise CommandError(f"No case-holding centre with the code {options['centre']!r}.")
        failed = 0
        for centre in centres:
            run = reminders.send(centre, today, dry_run=options["dry_run"])
            self._report(run)
            failed += len(run.failed)
        if failed:
            raise CommandError(f"{failed} e-mail(s) could not be sent; run again to retry them.")

    def _day(self, value: str | None) -> datetime.date:
        if not value:
            return timezone.localdate()
        try:
            return datetime.date.fromisoformat(value)
        except ValueError as exc:
            raise CommandError(f"--date must be a date as YYYY-MM-DD, not {value!r}.") from exc

    def _report(self, run: reminders.Run) -> None:
        """Counts and user names only: never a client."""
        out = self.stdout.write
        prefix = "[dry run] " if run.dry_run else ""
        out(
            f"{prefix}{run.centre.code} {run.today:%Y-%m-%d}: {run.reminders} reminder(s) "
            f"due for {run.documents} document(s)"
        )
        if run.dry_run:
            for digest in run.digests:
                out(
                    f"  would e-mail {digest.user.get_username()}: "
                    f"{len(digest.reminders)} expiring, {len(digest.overdue)} overdue"
                )
        else:
            for digest in run.digests:
                if digest.user.get_username() in run.sent:
                    out(
                        f"  e-mailed {digest.user.get_username()}: "
                        f"{len(digest.reminders)} expiring, {len(digest.overdue)} overdue"
                    )
        for username in run.already_sent:
            out(f"  {username}: already e-mailed today")
        for username, reason in run.skipped:
            out(f"  skipped {username}: {reason}")
        if run.unrouted:
            out(
                self.style.WARNING(
                    f"  {run.unrouted} document(s) reach nobody: no assigned worker and no "
                    "active legal worker"
                )
            )
        for username in run.failed:
            out(self.style.ERROR(f"  failed {username}: the e-mail could not be sent"))
