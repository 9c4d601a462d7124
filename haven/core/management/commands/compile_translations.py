"""Compile the .po catalogues to .mo with polib, so that running Haven needs no gettext tools."""

import os
from pathlib import Path
from typing import Any

import polib
from django.core.management.base import BaseCommand, CommandParser

import haven

LOCALE_DIR = Path(haven.__file__).resolve().parent / "locale"


def catalogues() -> list[Path]:
    return sorted(LOCALE_DIR.glob("*/LC_MESSAGES/*.po"))


def is_stale(po_path: Path, mo_path: Path) -> bool:
    return not mo_path.exists() or po_path.stat().st_mtime > mo_path.stat().st_mtime


def compile_catalogue(po_path: Path, mo_path: Path) -> None:
    """Write the .mo beside the .po; fuzzy and untranslated entries are left out, as msgfmt does."""
    partial = mo_path.with_suffix(".mo.partial")
    polib.pofile(str(po_path)).save_as_mofile(str(partial))
    os.replace(partial, mo_path)  # a running server never reads a half-written catalogue


class Command(BaseCommand):
    help = "Compile haven/locale/*/LC_MESSAGES/*.po to .mo (only those whose .po changed)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="Compile every catalogue.")

    def handle(self, *args: Any, **options: Any) -> None:
        compiled = 0
        for po_path in catalogues():
            mo_path = po_path.with_suffix(".mo")
            if options["force"] or is_stale(po_path, mo_path):
                compile_catalogue(po_path, mo_path)
                compiled += 1
                if options["verbosity"] > 1:
                    self.stdout.write(f"compiled {po_path.relative_to(LOCALE_DIR.parent)}")
        if options["verbosity"] > 0:
            self.stdout.write(
                f"Translations: {compiled} of {len(catalogues())} catalogues compiled."
            )
