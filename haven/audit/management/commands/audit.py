"""``haven audit verify``: walk the audit chain and report its first broken link.

Read-only, so it may run on a restored backup or a read-only replica. The whole chain is walked
(there is no per-centre option): each link depends on the entry before it whatever its centre,
and the centre of a deleted entry can no longer be known, so a per-centre report could miss
exactly the tampering it is meant to show.
"""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from haven.audit import chain


class Command(BaseCommand):
    help = "Audit log tools. `verify`: check the hash chain; exit code 1 at the first break."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="subcommand", required=True)
        commands.add_parser(
            "verify",
            help="Walk the audit chain in id order; print the first broken link or its length.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        outcome = chain.verify()
        seconds = time.monotonic() - started
        if outcome.problem is not None:
            self.stderr.write(str(outcome.problem))
            self.stderr.write(
                ngettext(
                    "(%(count)s entry before it verified)",
                    "(%(count)s entries before it verified)",
                    outcome.count,
                )
                % {"count": outcome.count}
            )
            raise SystemExit(1)
        self.stdout.write(
            ngettext(
                "Audit chain intact: %(count)s entry",
                "Audit chain intact: %(count)s entries",
                outcome.count,
            )
            % {"count": outcome.count}
        )
        if outcome.last_id is not None:
            # The head's value, to note down elsewhere: a chain rewritten from an earlier entry
            # onwards verifies, but no longer ends in this value.
            self.stdout.write(
                _("Last entry %(id)s, chain %(chain)s (%(seconds).1f s)")
                % {"id": outcome.last_id, "chain": outcome.last_chain, "seconds": seconds}
            )
