"""Likely duplicates: similar names (phonetic and transliteration variants), birth, nationality."""

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from haven.accounts.models import User
from haven.accounts.permissions import Role
from haven.clients import matching, services
from haven.clients.matching import Probe, find_duplicates, name_similarity, normalise
from haven.clients.models import Client


def found(centre: Any, *names: str, **probe: Any) -> list[Client]:
    return [c.client for c in find_duplicates(centre, Probe(list(names), **probe))]


def test_fatma_elamrani_born_1990_finds_fatima_el_amrani_born_1990(
    register: Callable[..., Client], centre_a: Any
) -> None:
    fatima = register(legal_name="Fatima El Amrani", birth_year=1990)
    register(legal_name="Blessing Okafor", birth_year=1990)
    assert found(centre_a, "Fatma Elamrani", birth_year=1990) == [fatima]


@pytest.mark.parametrize(
    ("entered", "on_file"),
    [
        ("Muhammad Aly", "Mohammed Ali"),
        ("Yoana", "Ioana"),
        ("Yoana Popesku", "Ioana Popescu"),
        ("El Amrani Fatima", "Fatima El Amrani"),  # family name first
        ("Jusuf Ben Ali", "Youssef Benali"),
        ("Joesoef Benali", "Youssef Ben Ali"),  # Dutch spelling
        ("Alexandra Ivanova", "Aleksandra Ivanova"),
        ("Ольга Петрова", "Olga Petrova"),  # typed in Cyrillic
        ("Élodie N'Diaye", "Elodie Ndiaye"),
        ("Fatima Zahra El Amrani", "Fatima El Amrani"),  # a middle name on one side
    ],
)
def test_spelling_and_transliteration_variants_are_found(
    entered: str, on_file: str, register: Callable[..., Client], centre_a: Any
) -> None:
    client = register(legal_name=on_file)
    assert found(centre_a, entered) == [client]


@pytest.mark.parametrize(
    ("entered", "on_file"),
    [
        ("Blessing Okafor", "Fatima El Amrani"),
        ("Fatima Okafor", "Fatima El Amrani"),  # same first name, another family
        ("Blessing Okoro", "Blessing Okafor"),
        ("Mohammed Hassan", "Mohammed Ali"),
        ("Grace Adebayo", "Grace Adeyemi"),
    ],
)
def test_different_people_are_not_offered_as_duplicates(
    entered: str, on_file: str, register: Callable[..., Client], centre_a: Any
) -> None:
    register(legal_name=on_file, birth_year=1990, nationality_id="NG")
    assert found(centre_a, entered, birth_year=1990, nationality_id="NG") == []


def test_an_alias_is_matched_like_the_legal_name(
    register: Callable[..., Client], centre_a: Any
) -> None:
    client = register(legal_name="Ioana Testescu", aliases="Gina, Mariana Vlad")
    assert found(centre_a, "Marianna Vlad") == [client]


def test_a_birth_year_far_apart_rules_out_a_similar_name(
    register: Callable[..., Client], centre_a: Any
) -> None:
    register(legal_name="Blessing Okafor", birth_year=1960)
    assert found(centre_a, "Blesing Okafor", birth_year=2004) == []
    assert found(centre_a, "Blesing Okafor", birth_year=1961) != []


def test_the_same_birth_date_and_nationality_rank_a_file_first(
    register: Callable[..., Client], centre_a: Any
) -> None:
    import datetime

    other = register(legal_name="Mariam Diallo", birth_year=1997)
    same = register(
        legal_name="Mariama Diallo", birth_date=datetime.date(1998, 3, 2), nationality_id="GN"
    )
    candidates = find_duplicates(
        centre_a,
        Probe(["Mariama Diallo"], birth_date=datetime.date(1998, 3, 2), nationality_id="GN"),
    )
    assert [c.client for c in candidates] == [same, other]
    assert candidates[0].percent == 100


def test_files_of_another_centre_are_never_candidates(
    register: Callable[..., Client], centre_a: Any, centre_b: Any
) -> None:
    register(legal_name="Fatima El Amrani", birth_year=1990, centre=centre_b)
    assert found(centre_a, "Fatima El Amrani", birth_year=1990) == []
    assert found(centre_b, "Fatima El Amrani", birth_year=1990) != []


def test_a_worker_without_identity_rights_cannot_probe_names(
    register: Callable[..., Client], users: dict[Role, User]
) -> None:
    register(legal_name="Fatima El Amrani", birth_year=1990)
    data = {"legal_name": "Fatima El Amrani", "birth_year": 1990}
    assert services.find_duplicates(by=users[Role.NIGHT_STAFF], data=data) == []
    assert len(services.find_duplicates(by=users[Role.LEGAL], data=data)) == 1


def test_the_index_holds_keyed_hashes_not_phonetic_keys(
    register: Callable[..., Client],
) -> None:
    client = register(legal_name="Fatima El Amrani")
    stored = set(client.name_keys.values_list("key", flat=True))
    assert stored and all(len(key) == 32 for key in stored)
    assert not stored & matching.phonetic_keys("Fatima El Amrani")


def test_names_are_reduced_to_how_they_sound() -> None:
    assert normalise("  Élodie N'DIAYE-Ståhl ") == "elodie n diaye stahl"
    assert matching.tokens("Ana van der Berg") == ["ana", "vanderberg"]
    assert [matching.fold(t) for t in ("mohammed", "yoana", "aleksandra", "chaima")] == [
        "mohamed",
        "ioana",
        "aleksandra",
        "saima",
    ]
    assert matching.skeleton(matching.fold("fatimaelamrani")) == "ftmlmrn"
    assert matching.phonetic_keys("Fatma Elamrani") == matching.phonetic_keys("Fatima El Amrani")
    assert matching.phonetic_keys("") == set()


names = st.text(alphabet=st.characters(categories=["L", "Zs", "Pd", "Po"]), min_size=0, max_size=40)


@given(names)
def test_normalising_twice_changes_nothing(name: str) -> None:
    once = normalise(name)
    assert normalise(once) == once
    assert all(matching.fold(matching.fold(t)) == matching.fold(t) for t in once.split())


@given(names)
def test_a_name_always_matches_itself(name: str) -> None:
    if not matching.tokens(name):
        assert matching.phonetic_keys(name) == set()
        return
    assert name_similarity(name, name) == 1.0
    assert matching.phonetic_keys(name)
    assert matching.phonetic_keys(name) == matching.phonetic_keys(name.upper().lower())
