"""SQL-looking, null and over-long inputs in every list's query string and every form's
fields: never a server error, and nothing stored when the input is refused."""

from typing import Any

import pytest

from haven.accounts.models import User
from haven.accounts.permissions import Role
from haven.centres.models import Centre
from haven.testing.attack import PATTERNS, Site, body_of, changed, fingerprint, forms_in

SQL = "' OR 1=1 --; DROP TABLE clients_client; --"
LONG = "A" * 10_000
# With the parameters views read themselves (a client's id, a year, a kind), and unknown ones.
QUERIES = [
    {"q": SQL, "page": "-1", "unknown": "1", "client": "1 OR 1=1", "year": SQL, "kind": SQL},
    {"q": "\x00", "page": "abc", "__proto__": "x", "client": "abc", "year": "abc"},
    {"q": LONG, "page": "999999", "sort": LONG, "client": LONG, "domain": LONG, "show": LONG},
    {
        "page": "99999999999999999999999",
        "q": "%",
        "since": "2026-13-45",
        "until": "0000-00-00",
        "client": "-1",
        "year": "99999999999999999999",
        "next": "//evil.example/",
        "preset": SQL,
        "outcome": SQL,
    },
]
# Pages whose form ends the session: posted last or not at all.
NOT_POSTED = {"accounts:logout"}


@pytest.fixture
def site(centre_a: Centre, users: dict[Role, User], installation_admin: User) -> Site:
    return Site(centre_a, users, installation_admin)


def list_pages(site: Site) -> list[tuple[str, str, Role]]:
    return [v for v in site.visits() if not PATTERNS[v[0]].pattern.converters]


def test_hostile_query_strings_on_every_list_page_answer_without_a_server_error(
    site: Site,
) -> None:
    failures = []
    answered = 0
    for name, url, role in list_pages(site):
        http = site.http(role)
        page = http.get(url)
        searches = forms_in(body_of(page)) if page.status_code == 200 else []
        fields = {f for form in searches if form.method == "get" for f in form.values}
        for query in QUERIES:
            hostile = {field: query.get("q", SQL) for field in fields} | query
            status = http.get(url, hostile).status_code
            answered += status == 200
            if status >= 500:
                failures.append(f"{name} ?{sorted(hostile)}: {status}")
    assert failures == []
    assert answered > 40


def _refused(response: Any) -> bool:
    """A form answered with its errors, or a 4xx."""
    if 400 <= response.status_code < 500:
        return True
    if response.status_code != 200 or not response.context:
        return False
    contexts = response.context if isinstance(response.context, list) else [response.context]
    return any(
        getattr(value, "errors", None) and getattr(value, "is_bound", False)
        for context in contexts
        for value in context.flatten().values()
    )


@pytest.mark.parametrize("payload", [LONG, SQL], ids=["long", "sql"])
def test_hostile_values_in_every_form_never_cause_a_server_error_nor_store_a_refusal(
    payload: str, site: Site
) -> None:
    failures = []
    posted = 0
    for name, url, role in site.visits():
        if name in NOT_POSTED:
            continue
        http = site.http(role)
        page = http.get(url)
        if page.status_code != 200 or not page.get("Content-Type", "").startswith("text/html"):
            continue
        own = [f for f in forms_in(body_of(page)) if f.method == "post" and f.action in ("", url)]
        for form in own:
            data = form.data(**dict.fromkeys(form.text_fields, payload))
            before = fingerprint()
            response = http.post(url, data)
            posted += 1
            if response.status_code >= 500:
                failures.append(f"{name}: {response.status_code}")
            elif _refused(response) and (writes := changed(before, fingerprint())):
                failures.append(f"{name}: refused but wrote {writes}")
    assert failures == []
    assert posted > 40
