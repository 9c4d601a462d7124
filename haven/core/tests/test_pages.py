import re
from pathlib import Path
from typing import Any

from django.test import Client as HttpClient
from django.urls import reverse

from haven.accounts.models import User
from haven.accounts.permissions import Role
from haven.clients.models import Client

HAVEN = Path(__file__).resolve().parents[2]
URL = re.compile(r"(?:https?:)?//[A-Za-z0-9.-]+\.[A-Za-z]{2,}[^\s\"')]*")
# Inert URLs inside vendored files: licence banners, error-message text, XML namespaces.
INERT = re.compile(
    r"//(www\.w3\.org|getbootstrap\.com|github\.com/twbs|popper\.js\.org|htmx\.org)\b"
)


def test_no_template_or_static_file_refers_to_another_host() -> None:
    offenders = []
    for path in HAVEN.rglob("*"):
        if path.suffix not in {".html", ".css", ".js", ".svg", ".txt"}:
            continue
        if "templates" not in path.parts and "static" not in path.parts:
            continue
        for match in URL.finditer(path.read_text(encoding="utf-8", errors="replace")):
            if not INERT.search(match.group(0)):
                offenders.append(f"{path.relative_to(HAVEN)}: {match.group(0)}")
    assert offenders == []


def test_pages_carry_a_strict_content_security_policy(client: Any) -> None:
    response = client.get(reverse("accounts:login"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cache-Control"] == "no-store"


def test_a_null_character_in_the_query_is_refused_before_any_view_reads_it(
    signed_in: Any, users: dict[Role, User]
) -> None:
    http = signed_in(users[Role.DIRECTOR])
    response = http.get(reverse("clients:list"), {"q": "a\x00b"})
    assert response.status_code == 400
    assert "Content-Security-Policy" in response
    assert http.get(reverse("clients:list"), {"q": "ab"}).status_code == 200


def test_templates_hold_no_inline_script() -> None:
    for path in HAVEN.rglob("templates/**/*.html"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), path
        assert not re.search(r"\son[a-z]+=", text), path


def test_a_missing_page_answers_in_the_users_language_without_details(
    signed_in: Any, users: dict[Role, User]
) -> None:
    users[Role.DIRECTOR].language = "fr"
    users[Role.DIRECTOR].save()
    response = signed_in(users[Role.DIRECTOR]).get("/clients/999999/")
    assert response.status_code == 404
    assert b'lang="fr"' in response.content
    assert b"Traceback" not in response.content


def test_a_server_error_shows_a_plain_page_and_no_trace(
    signed_in: Any, users: dict[Role, User], client_a: Client, monkeypatch: Any
) -> None:
    def explode(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError(f"boom {client_a.legal_name}")

    monkeypatch.setattr("haven.clients.services.open_file", explode)
    http = signed_in(users[Role.DIRECTOR])
    http.raise_request_exception = False
    response = http.get(reverse("clients:detail", kwargs={"pk": client_a.pk}))
    assert response.status_code == 500
    assert b"Something went wrong on our side" in response.content
    assert client_a.legal_name.encode() not in response.content
    assert b"RuntimeError" not in response.content


def test_a_form_sent_without_its_security_token_gets_an_explanation(
    users: dict[Role, User],
) -> None:
    http = HttpClient(enforce_csrf_checks=True)
    response = http.post(reverse("accounts:login"), {"username": "a-director", "password": "x"})
    assert response.status_code == 403
    assert b"This form has expired" in response.content


def test_the_language_choice_is_remembered_on_the_account(
    signed_in: Any, users: dict[Role, User]
) -> None:
    worker = users[Role.PSYCHOSOCIAL]
    http = signed_in(worker)
    http.post(reverse("core:set_language"), {"language": "fr", "next": "/"})
    worker.refresh_from_db()
    assert worker.language == "fr"
    fresh = signed_in(worker)  # another browser, no language cookie
    assert fresh.get(reverse("core:home"))["Content-Language"] == "fr"


def test_the_language_switch_never_redirects_to_another_host(client: Any) -> None:
    response = client.post(
        reverse("core:set_language"), {"language": "nl", "next": "https://evil.invalid/"}
    )
    assert response["Location"] == "/"


def test_each_role_sees_only_the_navigation_it_may_use(
    signed_in: Any, users: dict[Role, User]
) -> None:
    def nav(role: Role) -> set[str]:
        response = signed_in(users[role]).get(reverse("core:home"))
        return {e.url_name for e in response.context["nav_entries"]}

    assert "clients:list" in nav(Role.PSYCHOSOCIAL)
    assert "audit:search" not in nav(Role.PSYCHOSOCIAL)
    assert nav(Role.DPO) == {"core:home", "audit:search", "privacy:index", "privacy:retention"}
    assert nav(Role.VOLUNTEER) == {"core:home", "groups:list"}
    assert "clients:list" not in nav(Role.RAPPORTEUR)


def test_the_rapporteur_sees_figures_per_centre_with_small_numbers_hidden(
    signed_in: Any, users: dict[Role, User], client_a: Client
) -> None:
    response = signed_in(users[Role.RAPPORTEUR]).get(reverse("core:home"))
    figures = response.context["home"].centre_figures
    assert figures == [{"name": "Centre A", "clients": 1, "suppressed": True}]
    assert b"fewer than 5" in response.content
    assert client_a.pseudonym.encode() not in response.content


def test_the_menu_folds_each_group_into_one_drop_down_and_a_lone_entry_into_a_link(
    signed_in: Any, users: dict[Role, User]
) -> None:
    from haven.core.navigation import Group

    def menu(role: Role) -> list[Any]:
        return signed_in(users[role]).get(reverse("core:home")).context["nav_menu"]

    director = menu(Role.DIRECTOR)
    groups = {
        str(item.label): [e.url_name for e in item.entries]
        for item in director
        if isinstance(item, Group)
    }
    assert groups["Legal & administrative"] == [
        "residence:deadlines",
        "legal:list",
        "partners:list",
    ]
    assert "audit:search" in groups["Organisation"]
    assert [item.url_name for item in director[:4]] == [
        "core:home",
        "intake:queue",
        "clients:list",
        "guidance:list",
    ]
    volunteer = menu(Role.VOLUNTEER)
    assert [getattr(item, "url_name", None) for item in volunteer] == ["core:home", "groups:list"]
    response = signed_in(users[Role.DIRECTOR]).get(reverse("core:home"))
    assert b'class="dropdown-menu"' in response.content
    board = signed_in(users[Role.DIRECTOR]).get(reverse("shelter:log")).content.decode()
    assert board.count('aria-current="page"') == 1  # the house log, not every shelter page
    assert f'aria-current="page" href="{reverse("shelter:log")}"' in board
