from typing import Any

import pytest
from django import forms
from django.urls import reverse
from django.utils import translation

from haven.accounts.models import User
from haven.accounts.permissions import Role
from haven.audit.models import Action, AuditEntry
from haven.reference.forms import NationalityChoiceField
from haven.reference.models import Nationality
from haven.reference.services import sort_key

TIBET = {
    "code": "XT",
    "name_nl": "Tibet",
    "name_fr": "Tibet",
    "name_en": "Tibet",
    "is_active": "on",
}


@pytest.fixture(autouse=True)
def _db(db: Any) -> None:
    """Every test here reads the nationality list loaded by the migrations."""


class PersonForm(forms.Form):
    nationality = NationalityChoiceField()


def offered(language: str) -> list[tuple[str, str]]:
    with translation.override(language):
        return [(str(v), str(label)) for v, label in PersonForm().fields["nationality"].choices][1:]


def test_the_list_holds_belgium_kosovo_unknown_and_former_states_in_dutch_and_french() -> None:
    expected = {
        "BE": ("België", "Belgique"),
        "XK": ("Kosovo", "Kosovo"),
        "ZZ": ("Onbekend", "Inconnue"),
        "YUCS": ("Joegoslavië", "Yougoslavie"),
        "SUHH": ("Sovjet-Unie", "Union soviétique"),
        "CSHH": ("Tsjecho-Slowakije", "Tchécoslovaquie"),
    }
    loaded = Nationality.objects.in_bulk(list(expected))
    assert {code: (n.name_nl, n.name_fr) for code, n in loaded.items()} == expected
    assert {code for code, n in loaded.items() if n.is_former} == {"YUCS", "SUHH", "CSHH"}
    assert Nationality.objects.count() > 250


def test_an_administrator_adds_tibet_and_it_is_offered_in_nationality_fields(
    signed_in: Any, users: dict[Role, User], centre_a: Any
) -> None:
    assert "XT" not in dict(offered("en"))
    response = signed_in(users[Role.SYSADMIN]).post(reverse("reference:nationality_create"), TIBET)

    assert response.status_code == 302
    assert response["Location"] == reverse("reference:nationality_list")
    tibet = Nationality.objects.get(code="XT")
    assert (tibet.name_nl, tibet.name_fr, tibet.name_en, tibet.is_active) == (
        "Tibet",
        "Tibet",
        "Tibet",
        True,
    )
    assert dict(offered("nl"))["XT"] == "Tibet"
    assert PersonForm({"nationality": "XT"}).is_valid()
    entry = AuditEntry.objects.get(action=Action.CREATE, object_type="reference.nationality")
    assert entry.object_id == "XT" and entry.centre == centre_a


def test_the_installation_administrator_may_add_an_entry_too(
    signed_in: Any, installation_admin: User
) -> None:
    data = {**TIBET, "code": "xtb"}  # typed in lower case: stored in capitals
    response = signed_in(installation_admin).post(reverse("reference:nationality_create"), data)
    assert response.status_code == 302
    assert Nationality.objects.filter(code="XTB").exists()
    assert AuditEntry.objects.get(object_id="XTB").centre is None


def test_a_code_already_used_is_refused_and_the_names_typed_are_kept(
    signed_in: Any, users: dict[Role, User]
) -> None:
    data = {**TIBET, "code": "BE", "name_en": "Tibetan Belgium"}
    response = signed_in(users[Role.SYSADMIN]).post(reverse("reference:nationality_create"), data)

    assert response.status_code == 200
    assert response.context["form"].errors["code"] == [
        "The code BE is already used for Belgium. Choose another code."
    ]
    assert 'value="Tibetan Belgium"' in response.content.decode()
    assert Nationality.objects.get(code="BE").name_en == "Belgium"


@pytest.mark.parametrize("code", ["X", "XTIBE", "X1", "X-T", "ÉT"])
def test_a_code_is_two_to_four_capital_letters(
    code: str, signed_in: Any, users: dict[Role, User]
) -> None:
    data = {**TIBET, "code": code}
    response = signed_in(users[Role.SYSADMIN]).post(reverse("reference:nationality_create"), data)
    assert response.status_code == 200 and "code" in response.context["form"].errors
    assert not Nationality.objects.filter(name_en="Tibet").exists()


def test_names_in_the_three_languages_are_required(signed_in: Any, users: dict[Role, User]) -> None:
    data = {**TIBET, "name_fr": "  "}
    response = signed_in(users[Role.SYSADMIN]).post(reverse("reference:nationality_create"), data)
    assert response.status_code == 200 and list(response.context["form"].errors) == ["name_fr"]
    assert not Nationality.objects.filter(code="XT").exists()


def test_editing_corrects_names_keeps_the_code_and_can_retire_an_entry(
    signed_in: Any, users: dict[Role, User]
) -> None:
    http = signed_in(users[Role.SYSADMIN])
    url = reverse("reference:nationality_edit", kwargs={"pk": "YUCS"})
    page = http.get(url)
    assert page.status_code == 200 and 'name="code"' not in page.content.decode()

    response = http.post(
        url,
        {
            "code": "ZZZ",  # ignored: the code is read-only
            "name_nl": "Joegoslavië (tot 1992)",
            "name_fr": "Yougoslavie",
            "name_en": "Yugoslavia",
            "is_former": "on",
        },
    )

    assert response.status_code == 302
    yugoslavia = Nationality.objects.get(code="YUCS")
    assert yugoslavia.name_nl == "Joegoslavië (tot 1992)" and not yugoslavia.is_active
    assert not Nationality.objects.filter(code="ZZZ").exists()
    assert "YUCS" not in dict(offered("en"))
    assert not PersonForm({"nationality": "YUCS"}).is_valid()
    entry = AuditEntry.objects.get(action=Action.UPDATE, object_id="YUCS")
    assert entry.changes["is_active"] == {"from": True, "to": False}


def test_the_list_finds_names_without_their_accents_and_marks_former_and_inactive_entries(
    signed_in: Any, users: dict[Role, User]
) -> None:
    Nationality.objects.filter(code="CSHH").update(is_active=False)
    http = signed_in(users[Role.SYSADMIN])

    cote = http.get(reverse("reference:nationality_list"), {"q": "cote d"})
    assert [n.code for n in cote.context["page"]] == ["CI"]

    former = http.get(reverse("reference:nationality_list"), {"q": "slowakije"})
    html = former.content.decode()
    assert "Tsjecho-Slowakije" in html and "Tchécoslovaquie" in html and "Czechoslovakia" in html
    assert "former state" in html and "inactive" in html

    by_code = http.get(reverse("reference:nationality_list"), {"q": "be"})
    assert next(iter(by_code.context["page"])).code == "BE"


def test_nationality_choices_are_named_and_sorted_in_the_users_language() -> None:
    french = offered("fr")
    labels = [label for _code, label in french]
    assert labels == sorted(labels, key=sort_key)
    assert dict(french)["DE"] == "Allemagne" and dict(offered("nl"))["DE"] == "Duitsland"
    # Accents do not push a name to the end: É sorts with E, before F.
    assert labels.index("Égypte") < labels.index("Espagne") < labels.index("Finlande")
    assert labels.index("Émirats arabes unis") < labels.index("Espagne")
