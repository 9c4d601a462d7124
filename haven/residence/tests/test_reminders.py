"""Reminders before a residence document expires and `haven remind`, the daily digest."""

import datetime
import io
from typing import Any

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from haven.accounts.models import User
from haven.accounts.permissions import Role
from haven.audit.models import AuditEntry
from haven.centres.models import Centre
from haven.clients.models import Client
from haven.factories import ClientFactory, UserFactory
from haven.residence import reminders
from haven.residence.models import Decision, DocumentType, Reminder, Renewal, ResidenceDocument
from haven.residence.testing import make_document

pytestmark = pytest.mark.django_db

EXPIRY = datetime.date(2028, 3, 31)


def before(n: int) -> datetime.date:
    return EXPIRY - datetime.timedelta(days=n)


def worker(centre: Centre, name: str, role: Role = Role.LEGAL, **values: Any) -> User:
    values.setdefault("email", f"{name}@centre.example")
    return UserFactory(centre=centre, role=role, username=name, **values)


def client_of(centre: Centre, *workers: User, pseudonym: str = "Amina") -> Client:
    client: Any = ClientFactory(centre=centre, pseudonym=pseudonym)
    client.workers.add(*workers)
    return client


def card(client: Client, valid_until: datetime.date = EXPIRY, **values: Any) -> ResidenceDocument:
    values.setdefault("issued_on", valid_until - datetime.timedelta(days=182))
    return make_document(client.centre, client=client, valid_until=valid_until, **values)


def remind(day: datetime.date, *args: str) -> str:
    out = io.StringIO()
    call_command("remind", "--date", day.isoformat(), *args, stdout=out)
    return out.getvalue()


def test_each_threshold_is_reminded_exactly_once_when_run_every_day(centre_a: Centre) -> None:
    legal = worker(centre_a, "lena")
    document = card(client_of(centre_a, legal))
    mailed_on = []
    for n in range(40, -1, -1):
        count = len(mail.outbox)
        remind(before(n))
        if len(mail.outbox) > count:
            mailed_on.append(n)
    assert mailed_on == [30, 14, 7]
    assert sorted(
        Reminder.objects.filter(document=document).values_list("days_before", "sent_on")
    ) == [(7, before(7)), (14, before(14)), (30, before(30))]


def test_the_centres_own_reminder_days_are_used(centre_a: Centre) -> None:
    centre_a.reminder_days = [45, 3]
    centre_a.save()
    document = card(client_of(centre_a, worker(centre_a, "lena")))
    for n in range(50, -1, -1):
        reminders.send(centre_a, before(n))
    given = Reminder.objects.filter(document=document).values_list("days_before", "sent_on")
    assert sorted(given) == [(3, before(3)), (45, before(45))]
    assert len(mail.outbox) == 2


def test_a_document_registered_ten_days_before_expiry_is_listed_once(centre_a: Centre) -> None:
    client = client_of(centre_a, worker(centre_a, "lena"))
    document = card(client)
    assert reminders.due(centre_a, before(10)) == [(document, 30), (document, 14)]
    reminders.send(centre_a, before(10))
    assert len(mail.outbox) == 1
    assert mail.outbox[0].body.count(client.file_code) == 1
    assert set(Reminder.objects.values_list("days_before", flat=True)) == {30, 14}
    reminders.send(centre_a, before(9))
    assert len(mail.outbox) == 1
    reminders.send(centre_a, before(7))
    assert len(mail.outbox) == 2


def test_a_missed_day_catches_up_the_threshold_crossed(centre_a: Centre) -> None:
    card(client_of(centre_a, worker(centre_a, "lena")))
    reminders.send(centre_a, before(31))
    reminders.send(centre_a, before(29))  # the cron job did not run at 30 days
    assert list(Reminder.objects.values_list("days_before", "sent_on")) == [(30, before(29))]
    assert len(mail.outbox) == 1


def test_the_last_valid_day_is_reminded_and_a_later_document_is_not_yet(
    centre_a: Centre,
) -> None:
    legal = worker(centre_a, "lena")
    last_day = card(client_of(centre_a, legal))
    card(client_of(centre_a, legal), valid_until=before(-31))
    assert reminders.due(centre_a, EXPIRY) == [
        (last_day, 30),
        (last_day, 14),
        (last_day, 7),
    ]


