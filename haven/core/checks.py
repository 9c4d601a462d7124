"""System checks that keep a production installation honest about its keys."""

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register

from haven.core.crypto import KeyError_, Keyring


@register(Tags.security, deploy=True)
def field_keys_are_valid(app_configs: Any, **kwargs: Any) -> list[Error]:
    try:
        Keyring(list(settings.FIELD_KEYS))
    except KeyError_ as exc:
        return [Error(f"HAVEN_FIELD_KEYS: {exc}", id="haven.E001")]
    return []


@register(Tags.security)
def field_keys_not_secret_key(app_configs: Any, **kwargs: Any) -> list[Error]:
    if settings.SECRET_KEY in settings.FIELD_KEYS:
        return [Error("HAVEN_FIELD_KEYS must differ from HAVEN_SECRET_KEY.", id="haven.E002")]
    return []
