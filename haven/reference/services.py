"""Reference lists that administrators extend: nationalities (Tibet, a new state).

A nationality belongs to the whole installation; its audit entry goes to the log of the
administrator's centre (none for the installation's own administrator).
"""

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from haven.accounts.models import User
from haven.audit import services as audit
from haven.audit.models import Action
from haven.reference.models import Nationality

CODE = re.compile(r"[A-Z]{2,4}")
NAMES = ("name_nl", "name_fr", "name_en")
EDITABLE = (*NAMES, "is_former", "is_active")


def sort_key(text: str) -> tuple[str, str]:
    """Order names as readers of nl, fr and en expect: accents and case do not decide the place.

    "Émirats arabes unis" sorts among the E, "Åland" among the A, "ijsland" next to "Iran".
    """
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return bare.casefold(), text


def ordered(nationalities: Iterable[Nationality]) -> list[Nationality]:
    """Nationalities sorted by their name in the active language."""
    return sorted(nationalities, key=lambda n: sort_key(n.name))


def search(query: str) -> list[Nationality]:
    """Every nationality whose code or a name (any language, accents ignored) contains the query.

    The list is small (about 260 entries), so it is matched in Python, which lets "cote" find
    "Côte d'Ivoire". An exact code comes first.
    """
    folded = sort_key(query.strip())[0]
    everything = Nationality.objects.all()
    if not folded:
        return ordered(everything)
    found = [
        n
        for n in everything
        if any(folded in sort_key(text)[0] for text in (n.code, n.name_nl, n.name_fr, n.name_en))
    ]
    return sorted(found, key=lambda n: (n.code.casefold() != folded, sort_key(n.name)))


def validate_code(code: str) -> str:
    """A new code: two to four capital letters, not used yet. Returns it upper-cased."""
    code = code.strip().upper()
    if not CODE.fullmatch(code):
        raise ValidationError({"code": _("Use two to four capital letters (A–Z), e.g. XT.")})
    existing = Nationality.objects.filter(pk=code).first()
    if existing is not None:
        raise ValidationError(
            {
                "code": _("The code %(code)s is already used for %(name)s. Choose another code.")
                % {"code": code, "name": existing.name}
            }
        )
    return code


def _names(data: dict[str, Any]) -> dict[str, Any]:
    values = {name: " ".join(str(data.get(name, "")).split()) for name in NAMES}
    missing = {
        name: [_("Give the name in this language too.")] for name, v in values.items() if not v
    }
    if missing:
        raise ValidationError(missing)
    return values


@transaction.atomic
def create_nationality(*, by: User, data: dict[str, Any]) -> Nationality:
    """Add an entry to the list, e.g. Tibet; it is offered in forms at once if active."""
    code = validate_code(data.get("code", ""))
    nationality = Nationality.objects.create(
        code=code,
        **_names(data),
        is_former=bool(data.get("is_former", False)),
        is_active=bool(data.get("is_active", True)),
    )
    audit.record(Action.CREATE, actor=by, obj=nationality, changes=audit.created(nationality))
    return nationality


@transaction.atomic
def update_nationality(*, by: User, nationality: Nationality, data: dict[str, Any]) -> Nationality:
    """Correct the names or the flags of an entry; the code never changes (records use it)."""
    names = _names(data)
    flags = {
        "is_former": bool(data.get("is_former", nationality.is_former)),
        "is_active": bool(data.get("is_active", nationality.is_active)),
    }
    audit.save_changes(nationality, {**names, **flags}, by=by)
    return nationality
