"""Fail when a translation is missing, fuzzy or breaks a placeholder, or a catalogue is stale.

With gettext's tools on PATH, the strings are extracted afresh (``makemessages``) and compared
with the committed catalogues, which are restored byte for byte afterwards: a msgid found in the
code but absent from a committed .po means someone forgot ``make messages``. Without gettext,
only the committed catalogues are checked.

English is the source language: its catalogue must list every msgid but may leave them empty.
"""

import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polib
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

import haven

PACKAGE_DIR = Path(haven.__file__).resolve().parent
LOCALE_DIR = PACKAGE_DIR / "locale"
LANGUAGES = ("nl", "fr", "en")
MUST_TRANSLATE = ("nl", "fr")
GETTEXT_TOOLS = ("xgettext", "msgmerge", "msguniq")

PERCENT = re.compile(
    r"%(?:\((?P<name>[^)]+)\))?"  # %(name)s or %s
    r"[#0 +\-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?"  # flags, width, precision
    r"(?P<type>[diouxXeEfFgGcrsa%])"
)
BRACE = re.compile(r"(?<!\{)\{(?P<name>[A-Za-z_]\w*|\d*)(?:[!:][^{}]*)?\}(?!\})")
KINDS = re.compile(r"(:.*| [\d, ]+(?= empty))")  # "plural form 1, 2 empty" -> "plural form empty"
NPLURALS = re.compile(r"nplurals\s*=\s*(\d+)")


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / "django.po"


def key(entry: polib.POEntry) -> tuple[str, str]:
    return (entry.msgctxt or "", entry.msgid)


def shown(entry: polib.POEntry) -> str:
    text = entry.msgid.replace("\n", "\\n")
    text = text if len(text) <= 90 else text[:87] + "..."
    return f"[{entry.msgctxt}] {text}" if entry.msgctxt else text


@dataclass(frozen=True)
class Placeholders:
    named: frozenset[str]
    positional: tuple[str, ...]
    braces: frozenset[str]


def placeholders(text: str, percent: bool) -> Placeholders:
    named: set[str] = set()
    positional: list[str] = []
    if percent:
        for match in PERCENT.finditer(text):
            token = match.group(0)
            if match.group("type") == "%":
                continue
            if match.group("name") is not None:
                named.add(token)
            else:
                positional.append(token)
    braces = {match.group(0) for match in BRACE.finditer(text)}
    return Placeholders(frozenset(named), tuple(positional), frozenset(braces))


def uses_percent(entry: polib.POEntry) -> bool:
    if "python-format" in entry.flags:
        return True
    return "no-python-format" not in entry.flags and "%(" in entry.msgid


def placeholder_problems(entry: polib.POEntry) -> list[str]:
    """Placeholders of the msgid that a translation drops, or that a translation invents."""
    percent = uses_percent(entry)
    if entry.msgid_plural:
        sources = [(index, text) for index, text in sorted(entry.msgstr_plural.items())]
        singular = placeholders(entry.msgid, percent)
        plural = placeholders(entry.msgid_plural, percent)
        pairs = [(singular if index == 0 else plural, text) for index, text in sources]
        allowed = singular.named | plural.named | singular.braces | plural.braces
    else:
        source = placeholders(entry.msgid, percent)
        pairs = [(source, entry.msgstr)]
        allowed = source.named | source.braces
    problems = []
    for expected, text in pairs:
        if not text:
            continue
        found = placeholders(text, percent)
        missing = sorted((expected.named | expected.braces) - (found.named | found.braces))
        unknown = sorted((found.named | found.braces) - allowed)
        if missing:
            problems.append("placeholder missing: " + " ".join(missing))
        if unknown:
            problems.append("placeholder not in msgid: " + " ".join(unknown))
        if expected.positional != found.positional:
            problems.append(
                f"positional placeholders differ: {' '.join(expected.positional) or '-'}"
                f" -> {' '.join(found.positional) or '-'}"
            )
    return problems


