"""The demo installation: three fictional centres, one account per role in each, synthetic files.

Every name, address and phone number here is invented. Running it again changes nothing.
The thirty years of intake history that come with it: ``haven.demo.history``.
"""

import datetime
import functools
import json
import random
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from haven.accounts import twofactor
from haven.accounts.models import User
from haven.accounts.permissions import CENTRE_ROLES, Role
from haven.centres.models import Centre
from haven.clients import services as clients
from haven.clients.models import Client, Gender
from haven.reference.models import Nationality

DEMO_PASSWORD = "haven-demo-2026"

CENTRES = [
    {
        "code": "BXL",
        "name": "Centrum Anker Brussel",
        "languages": ["nl", "fr"],
        "address": "Ankerstraat 1, 1000 Brussel (fictional)",
        "phone": "+32 2 000 00 01",
    },
    {
        "code": "ANT",
        "name": "Centrum Vuurbaak Antwerpen",
        "languages": ["nl"],
        "address": "Bakenlei 2, 2000 Antwerpen (fictional)",
        "phone": "+32 3 000 00 02",
    },
    {
        "code": "LIE",
        "name": "Centre Phare Liège",
        "languages": ["fr"],
        "address": "Rue du Phare 3, 4000 Liège (fictional)",
        "phone": "+32 4 000 00 03",
    },
]

# Pseudonyms are chosen words, many clients share one: a search finds a few in a hundred.
PSEUDONYMS = [
    "Amber", "Birch", "Cedar", "Dune", "Ember", "Fern", "Grove", "Harbor", "Iris", "Juniper",
    "Kestrel", "Lark", "Maple", "Nova", "Olive", "Pine", "Quill", "Reed", "Sage", "Willow",
    "Aspen", "Brook", "Coral", "Dawn", "Echo", "Flint", "Hazel", "Indigo", "Jade", "Lotus",
    "Meadow", "Onyx", "Pearl", "Rain", "River", "Robin", "Saffron", "Sky", "Sorrel", "Storm",
    "Tansy", "Thyme", "Vale", "Wren", "Yarrow", "Zephyr", "Alder", "Basil", "Clover", "Daisy",
    "Elm", "Finch", "Heath", "Ivy", "Jasper", "Linden", "Marigold", "Nettle", "Oak", "Poppy",
    "Rowan", "Sparrow", "Tulip", "Violet",
]  # fmt: skip
GIVEN = ["Ana", "Mara", "Ioana", "Blessing", "Joy", "Elena", "Tran", "Amir", "Yonas", "Lina"]
FAMILY = ["Testescu", "Fictiva", "Exempla", "Demovic", "Samplova", "Placeholder", "Mockeri"]
NATIONALITIES = ["RO", "NG", "BG", "VN", "ER", "AL", "MA", "UA", "CN", "BR", "ZZ"]


@dataclass
class Login:
    username: str
    role: str
    centre: str
    totp_key: str


@transaction.atomic
def build(seed: int = 2026) -> list[Login]:
    from haven.demo import outreach, partners  # imported here: partners takes this module's names

    rng = random.Random(seed)  # noqa: S311 - reproducible synthetic data, not secrets
    logins: list[Login] = []
    _nationalities()
    for spec in CENTRES:
        centre, _created = Centre.objects.get_or_create(code=spec["code"], defaults=spec)
        for role in CENTRE_ROLES:
            user = _user(centre, role)
            logins.append(Login(user.username, str(role.label), centre.code, _totp_key(user)))
        _clients(centre, rng)
        partners.directory(centre, seed=seed)
        outreach.activities(centre, seed=seed)
    return logins


def _nationalities() -> None:
    """The nationality list comes with a migration; after ``--reset`` (flush) load it again."""
    if Nationality.objects.exists():
        return
    import haven.reference

    data = Path(haven.reference.__file__).parent / "data" / "nationalities.json"
    rows = json.loads(data.read_text(encoding="utf-8"))
    Nationality.objects.bulk_create([Nationality(**row) for row in rows], ignore_conflicts=True)


@functools.cache
def _demo_password_hash() -> str:
    """Hashed once for every demo account: the password is public, and Argon2 is slow on
    purpose (thirty accounts took seconds)."""
    return make_password(DEMO_PASSWORD)


def _user(centre: Centre, role: Role) -> User:
    username = f"{centre.code.lower()}-{role.value.replace('_', '-')}"
    user = User.objects.filter(username=username).first()
    if user is None:
        # No first name: the greeting shows the user name, and no untranslated role label.
        user = User(
            username=username,
            centre=centre,
            role=role,
            is_demo=True,
            language=centre.languages[0],
        )
        user.password = _demo_password_hash()
        user.save()
    if not twofactor.has_authenticator(user):
        TOTPDevice.objects.create(user=user, name=twofactor.TOTP_NAME, confirmed=True)
    return user


def _totp_key(user: User) -> str:
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return twofactor.secret_base32(device).replace(" ", "")


def _clients(centre: Centre, rng: random.Random, count: int = 12) -> None:
    if Client.objects.filter(centre=centre).exists():
        return
    director = User.objects.get(username=f"{centre.code.lower()}-director")
    for _ in range(count):
        year = rng.randint(1975, 2007)
        clients.create_client(
            by=director,
            centre=centre,
            data={
                "pseudonym": rng.choice(PSEUDONYMS),
                "gender": rng.choice([Gender.FEMALE, Gender.FEMALE, Gender.MALE, Gender.OTHER]),
                "birth_year": year,
                "nationality_id": rng.choice(NATIONALITIES),
                "languages": rng.choice(["ro", "en", "fr", "ti", "sq", "vi", "ar"]),
                "legal_name": f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}",
                "documented_birth_date": datetime.date(
                    year, rng.randint(1, 12), rng.randint(1, 28)
                ),
                "phone": f"+32 470 00 {rng.randint(10, 99)} {rng.randint(10, 99)}",
                "address": f"Voorbeeldstraat {rng.randint(1, 200)}, 1000 Brussel (fictional)",
                "emergency_contact": f"{rng.choice(GIVEN)} {rng.choice(FAMILY)} (fictional)",
            },
        )


def is_demo_installation() -> bool:
    """True when no account exists other than demo accounts (and the installation admin)."""
    return not User.objects.filter(is_demo=False, centre__isnull=False).exists()
