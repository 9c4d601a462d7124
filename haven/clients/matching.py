"""Likely duplicates of a person among a centre's files, found without searching ciphertext.

Names are encrypted, so the database cannot compare them. Each name is reduced to a few
phonetic keys (lowercase, accents stripped, transliteration variants folded, vowels dropped) and
only a keyed hash of each key is stored (``NameKey``): a blind index. The files of the centre
that share a key with the entered name are the candidates; they are decrypted and scored here.

The hash key is derived from the current field key (HKDF), and each hash is bound to its
centre: the index says nothing to someone who reads the database without the keys, and two
centres' indexes cannot be linked. After ``haven rotate_keys``, ``reindex_all`` rebuilds it.
"""

import base64
import datetime
import hashlib
import hmac
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import transaction
from django.db.models import Count

from haven.centres.models import Centre
from haven.clients.models import Client, NameKey

# Particles written sometimes apart, sometimes joined: "El Amrani", "Elamrani", "van der Berg".
PARTICLES = frozenset(
    {"abd", "abu", "abou", "al", "ben", "bin", "bint", "da", "das", "de", "del", "della", "den"}
    | {"der", "di", "do", "dos", "du", "el", "ibn", "la", "le", "mac", "mc", "ould", "ter"}
    | {"ten", "van", "von"}
)
# Letters that Unicode does not decompose into a base letter and an accent.
SPECIAL_LETTERS = str.maketrans(
    {"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"}
)
CYRILLIC = str.maketrans(
    {
        **dict(zip("абвгдезийклмнопрстуфыэ", "abvgdeziiklmnoprstufie", strict=True)),
        **{"ё": "e", "ж": "zh", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch"},
        **{"ъ": "", "ь": "", "ю": "iu", "я": "ia", "є": "ie", "і": "i", "ї": "i", "ґ": "g"},
    }
)
# Spelling variants of the same sound across transliterations (French, English, Dutch, German,
# Romanian...), applied in order. "j" and "y" become the vowel "i": Ioana, Yoana, Joana.
FOLDINGS: tuple[tuple[str, str], ...] = (
    (r"tsch|sch|tch|sh|ch|zh", "s"),
    (r"dzh|dj", "j"),
    (r"kh", "h"),
    (r"gh", "g"),
    (r"dh", "d"),
    (r"th", "t"),
    (r"ph", "f"),
    (r"ck", "k"),
    (r"c(?=[eiy])", "s"),
    (r"[cq]", "k"),
    (r"x", "ks"),
    (r"w", "v"),
    (r"[yj]", "i"),
    (r"z", "s"),
    (r"ou|oe", "u"),
    (r"(.)\1+", r"\1"),
)
VOWELS = re.compile(r"[aeiou]")
DOUBLES = re.compile(r"(.)\1+")
TOKEN_KEY_MIN = 3  # shorter per-name keys (Ali: "l") would match half the centre
ALIAS_SEPARATORS = re.compile(r"[,;/|\n]+")

THRESHOLD = 0.8  # below this a candidate is more likely someone else
NAME_FLOOR = 0.7  # names less alike than this are not raised by the same birth year
MAX_CANDIDATES = 200  # files decrypted and scored per search, those sharing most keys first
MAX_SHOWN = 10


# --- Phonetic keys -----------------------------------------------------------------------------


def normalise(text: str) -> str:
    """Lowercase letters without accents, one space between names: "Élodie N'Diaye" → "elodie n
    diaye". Other scripts' letters are kept (Cyrillic is transliterated first)."""
    for _ in range(4):  # until stable: decomposing a letter may reveal another to fold
        before = text
        text = text.casefold().translate(SPECIAL_LETTERS).translate(CYRILLIC)
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
        text = " ".join("".join(c if c.isalpha() else " " for c in text).split())
        if text == before:
            break
    return text


def tokens(text: str) -> list[str]:
    """The names of a normalised text, particles joined to the name that follows them."""
    joined: list[str] = []
    prefix = ""
    for token in normalise(text).split():
        if token in PARTICLES:
            prefix += token
        else:
            joined.append(prefix + token)
            prefix = ""
    if prefix:
        joined.append(prefix)
    return joined


def fold(token: str) -> str:
    """One name spelled as it sounds: Mohammed → mohamed, Yoana → ioana, Chaïma → saima."""
    for _ in range(4):  # until nothing changes: a folding may create another's pattern
        before = token
        for pattern, replacement in FOLDINGS:
            token = re.sub(pattern, replacement, token)
        if token == before:
            break
    return token


def skeleton(text: str) -> str:
    """The consonants of a folded text, doubles collapsed: fatimaelamrani → ftmlmrn."""
    return DOUBLES.sub(r"\1", VOWELS.sub("", text))


def phonetic_keys(name: str) -> set[str]:
    """The keys under which a name is indexed: the whole name in both orders, each long name."""
    folded = [fold(t) for t in tokens(name)]
    if not folded:
        return set()
    keys = set()
    for order in (folded, folded[::-1]):
        whole = "".join(order)
        keys.add(skeleton(whole) if len(skeleton(whole)) >= 2 else whole)
    keys.update(s for s in map(skeleton, folded) if len(s) >= TOKEN_KEY_MIN)
    keys.discard("")
    return keys


def split_names(legal_name: str, aliases: str = "") -> list[str]:
    """The legal name and each alias (aliases are separated by commas, semicolons or lines)."""
    names = [legal_name, *ALIAS_SEPARATORS.split(aliases or "")]
    return [n.strip() for n in names if n and n.strip()]


# --- The blind index ---------------------------------------------------------------------------


@lru_cache(maxsize=8)
def _index_key(field_key: str) -> bytes:
    """The key of the name index derived from a field key (never stored, never the field key
    itself: a leaked index key decrypts nothing)."""
    raw = base64.urlsafe_b64decode(field_key.strip().encode("ascii"))
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"haven-name-index").derive(
        raw
    )


