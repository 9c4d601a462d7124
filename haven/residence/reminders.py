"""Reminders before a residence document expires, and the daily digest e-mail.

Each centre sets how many days before expiry its workers are reminded
(``Centre.reminder_days``, by default 30, 14 and 7). Each threshold is reminded once per
document (a ``Reminder`` row). A document registered late, or a day the command did not run,
crosses several thresholds at once: all are recorded, the document is listed once. A renewal
requested stops the reminders (a refused one lets them go on).

``send`` is what ``haven remind`` runs each day: one e-mail per worker listing the documents
reminded that day and the documents of their clients that expired without a renewal. The
e-mail leaves Haven, so it names file codes, document types and dates only: never a name,
an address or even a pseudonym. Each digest sent is written to the audit log, which is also
how a second run on the same day knows not to send it again.
"""

import datetime
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core import mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from haven.accounts.models import User
from haven.accounts.permissions import Permission, Role
from haven.audit import services as audit
from haven.audit.models import Action, AuditEntry
from haven.centres.models import Centre, default_reminder_days
from haven.residence import deadlines
from haven.residence.models import Reminder, ResidenceDocument

log = logging.getLogger(__name__)

SENDER = "haven remind"
"""The audit log's actor name for the digests."""
NOTE = "residence reminder e-mail {day:%Y-%m-%d}"
"""The audit note of a digest; with the date, it tells a second run what was sent."""


def thresholds(centre: Centre) -> list[int]:
    """The centre's reminder days, largest first."""
    return sorted(set(centre.reminder_days or default_reminder_days()), reverse=True)


def _remindable(centre: Centre) -> Any:
    """Current documents that may be reminded: a valid-until date, no open renewal."""
    return deadlines.without_open_renewal(deadlines.counted(centre))


def due(centre: Centre, today: datetime.date) -> list[tuple[ResidenceDocument, int]]:
    """The (document, threshold) pairs to remind today: documents expiring within a threshold
    of the centre's (0 ≤ days left ≤ threshold) whose reminder for that threshold was not
    given yet. Two queries."""
    days = thresholds(centre)
    if not days:
        return []
    documents = list(
        _remindable(centre)
        .filter(valid_until__gte=today, valid_until__lte=today + datetime.timedelta(days=days[0]))
        .order_by("valid_until", "client__file_code", "pk")
    )
    given = set(
        Reminder.objects.filter(document__in=[d.pk for d in documents]).values_list(
            "document_id", "days_before"
        )
    )
    pairs: list[tuple[ResidenceDocument, int]] = []
    for document in documents:
        left = deadlines.days_left(document, today)
        pairs.extend(
            (document, threshold)
            for threshold in days
            if left <= threshold and (document.pk, threshold) not in given
        )
    return pairs


@dataclass
class Digest:
    """What one worker is told: the documents reminded today and those overdue."""

    user: User
    reminders: list[ResidenceDocument] = field(default_factory=list)
    overdue: list[ResidenceDocument] = field(default_factory=list)

    @property
    def documents(self) -> list[ResidenceDocument]:
        return [*self.reminders, *self.overdue]


@dataclass
class Run:
    """What ``send`` did (or, dry, would do) for one centre on one day: counts and user
    names only, for the command's output."""

    centre: Centre
    today: datetime.date
    dry_run: bool = False
    reminders: int = 0  # (document, threshold) pairs due
    documents: int = 0  # distinct documents reminded
    digests: list[Digest] = field(default_factory=list)
    sent: list[str] = field(default_factory=list)
    already_sent: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (username, reason)
    failed: list[str] = field(default_factory=list)
    unrouted: int = 0  # documents nobody may be told about (no worker, no legal worker)


def legal_workers(centre: Centre) -> list[User]:
    """Who receives the documents of clients without an (active) assigned worker."""
    return list(
        User.objects.filter(centre=centre, role=Role.LEGAL, is_active=True).order_by("username")
    )


def _route(
    centre: Centre, documents: list[ResidenceDocument], run: Run, fallback: list[User]
) -> dict[User, list[ResidenceDocument]]:
    """Each document to its client's assigned workers who may read residence documents; to
    the centre's legal workers when none of them is active."""
    routed: dict[User, list[ResidenceDocument]] = defaultdict(list)
    for document in documents:
        readers = []
        for worker in document.client.workers.all():
            if not worker.is_active:
                run.skipped.append((worker.get_username(), "inactive"))
            elif worker.centre_id == centre.pk and worker.can(Permission.RESIDENCE_READ):
                readers.append(worker)
        if not (readers or fallback):
            run.unrouted += 1
        for reader in readers or fallback:
            routed[reader].append(document)
    return routed


