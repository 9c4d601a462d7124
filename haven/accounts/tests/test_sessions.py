from datetime import timedelta
from typing import Any

import time_machine
from django.contrib.sessions.models import Session
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from haven.accounts import sessions
from haven.accounts.models import User, UserSession
from haven.accounts.permissions import Role
from haven.audit.models import Action, AuditEntry
from haven.conftest import sign_in
from haven.factories import UserFactory

FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)
PASSWORD = "correct horse battery"


def browser(user: User, agent: str = FIREFOX) -> HttpClient:
    """A signed-in browser; the test client's sign-in sends no User-Agent, so it is set here."""
    http = sign_in(HttpClient(HTTP_USER_AGENT=agent), user)
    UserSession.objects.filter(session_key=http.session.session_key).update(user_agent=agent)
    return http


def test_the_security_page_lists_each_signed_in_browser_and_marks_this_one(
    users: dict[Role, User],
) -> None:
    worker = users[Role.PSYCHOSOCIAL]
    laptop = browser(worker, FIREFOX)
    browser(worker, SAFARI_IPHONE)
    page = laptop.get(reverse("accounts:security")).content.decode()
    assert "Firefox 128 on Windows" in page
    assert "Safari 17 on iOS" in page
    assert page.count(">this session</span>") == 1
    assert page.count("End this session") == 1


def test_a_user_ends_another_session_and_that_browser_is_signed_out(
    users: dict[Role, User],
) -> None:
    worker = users[Role.PSYCHOSOCIAL]
    laptop = browser(worker)
    phone = browser(worker, SAFARI_IPHONE)
    row = UserSession.objects.get(user=worker, user_agent=SAFARI_IPHONE)
    response = laptop.post(reverse("accounts:sessions_end"), {"session": row.pk})
    assert response.status_code == 302
    assert not Session.objects.filter(session_key=row.session_key).exists()
    assert phone.get(reverse("core:home"))["Location"].startswith(reverse("accounts:login"))
    assert laptop.get(reverse("core:home")).status_code == 200
    entry = AuditEntry.objects.get(action=Action.LOGOUT, note="session ended by the user")
    assert entry.actor == worker and entry.object_id == str(worker.pk)


def test_nobody_ends_a_session_of_someone_else_or_their_own_current_one(
    users: dict[Role, User],
) -> None:
    worker = users[Role.PSYCHOSOCIAL]
    theirs = browser(users[Role.LEGAL])
    laptop = browser(worker)
    other = UserSession.objects.get(user=users[Role.LEGAL])
    mine = UserSession.objects.get(user=worker)
    for pk in (other.pk, mine.pk, "nonsense"):
        assert laptop.post(reverse("accounts:sessions_end"), {"session": pk}).status_code == 404
    assert theirs.get(reverse("core:home")).status_code == 200


def test_ending_all_other_sessions_keeps_only_this_one(users: dict[Role, User]) -> None:
    worker = users[Role.PSYCHOSOCIAL]
    laptop = browser(worker)
    others = [browser(worker, SAFARI_IPHONE), browser(worker)]
    laptop.post(reverse("accounts:sessions_end"), {"session": "others"})
    assert UserSession.objects.filter(user=worker).count() == 1
    for other in others:
        assert other.get(reverse("core:home")).status_code == 302
    assert laptop.get(reverse("core:home")).status_code == 200
    assert AuditEntry.objects.filter(action=Action.LOGOUT, actor=worker).count() == 2


def test_changing_ones_password_ends_the_other_sessions_but_not_this_one(
    centre_a: Any,
) -> None:
    worker = UserFactory(centre=centre_a, role=Role.PSYCHOSOCIAL, password=PASSWORD)
    laptop = browser(worker)
    phone = browser(worker, SAFARI_IPHONE)
    response = laptop.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a brand new long secret",
            "new_password2": "a brand new long secret",
        },
    )
    assert response.status_code == 302
    assert laptop.get(reverse("core:home")).status_code == 200
    assert phone.get(reverse("core:home")).status_code == 302
    remaining = UserSession.objects.get(user=worker)
    assert Session.objects.filter(session_key=remaining.session_key).exists()
    assert AuditEntry.objects.filter(
        action=Action.LOGOUT, note="other sessions ended: password changed"
    ).exists()


def test_signing_out_removes_the_session_from_the_list(users: dict[Role, User]) -> None:
    worker = users[Role.PSYCHOSOCIAL]
    laptop = browser(worker)
    assert UserSession.objects.filter(user=worker).count() == 1
    laptop.post(reverse("accounts:logout"))
    assert not UserSession.objects.filter(user=worker).exists()


def test_last_seen_is_written_at_most_once_a_minute(users: dict[Role, User]) -> None:
    worker = users[Role.PSYCHOSOCIAL]
    laptop = browser(worker)
    row = UserSession.objects.get(user=worker)
    first_seen = row.last_seen_at
    laptop.get(reverse("core:home"))
    row.refresh_from_db()
    assert row.last_seen_at == first_seen
    with time_machine.travel(timezone.now() + timedelta(minutes=2), tick=False):
        laptop.get(reverse("core:home"))
    row.refresh_from_db()
    assert row.last_seen_at > first_seen


def test_expired_sessions_are_not_listed(users: dict[Role, User]) -> None:
    worker = users[Role.PSYCHOSOCIAL]
    laptop = browser(worker)
    phone = browser(worker, SAFARI_IPHONE)
    Session.objects.filter(session_key=phone.session.session_key).update(
        expire_date=timezone.now() - timedelta(minutes=1)
    )
    page = laptop.get(reverse("accounts:security")).content.decode()
    assert "Safari" not in page
    assert UserSession.objects.filter(user=worker).count() == 1


def test_deactivating_an_account_signs_it_out_everywhere(
    signed_in: Any, users: dict[Role, User], centre_a: Any
) -> None:
    legal = users[Role.LEGAL]
    theirs = browser(legal)
    admin = signed_in(users[Role.SYSADMIN])
    admin.post(
        reverse("accounts:user_edit", kwargs={"pk": legal.pk}),
        {"username": legal.username, "centre": centre_a.pk, "role": Role.LEGAL},
    )
    assert not UserSession.objects.filter(user=legal).exists()
    assert theirs.get(reverse("core:home")).status_code == 302


def test_a_browser_is_described_in_words_a_person_recognises() -> None:
    chrome_android = (
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/126.0.0.0 Mobile Safari/537.36"
    )
    edge = (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0"
    )
    assert sessions.describe(chrome_android) == "Chrome 126 on Android"
    assert sessions.describe(edge) == "Edge 126 on Windows"
    assert sessions.describe("") == "Unknown browser"
    assert sessions.describe("curl/8.0") == "Unknown browser"