def hashed(material: bytes, centre_id: int, phonetic_key: str) -> str:
    """HMAC-SHA256 of a phonetic key, bound to its centre, as 32 hex digits."""
    message = f"{centre_id}:{phonetic_key}".encode()
    return hmac.new(material, message, hashlib.sha256).hexdigest()[:32]


def index_hashes(centre_id: int, names: Iterable[str], *, every_key: bool = False) -> set[str]:
    """The hashed keys of names; with ``every_key``, under each configured field key, so files
    indexed before a key change are still found until ``rotate_keys`` has run."""
    field_keys = settings.FIELD_KEYS if every_key else settings.FIELD_KEYS[:1]
    materials = [_index_key(k) for k in field_keys]
    keys = {key for name in names for key in phonetic_keys(name)}
    return {hashed(m, centre_id, key) for m in materials for key in keys}


def index_client(client: Client) -> None:
    """Replace a client's name keys; call inside the transaction that changed the names."""
    NameKey.objects.filter(client=client).delete()
    NameKey.objects.bulk_create(
        NameKey(client=client, centre_id=client.centre_id, key=key)
        for key in sorted(
            index_hashes(client.centre_id, split_names(client.legal_name, client.aliases))
        )
    )


def reindex_all(batch: int = 500) -> int:
    """Rebuild the whole index with the current key (after a key rotation); returns the number
    of files indexed."""
    last = 0
    count = 0
    while True:
        clients = list(
            Client.objects.filter(pk__gt=last)
            .order_by("pk")
            .only("pk", "centre_id", "legal_name", "aliases")[:batch]
        )
        if not clients:
            return count
        with transaction.atomic():
            NameKey.objects.filter(client__in=clients).delete()
            NameKey.objects.bulk_create(
                NameKey(client=client, centre_id=client.centre_id, key=key)
                for client in clients
                for key in sorted(
                    index_hashes(client.centre_id, split_names(client.legal_name, client.aliases))
                )
            )
        count += len(clients)
        last = clients[-1].pk


# --- Scoring -----------------------------------------------------------------------------------


