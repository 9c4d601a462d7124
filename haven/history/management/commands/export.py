"""``haven export``: a centre's records in the dataset format or as HTCDS (REPORT.md)."""

import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from haven.accounts.models import User
from haven.accounts.permissions import Permission
from haven.centres.models import Centre
from haven.core.exports import encrypted_zip
from haven.history import exporter


class Command(BaseCommand):
    help = (
        "Export a centre's records: --format dataset writes the CSV files of the dataset "
        "format into a directory (importing them into a new centre gives the same report); "
        "--format htcds writes one HTCDS row per guidance episode to a CSV file. Every export "
        "is recorded in the audit log."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--centre", required=True, help="The centre's code, e.g. BXL.")
        parser.add_argument(
            "--format", required=True, choices=("dataset", "htcds"), help="What to write."
        )
        parser.add_argument(
            "-o",
            "--output",
            required=True,
            help="dataset: a directory (created when missing); htcds: a CSV file.",
        )
        parser.add_argument(
            "--with-identity",
            action="store_true",
            help="htcds only: fill the identity and contact columns. Needs --user, a user "
            "of the centre allowed to export identities, and --reason. The CSV is then "
            "written inside an AES-encrypted ZIP (-o names the ZIP) whose password is printed "
            "once.",
        )
        parser.add_argument(
            "--reason",
            help="Why the export is taken, recorded in the audit log with who took it; "
            "required with --with-identity.",
        )
        parser.add_argument(
            "--user",
            help="The user name the export is made by (recorded in the audit log); required "
            "with --with-identity.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        code = options["centre"].upper()
        centre = Centre.objects.filter(code=code).first()
        if centre is None:
            raise CommandError(f"No centre with the code {code!r}.")
        user = self._user(options["user"]) if options["user"] else None
        output = Path(options["output"])
        reason = " ".join((options["reason"] or "").split())
        if options["format"] == "dataset":
            if options["with_identity"]:
                raise CommandError(
                    "--with-identity applies to --format htcds only: the dataset format "
                    "holds no identities."
                )
            counts = exporter.export_dataset(centre, output, by=user, reason=reason)
            for name, rows in counts.items():
                self.stdout.write(f"{name}: {rows} rows")
            self.stdout.write(self.style.SUCCESS(f"Dataset of {centre.code} written to {output}."))
            return
        if options["with_identity"]:
            self._check_identity_export(user, centre)
            if not reason:
                raise CommandError(
                    "--with-identity needs --reason: why the identities leave Haven "
                    "(recorded in the audit log)."
                )
        if options["with_identity"]:
            # Identities never lie on disk in clear: the CSV goes straight into the ZIP.
            with tempfile.TemporaryDirectory(prefix="haven-htcds-") as tmp:
                inner = Path(tmp) / f"htcds-{centre.code}.csv"
                rows = exporter.export_htcds(
                    centre, inner, with_identity=True, by=user, reason=reason
                )
                archive, password = encrypted_zip({inner.name: inner.read_bytes()})
            output.write_bytes(archive)
            output.chmod(0o600)
            self.stdout.write(
                f"HTCDS of {centre.code} with identities: {rows} rows in the encrypted ZIP "
                f"{output}.\nPassword (shown once, never stored): {password}"
            )
            return
        rows = exporter.export_htcds(centre, output, with_identity=False, by=user, reason=reason)
        identity = "without identities"
        self.stdout.write(
            self.style.SUCCESS(f"HTCDS of {centre.code} ({identity}): {rows} rows in {output}.")
        )

    def _user(self, username: str) -> User:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        return user

    def _check_identity_export(self, user: User | None, centre: Centre) -> None:
        if user is None:
            raise CommandError(
                "--with-identity needs --user: the user, allowed to export identities, who "
                "takes this export."
            )
        if not user.is_active:
            raise CommandError(f"The user {user.get_username()!r} is deactivated.")
        if user.centre_id != centre.pk or not user.can(Permission.IDENTITY_EXPORT):
            raise CommandError(
                f"The user {user.get_username()!r} may not export the identities of "
                f"{centre.code}'s clients: only a director of the centre may. Export "
                "without --with-identity."
            )
