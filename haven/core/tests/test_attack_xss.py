"""Stored cross-site scripting: hostile text in every free-text field of every Haven model is
shown escaped on every page (all URL patterns, each with the centre's own records)."""

import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from haven.accounts.models import User
from haven.accounts.permissions import Role
from haven.audit.models import Action
from haven.audit.services import record
from haven.centres.models import Centre
from haven.clients.models import Client
from haven.testing.attack import Site, write_everywhere

# Each probe, and the part of it that must never reach a page unescaped.
PROBES = [
    ("<script>alert(1)</script>", "<script>alert(1)"),
    ('"><img src=x onerror=alert(1)>', "<img src=x onerror=alert(1)"),
    ("'><svg onload=alert(2)>", "<svg onload=alert(2)"),
    ("</textarea></title><b id=xq9>", "<b id=xq9"),
    ('<a href="javascript:alert(3)">x</a>', '<a href="javascript:alert(3)"'),
    ("javascript:alert(4)", ""),
    ("{{ 7070707|add:1 }}{% debug %}", ""),
    ("\u202egpj.exe", ""),
]
# Everything at once, the most dangerous first (short fields keep only the beginning).
ALL_AT_ONCE = "".join(probe for probe, _part in PROBES)
SHORT = "<b id=q>"  # for fields of eight characters (a centre's code)

JAVASCRIPT_URL = re.compile(r"""(?:href|src|action|formaction)\s*=\s*["']?\s*javascript:""", re.I)
TEMPLATE_EVALUATED = "7070708"

hostile_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=30,
)


@pytest.fixture
def site(centre_a: Centre, users: dict[Role, User], installation_admin: User) -> Site:
    site = Site(centre_a, users, installation_admin)
    site.urls
    for role in {role for _name, _url, role in site.visits()}:
        site.http(role)
    return site


def unescaped(body: str, text: str) -> list[str]:
    """The dangerous parts of ``text`` found raw in a page."""
    found = []
    lowered = body.lower()
    for _probe, part in PROBES:
        if part and part in text and part.lower() in lowered:
            found.append(part)
    if SHORT in text and SHORT in lowered:
        found.append(SHORT)
    if JAVASCRIPT_URL.search(body):
        found.append("javascript: URL")
    if TEMPLATE_EVALUATED in body:
        found.append("template evaluated")
    return found


def write_hostile(text: str, site: Site) -> None:
    """``text`` in every free-text field, and in the audit log's labels and changes (which is
    append-only, so new entries carry it)."""
    assert write_everywhere(text) > 50
    client = Client.objects.filter(centre=site.centre).first()
    record(
        Action.UPDATE,
        actor=site.users[Role.DIRECTOR],
        obj=client,
        changes={"pseudonym": {"from": text, "to": text}},
        note=text[:300],
    )


def sweep(site: Site, text: str) -> tuple[list[str], int]:
    """Every page as its visitor: the failures, and how many pages show the text escaped."""
    failures = []
    shown = 0
    marker = "&lt;script&gt;alert(1)" if "<script>alert(1)" in text else ""
    for name, url, role in site.visits():
        response: Any = site.http(role).get(url)
        if response.status_code >= 500:
            failures.append(f"{name}: {response.status_code}")
            continue
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        body = response.content.decode()
        found = unescaped(body, text)
        if found:
            failures.append(f"{name}: {found}")
        if marker and marker in body:
            shown += 1
    return failures, shown


def test_every_page_escapes_markup_written_into_every_free_text_field(site: Site) -> None:
    write_hostile(ALL_AT_ONCE, site)
    failures, shown = sweep(site, ALL_AT_ONCE)
    assert failures == []
    assert shown >= 30, "the hostile text should reach many pages: is the sweep seeing data?"


def test_every_page_escapes_markup_in_the_shortest_fields(site: Site) -> None:
    write_hostile(SHORT, site)
    failures, _shown = sweep(site, SHORT)
    assert failures == []
    home = site.http(Role.DIRECTOR).get(site.urls["clients:list"]).content.decode()
    assert "&lt;b id=q&gt;" in home


@settings(
    max_examples=5,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(before=hostile_text, probe=st.sampled_from(PROBES), after=hostile_text)
def test_generated_hostile_text_is_shown_escaped_on_every_page(
    site: Site, before: str, probe: tuple[str, str], after: str
) -> None:
    # The probe first: fields of a few characters keep its dangerous part.
    text = probe[0] + before + probe[0] + after
    write_hostile(text, site)
    failures, _shown = sweep(site, text)
    assert failures == []