def _token_similarity(a: str, b: str) -> float:
    if a == b:
        return 1.0
    ratio = SequenceMatcher(None, a, b, autojunk=False).ratio()
    consonants = skeleton(a)
    if len(consonants) >= 2 and consonants == skeleton(b):
        return max(ratio, 0.9)  # a vowel written otherwise: Fatma, Fatima; Mohamed, Muhamad
    return ratio * ratio  # other consonants: more likely another name (Okafor, Okoro)


def name_similarity(a: str, b: str) -> float:
    """0 to 1: how alike two names sound, in whatever order their parts were written.

    Weighs the whole name and its worst-matching part: two people who share a long first
    name but not the family name stay apart. A part missing on one side (a middle name) costs
    less than a part that differs.
    """
    ta, tb = [fold(t) for t in tokens(a)], [fold(t) for t in tokens(b)]
    if not ta or not tb:
        return 0.0
    wholes = (("".join(ta), "".join(tb)), ("".join(sorted(ta)), "".join(sorted(tb))))
    if any(x == y for x, y in wholes):
        return 1.0  # the same letters, spaced or ordered otherwise
    whole = max(SequenceMatcher(None, x, y, autojunk=False).ratio() for x, y in wholes)
    short, long = sorted((ta, tb), key=len)
    aligned = min(max(_token_similarity(s, t) for t in long) for s in short)
    coverage = (len(short) / len(long)) ** 0.5
    return 0.4 * whole + 0.6 * aligned * coverage


@dataclass(frozen=True)
class Probe:
    """What the worker typed about the person to register."""

    names: list[str]
    birth_date: datetime.date | None = None
    birth_year: int | None = None
    nationality_id: str | None = None

    @property
    def year(self) -> int | None:
        return self.birth_date.year if self.birth_date else self.birth_year


@dataclass(frozen=True)
class Candidate:
    """A file that may belong to the same person, with how likely (0 to 1)."""

    client: Client
    score: float

    @property
    def percent(self) -> int:
        return round(self.score * 100)


def score(probe: Probe, client: Client) -> float:
    """Name likeness (0 to 1); for names alike, raised by the same birth date, year or
    nationality, lowered by birth years far apart."""
    names = split_names(client.legal_name, client.aliases)
    value = max((name_similarity(a, b) for a in probe.names for b in names), default=0.0)
    if value < NAME_FLOOR:
        return value  # birth data confirm a likely name; they do not make one
    year = client.birth_date.year if client.birth_date else client.birth_year
    if probe.birth_date and client.birth_date and probe.birth_date == client.birth_date:
        value += 0.15
    elif probe.year and year:
        gap = abs(probe.year - year)
        # Estimated years are often a few years off; a decade apart is another generation.
        value += {0: 0.10, 1: 0.05}.get(gap, 0.0 if gap < 5 else -0.10 if gap < 10 else -0.25)
    unknown = {None, "", "ZZ"}
    if probe.nationality_id not in unknown and probe.nationality_id == client.nationality_id:
        value += 0.05
    return max(0.0, min(1.0, value))


def find_duplicates(
    centre: Centre | None, probe: Probe, *, exclude_pk: int | None = None, limit: int = MAX_SHOWN
) -> list[Candidate]:
    """Files of one centre that likely belong to the person probed, most likely first."""
    names = [n for n in probe.names if n.strip()]
    if centre is None or not names:
        return []
    probe = Probe(names, probe.birth_date, probe.birth_year, probe.nationality_id)
    keys = index_hashes(centre.pk, names, every_key=True)
    if not keys:
        return []
    shared = NameKey.objects.filter(centre=centre, key__in=keys)
    if exclude_pk is not None:
        shared = shared.exclude(client_id=exclude_pk)
    ids = (
        shared.values("client_id")
        .annotate(shared=Count("id"))
        .order_by("-shared", "client_id")
        .values_list("client_id", flat=True)[:MAX_CANDIDATES]
    )
    clients = (
        Client.objects.for_centre(centre).filter(pk__in=list(ids)).select_related("nationality")
    )
    scored = [Candidate(client, score(probe, client)) for client in clients]
    found = [c for c in scored if c.score >= THRESHOLD]
    found.sort(key=lambda c: (-c.score, c.client.file_code))
    return found[:limit]
