"""Re-encrypt every identity field with the current key (the first of HAVEN_FIELD_KEYS), then
rebuild the blind index of client names, whose hashes derive from that key."""

from typing import Any

from django.apps import apps
from django.db import connection, transaction

from haven.audit import services as audit
from haven.audit.models import Action
from haven.core.crypto import keyring
from haven.core.fields import encrypted_fields

BATCH = 500


def rotate_all() -> dict[str, int]:
    """Returns how many values were re-encrypted, per model; already-current values are skipped."""
    ring = keyring()
    counts: dict[str, int] = {}
    for model in apps.get_models():
        fields = encrypted_fields(model)
        if not fields:
            continue
        table = connection.ops.quote_name(model._meta.db_table)
        pk = connection.ops.quote_name(model._meta.pk.column)
        changed = 0
        for field in fields:
            column = connection.ops.quote_name(field.column)
            context = field.context()  # type: ignore[attr-defined]
            last = None
            while True:
                with transaction.atomic():
                    rows = _batch(table, pk, column, last)
                    if not rows:
                        break
                    for row_pk, token in rows:
                        if token and not ring.is_current(token):
                            fresh = ring.encrypt(ring.decrypt(token, context), context)
                            with connection.cursor() as cursor:
                                cursor.execute(
                                    f"UPDATE {table} SET {column} = %s WHERE {pk} = %s",  # noqa: S608
                                    [fresh, row_pk],
                                )
                            changed += 1
                    last = rows[-1][0]
        counts[model._meta.label] = changed
    from haven.clients.matching import reindex_all  # the index of names hashed with the key

    reindexed = reindex_all()
    with transaction.atomic():
        audit.record(
            Action.KEY_ROTATION,
            actor_name="haven rotate_keys",
            note=", ".join(f"{k}: {v}" for k, v in counts.items())
            + f"; name index rebuilt for {reindexed} files",
        )
    return counts


def _batch(table: str, pk: str, column: str, after: Any) -> list[tuple[Any, str]]:
    where = f"WHERE {pk} > %s " if after is not None else ""
    params = [after] if after is not None else []
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {pk}, {column} FROM {table} {where}ORDER BY {pk} LIMIT {BATCH}",  # noqa: S608
            params,
        )
        return list(cursor.fetchall())