def completeness_problem(entry: polib.POEntry, nplurals: int | None) -> str | None:
    if entry.fuzzy:
        return "fuzzy"
    if entry.msgid_plural:
        forms = nplurals if nplurals is not None else max(len(entry.msgstr_plural), 1)
        empty = [str(i) for i in range(forms) if not entry.msgstr_plural.get(i)]
        return f"plural form {', '.join(empty)} empty" if empty else None
    return None if entry.msgstr else "untranslated"


def nplurals_of(catalogue: polib.POFile) -> int | None:
    match = NPLURALS.search(catalogue.metadata.get("Plural-Forms", ""))
    return int(match.group(1)) if match else None


def extract() -> dict[str, polib.POFile]:
    """The catalogues as ``make messages`` would write them; the committed files are restored."""
    saved: dict[Path, tuple[bytes, os.stat_result] | None] = {}
    for language in LANGUAGES:
        path = po_path(language)
        saved[path] = (path.read_bytes(), path.stat()) if path.exists() else None
    cwd = os.getcwd()
    try:
        # From inside the package, makemessages scans only Haven's code and writes LOCALE_PATHS.
        os.chdir(PACKAGE_DIR)
        call_command(
            "makemessages",
            locale=list(LANGUAGES),
            no_location=True,
            no_obsolete=True,
            verbosity=0,
        )
        return {language: polib.pofile(str(po_path(language))) for language in LANGUAGES}
    finally:
        os.chdir(cwd)
        for path, original in saved.items():
            if original is None:
                path.unlink(missing_ok=True)
            else:
                content, stat = original
                path.write_bytes(content)
                os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))


class Command(BaseCommand):
    help = (
        "Check that nl and fr are fully translated, placeholders kept, and (with gettext "
        "installed) that the committed catalogues hold every string of the code."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        committed: dict[str, polib.POFile | None] = {}
        for language in LANGUAGES:
            path = po_path(language)
            committed[language] = polib.pofile(str(path)) if path.exists() else None

        missing_tools = [tool for tool in GETTEXT_TOOLS if shutil.which(tool) is None]
        extracted: dict[str, polib.POFile] | None = None
        if missing_tools:
            self.stderr.write(
                self.style.WARNING(
                    f"Warning: {', '.join(missing_tools)} not found (package gettext): extraction "
                    "skipped, only the committed .po files are checked."
                )
            )
        else:
            extracted = extract()

        problems: list[str] = []
        counts: dict[str, int] = {}

        def report(language: str, text: str, reason: str) -> None:
            problems.append(f"{language}: {text}  ({reason})")
            kind = f"{language} {KINDS.sub('', reason)}"
            counts[kind] = counts.get(kind, 0) + 1

        summary = []
        for language in LANGUAGES:
            catalogue = committed[language]
            if catalogue is None:
                report(
                    language,
                    str(po_path(language).relative_to(PACKAGE_DIR.parent)),
                    "catalogue missing: run `make messages`",
                )
                continue
            entries = [entry for entry in catalogue if not entry.obsolete]
            if extracted is not None:
                present = {key(entry) for entry in entries}
                for entry in extracted[language]:
                    if not entry.obsolete and key(entry) not in present:
                        report(
                            language, shown(entry), "not in the committed .po: run `make messages`"
                        )
            nplurals = nplurals_of(catalogue)
            done = 0
            for entry in entries:
                gap = completeness_problem(entry, nplurals)
                if gap is None:
                    done += 1
                elif language in MUST_TRANSLATE:
                    report(language, shown(entry), gap)
                for problem in placeholder_problems(entry):
                    report(language, shown(entry), problem)
            if language in MUST_TRANSLATE:
                summary.append(f"{language} {done}/{len(entries)} translated")
            else:
                summary.append(f"{language} {len(entries)} msgids, source language")

        for line in problems:
            self.stderr.write(line)
        if problems:
            listed = ", ".join(f"{kind}: {count}" for kind, count in counts.items())
            raise CommandError(f"Translations incomplete: {listed}.")
        self.stdout.write(self.style.SUCCESS(f"Translations complete: {'; '.join(summary)}."))
