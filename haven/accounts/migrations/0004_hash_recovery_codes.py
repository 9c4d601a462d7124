"""Recovery codes stored before they were hashed (10 hex characters) are replaced by their
keyed hash (16 hex characters), so that they keep working and no longer sit in plain text."""

from typing import Any

from django.db import migrations
from django.utils.crypto import salted_hmac


def recovery_digest(code: str) -> str:
    # As haven.accounts.twofactor.recovery_digest at the time of this migration.
    return salted_hmac("haven.accounts.recovery-code", code, algorithm="sha256").hexdigest()[:16]


def hash_plain_codes(apps: Any, schema_editor: Any) -> None:
    StaticToken = apps.get_model("otp_static", "StaticToken")
    for token in StaticToken.objects.all().iterator():
        if len(token.token) < 16:
            token.token = recovery_digest(token.token.lower())
            token.save(update_fields=["token"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_user_sessions"),
        ("otp_static", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(hash_plain_codes, migrations.RunPython.noop)]