def _already_sent(centre: Centre, today: datetime.date, user: User | None = None) -> set[str]:
    """The users (ids; or only ``user``) who were sent today's digest by an earlier run."""
    entries = AuditEntry.objects.filter(
        centre=centre,
        action=Action.VIEW,
        actor_name=SENDER,
        object_type=User._meta.label_lower,
        note=NOTE.format(day=today),
    )
    if user is not None:
        entries = entries.filter(object_id=str(user.pk))
    return set(entries.values_list("object_id", flat=True))


def plan(
    centre: Centre,
    today: datetime.date,
    pairs: list[tuple[ResidenceDocument, int]] | None = None,
    *,
    dry_run: bool = False,
) -> Run:
    """The digests of the day, per worker: the documents reminded today (``pairs``, the due
    reminders, whether written yet or not, and those written by an earlier run of the day)
    and the overdue ones without an open renewal. Workers who were sent today's digest
    already are listed apart. A fixed number of queries."""
    if pairs is None:
        pairs = due(centre, today)
    run = Run(
        centre=centre,
        today=today,
        dry_run=dry_run,
        reminders=len(pairs),
        documents=len({document.pk for document, _threshold in pairs}),
    )
    reminded_today = set(
        Reminder.objects.filter(document__centre=centre, sent_on=today).values_list(
            "document_id", flat=True
        )
    ) | {document.pk for document, _threshold in pairs}
    remindable = _remindable(centre).prefetch_related("client__workers")
    reminded = list(
        remindable.filter(pk__in=sorted(reminded_today), valid_until__gte=today).order_by(
            "valid_until", "client__file_code", "pk"
        )
    )
    late = list(
        remindable.filter(valid_until__lt=today).order_by("valid_until", "client__file_code", "pk")
    )
    fallback = legal_workers(centre)
    soon_to = _route(centre, reminded, run, fallback)
    late_to = _route(centre, late, run, fallback)
    done = _already_sent(centre, today)
    for user in sorted({*soon_to, *late_to}, key=lambda u: u.get_username()):
        digest = Digest(user=user, reminders=soon_to.get(user, []), overdue=late_to.get(user, []))
        if not user.email:
            run.skipped.append((user.get_username(), "no e-mail address"))
        elif str(user.pk) in done:
            run.already_sent.append(user.get_username())
        else:
            run.digests.append(digest)
    run.skipped = sorted(set(run.skipped))
    return run


def render(digest: Digest, today: datetime.date) -> tuple[str, str]:
    """The digest's subject and plain-text body, in the worker's language."""
    language = digest.user.language or settings.LANGUAGE_CODE
    with translation.override(language):
        context = {
            "user": digest.user,
            "today": today,
            "reminders": [(d, deadlines.days_left(d, today)) for d in digest.reminders],
            "overdue": [(d, -deadlines.days_left(d, today)) for d in digest.overdue],
            "link": f"{reverse('residence:deadlines')}?mine=1",
        }
        subject = render_to_string("residence/email/digest_subject.txt", context)
        body = render_to_string("residence/email/digest_body.txt", context)
    return " ".join(subject.split()), body


def send(
    centre: Centre, today: datetime.date, *, dry_run: bool = False, connection: Any = None
) -> Run:
    """Remind the day's documents and send the digests; see the module's docstring.

    The reminders are written first (one transaction); then each digest is sent and written to
    the audit log in a transaction of its own, so a failed e-mail is tried again by the next
    run of the day and a digest sent is never sent twice on the same day. Both steps lock the
    centre's row, so two runs at once wait for each other. ``dry_run`` writes and sends
    nothing.
    """
    if dry_run:
        return plan(centre, today, dry_run=True)
    with transaction.atomic():
        Centre.objects.select_for_update().filter(pk=centre.pk).first()
        pairs = due(centre, today)
        Reminder.objects.bulk_create(
            [Reminder(document=d, days_before=t, sent_on=today) for d, t in pairs],
            ignore_conflicts=True,
        )
    run = plan(centre, today, pairs)
    connection = connection or mail.get_connection()
    for digest in run.digests:
        username = digest.user.get_username()
        subject, body = render(digest, today)
        try:
            with transaction.atomic():
                # Another run at the same time may have sent it meanwhile: ask again, locked.
                Centre.objects.select_for_update().filter(pk=centre.pk).first()
                if str(digest.user.pk) in _already_sent(centre, today, digest.user):
                    run.already_sent.append(username)
                    continue
                audit.record(
                    Action.VIEW,
                    actor_name=SENDER,
                    obj=digest.user,
                    centre=centre,
                    note=NOTE.format(day=today),
                    changes={"sent": [d.audit_label() for d in digest.documents]},
                )
                mail.EmailMessage(
                    subject, body, to=[digest.user.email], connection=connection
                ).send()
        except Exception:
            # Counted and reported; the next run of the day tries this digest again.
            log.exception("Reminder e-mail to %s failed", username)
            run.failed.append(username)
        else:
            run.sent.append(username)
    return run
