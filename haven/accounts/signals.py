"""Sign-in, sign-out and failed sign-in attempts go to the audit log. Sign-in and sign-out also
keep the user's session list, and a sign-in counts as a freshly typed password (re-auth)."""

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from haven.audit.models import Action
from haven.audit.services import record


@receiver(user_logged_in)
def audit_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    record(Action.LOGIN, actor=user, note="password")
    if request is not None and hasattr(request, "session"):
        from haven.accounts import reauth, sessions

        sessions.start(request, user)
        reauth.stamp(request)


@receiver(user_logged_out)
def audit_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record(Action.LOGOUT, actor=user)
    if request is not None and hasattr(request, "session"):
        from haven.accounts import sessions

        sessions.forget(request)


@receiver(user_login_failed)
def audit_login_failed(sender: Any, credentials: Any, request: Any = None, **kwargs: Any) -> None:
    record(Action.LOGIN_FAILED, actor_name=str(credentials.get("username", ""))[:150])
