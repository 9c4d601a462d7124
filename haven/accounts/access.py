"""How a view declares who may reach it; AccessPolicyMiddleware enforces the declaration.

Every view declares exactly one of:

- ``@public``: anyone, signed in or not (login page, language switch);
- ``@password_only``: signed in with a password, second factor still to come (2FA steps);
- ``@signed_in``: any fully signed-in user (home, own password, logout);
- ``@requires(Permission.X)``: a fully signed-in user whose role has X; 403 otherwise.

A view that declares nothing is refused to everyone: forgetting is never an opening.
"""

from collections.abc import Callable
from enum import Enum
from typing import Any, TypeVar

from haven.accounts.permissions import Permission

V = TypeVar("V", bound=Callable[..., Any])


class Level(Enum):
    PUBLIC = "public"
    PASSWORD_ONLY = "password_only"
    SIGNED_IN = "signed_in"


Access = Level | Permission
ATTRIBUTE = "haven_access"


def _declare(access: Access) -> Callable[[V], V]:
    def mark(view: V) -> V:
        setattr(view, ATTRIBUTE, access)
        return view

    return mark


public = _declare(Level.PUBLIC)
password_only = _declare(Level.PASSWORD_ONLY)
signed_in = _declare(Level.SIGNED_IN)


def requires(permission: Permission) -> Callable[[V], V]:
    return _declare(permission)


def declared_access(view: Callable[..., Any]) -> Access | None:
    """The declaration of a function view, or of a class-based view's class."""
    access = getattr(view, ATTRIBUTE, None)
    if access is None and hasattr(view, "view_class"):
        access = getattr(view.view_class, ATTRIBUTE, None)
    return access
