import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from haven.demo import history, services


class Command(BaseCommand):
    help = (
        "Build the demo installation (fictional centres, one account per role, synthetic files) "
        "with 30 years of synthetic intake history per centre."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Empty the database first (only a demo installation).",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already has centres.",
        )
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="Multiply the history's volumes (1: ~12,000 intakes at BXL since 1995; "
            "100: about a million; 0: no history).",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=2026,
            help="Random seed: the same seed gives the same data.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from haven.centres.models import Centre

        if options["scale"] < 0:
            raise CommandError("--scale cannot be negative.")
        if options["reset"]:
            if not services.is_demo_installation():
                raise CommandError("This installation has real accounts: --reset refused.")
            call_command("flush", interactive=False, verbosity=0)
        elif options["if_empty"] and Centre.objects.exists():
            self.stdout.write("The database already holds centres; demo not loaded.")
            return
        logins = services.build(seed=options["seed"])
        if options["scale"] > 0:
            self._history(scale=options["scale"], seed=options["seed"])
        self.stdout.write(
            self.style.SUCCESS(f"Demo installation ready. Every password: {services.DEMO_PASSWORD}")
        )
        self.stdout.write(
            "Second factor: add the key to an authenticator app (or `oathtool --totp -b KEY`)."
        )
        if settings.DEMO_SKIP_2FA:
            self.stdout.write("HAVEN_DEMO_SKIP_2FA=1: demo accounts skip the second factor.")
        width = max(len(login.username) for login in logins)
        for login in logins:
            self.stdout.write(f"  {login.username:<{width}}  {login.totp_key}  {login.role}")

    def _history(self, *, scale: float, seed: int) -> None:
        started = time.monotonic()
        for summary in history.generate(scale=scale, seed=seed):
            if summary.skipped:
                self.stdout.write(f"{summary.centre}: history exists, left as it is.")
                continue
            keys = (
                f", {summary.name_keys} name keys"
                if summary.name_keys
                else " (no name keys: haven.clients.matching not available)"
                if not history.name_index_available()
                else ""
            )
            self.stdout.write(
                f"{summary.centre}: {summary.intakes} intakes, {summary.clients} clients, "
                f"{summary.screenings} screenings, {summary.episodes} guidance episodes{keys}; "
                f"last year: {summary.journal_entries} journal entries, "
                f"{summary.appointments} appointments, {summary.goals} goals, "
                f"{summary.tasks} tasks; {summary.tracks.documents} residence documents, "
                f"{summary.tracks.renewals} renewals, {summary.tracks.dossiers} dossiers; "
                f"{summary.shelter.rooms} rooms, {summary.shelter.stays} stays, "
                f"{summary.shelter.loans} deposit loans; "
                f"in {summary.seconds:.1f} s"
            )
        self.stdout.write(f"History: {time.monotonic() - started:.1f} s")