def test_a_renewal_request_stops_the_reminders_and_a_refusal_resumes_them(
    centre_a: Centre,
) -> None:
    document = card(client_of(centre_a, worker(centre_a, "lena")))
    reminders.send(centre_a, before(30))
    renewal = Renewal.objects.create(centre=centre_a, document=document, requested_on=before(25))
    for n in range(25, -5, -1):
        reminders.send(centre_a, before(n))
    assert list(Reminder.objects.values_list("days_before", flat=True)) == [30]
    assert len(mail.outbox) == 1
    renewal.decision, renewal.decided_on = Decision.REFUSED, before(8)
    renewal.save()
    reminders.send(centre_a, before(7))
    assert sorted(Reminder.objects.values_list("days_before", flat=True)) == [7, 14, 30]


def test_superseded_and_permanent_documents_are_not_reminded(centre_a: Centre) -> None:
    client = client_of(centre_a, worker(centre_a, "lena"))
    card(client)
    card(client, valid_until=before(-180), issued_on=before(1))
    other = client_of(centre_a)
    card(other)
    make_document(
        centre_a, client=other, document=DocumentType.B_CARD, issued_on=before(2), valid_until=None
    )
    assert reminders.due(centre_a, before(10)) == []


def test_remind_sends_one_digest_per_worker_with_file_codes_only(
    centre_a: Centre, centre_b: Centre
) -> None:
    lena = worker(centre_a, "lena")
    paul = worker(centre_a, "paul", role=Role.PSYCHOSOCIAL)
    first = client_of(centre_a, lena, paul, pseudonym="Selam")
    second = client_of(centre_a, lena, pseudonym="Marisol")
    overdue = client_of(centre_a, lena, pseudonym="Ioana")
    card(first, valid_until=before(-30))  # 30 days after "today": reminded
    card(second, valid_until=before(-14))
    card(overdue, valid_until=before(1))  # expired yesterday, no renewal
    card(client_of(centre_b, worker(centre_b, "other")), valid_until=before(-7))

    output = remind(EXPIRY)

    assert sorted(m.to[0] for m in mail.outbox) == [
        "lena@centre.example",
        "other@centre.example",
        "paul@centre.example",
    ]
    (to_lena,) = [m for m in mail.outbox if m.to == ["lena@centre.example"]]
    (to_paul,) = [m for m in mail.outbox if m.to == ["paul@centre.example"]]
    for code in (first.file_code, second.file_code, overdue.file_code):
        assert to_lena.body.count(code) == 1
    assert first.file_code in to_paul.body
    assert second.file_code not in to_paul.body and overdue.file_code not in to_paul.body
    assert "A card (temporary stay)" in to_lena.body
    assert "Expired, no renewal requested" in to_lena.body
    assert "/residence/deadlines/?mine=1" in to_lena.body
    for message in mail.outbox:
        text = f"{message.subject}\n{message.body}"
        for client in (first, second, overdue):
            assert client.pseudonym not in text
            assert client.legal_name not in text and client.address not in text
    assert "AAA" in output and "e-mailed lena: 2 expiring, 1 overdue" in output
    for client in (first, second, overdue):
        assert client.pseudonym not in output and client.file_code not in output


def test_running_twice_the_same_day_sends_nothing_twice(centre_a: Centre) -> None:
    lena = worker(centre_a, "lena")
    card(client_of(centre_a, lena), valid_until=before(-30))
    card(client_of(centre_a, worker(centre_a, "omar")), valid_until=before(5))  # overdue only
    remind(EXPIRY)
    assert len(mail.outbox) == 2
    output = remind(EXPIRY)
    assert len(mail.outbox) == 2
    assert "lena: already e-mailed today" in output and "omar: already e-mailed today" in output
    assert AuditEntry.objects.filter(actor_name="haven remind").count() == 2
    remind(EXPIRY + datetime.timedelta(days=1))
    assert [m.to for m in mail.outbox[2:]] == [["omar@centre.example"]]


