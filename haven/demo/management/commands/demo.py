from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from haven.demo import services


class Command(BaseCommand):
    help = "Build the demo installation (fictional centres, one account per role, synthetic files)."

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

    def handle(self, *args: Any, **options: Any) -> None:
        from haven.centres.models import Centre

        if options["reset"]:
            if not services.is_demo_installation():
                raise CommandError("This installation has real accounts: --reset refused.")
            call_command("flush", interactive=False, verbosity=0)
        elif options["if_empty"] and Centre.objects.exists():
            self.stdout.write("The database already holds centres; demo not loaded.")
            return
        logins = services.build()
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