def test_a_client_without_a_worker_goes_to_the_centres_active_legal_workers(
    centre_a: Centre,
) -> None:
    worker(centre_a, "lena")
    worker(centre_a, "luc")
    worker(centre_a, "gone", is_active=False)
    worker(centre_a, "paul", role=Role.PSYCHOSOCIAL)
    left_behind = client_of(centre_a, worker(centre_a, "former", is_active=False))
    card(client_of(centre_a), valid_until=before(-7))
    card(left_behind, valid_until=before(-14))
    output = remind(EXPIRY)
    assert sorted(m.to[0] for m in mail.outbox) == ["lena@centre.example", "luc@centre.example"]
    assert all(left_behind.file_code in m.body for m in mail.outbox)
    assert "skipped former: inactive" in output


def test_workers_without_an_e_mail_address_are_skipped_and_named(centre_a: Centre) -> None:
    card(client_of(centre_a, worker(centre_a, "lena", email="")), valid_until=before(-7))
    output = remind(EXPIRY)
    assert mail.outbox == []
    assert "skipped lena: no e-mail address" in output
    assert Reminder.objects.count() == 3  # reminded on the desk all the same


def test_a_dry_run_says_what_would_be_sent_and_writes_nothing(centre_a: Centre) -> None:
    card(client_of(centre_a, worker(centre_a, "lena")), valid_until=before(-7))
    output = remind(EXPIRY, "--dry-run")
    assert "[dry run]" in output and "would e-mail lena: 1 expiring, 0 overdue" in output
    assert mail.outbox == []
    assert Reminder.objects.count() == 0
    assert not AuditEntry.objects.filter(actor_name="haven remind").exists()
    remind(EXPIRY)
    assert len(mail.outbox) == 1


def test_the_digest_is_written_in_the_workers_language(centre_a: Centre) -> None:
    card(client_of(centre_a, worker(centre_a, "lena", language="fr")), valid_until=before(-7))
    card(client_of(centre_a, worker(centre_a, "els", language="nl")), valid_until=before(-7))
    remind(EXPIRY)
    by_to = {m.to[0]: m for m in mail.outbox}
    assert "avril 2028" in by_to["lena@centre.example"].body  # 7 April 2028
    assert "april 2028" in by_to["els@centre.example"].body


def test_a_failed_e_mail_is_sent_by_the_next_run(centre_a: Centre, monkeypatch: Any) -> None:
    card(client_of(centre_a, worker(centre_a, "lena")), valid_until=before(-7))
    card(client_of(centre_a, worker(centre_a, "omar")), valid_until=before(-14))
    real_send = mail.EmailMessage.send

    def refuse_lena(message: Any, *args: Any, **kwargs: Any) -> int:
        if message.to == ["lena@centre.example"]:
            raise ConnectionRefusedError("mail server down")
        return real_send(message, *args, **kwargs)

    monkeypatch.setattr(mail.EmailMessage, "send", refuse_lena)
    with pytest.raises(CommandError, match="1 e-mail"):
        remind(EXPIRY)
    assert [m.to for m in mail.outbox] == [["omar@centre.example"]]
    monkeypatch.setattr(mail.EmailMessage, "send", real_send)
    remind(EXPIRY)
    assert [m.to for m in mail.outbox] == [["omar@centre.example"], ["lena@centre.example"]]
    assert "7 days left" in mail.outbox[1].body


def test_the_command_refuses_a_bad_date_or_an_unknown_centre(centre_a: Centre) -> None:
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("remind", "--date", "31/03/2028")
    with pytest.raises(CommandError, match="ZZZ"):
        call_command("remind", "--centre", "ZZZ")


def test_only_the_centre_asked_for_is_reminded(centre_a: Centre, centre_b: Centre) -> None:
    card(client_of(centre_a, worker(centre_a, "lena")), valid_until=before(-7))
    card(client_of(centre_b, worker(centre_b, "other")), valid_until=before(-7))
    remind(EXPIRY, "--centre", "bbb")
    assert [m.to for m in mail.outbox] == [["other@centre.example"]]
