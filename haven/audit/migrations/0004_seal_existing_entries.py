"""Chain the entries written before the chain existed, in id order, and set the head.

Uses haven.audit.chain's digest functions: they define the chain's format and never change.
"""

from django.db import migrations

BATCH = 2000


def seal_existing(apps, schema_editor):
    from haven.audit.chain import GENESIS, HEAD_PK, digest, link, who_digest

    AuditEntry = apps.get_model("audit", "AuditEntry")
    AuditChainHead = apps.get_model("audit", "AuditChainHead")
    db = schema_editor.connection.alias
    qn = schema_editor.connection.ops.quote_name
    sql = "UPDATE {} SET {} = %s, {} = %s, {} = %s WHERE {} = %s".format(
        qn(AuditEntry._meta.db_table), qn("who_digest"), qn("digest"), qn("chain"), qn("id")
    )
    chain, last_id, after = GENESIS, 0, 0
    while True:
        batch = list(
            AuditEntry.objects.using(db)
            .filter(id__gt=after)
            .order_by("id")
            .values_list(
                "id", "at", "centre_id", "action", "actor_id", "actor_name", "ip",
                "object_type", "object_id", "object_label", "changes", "note",
            )[:BATCH]
        )
        if not batch:
            break
        rows = []
        for (pk, at, centre_id, action, actor_id, actor_name, ip,
             object_type, object_id, object_label, changes, note) in batch:
            who = who_digest(
                actor_id=actor_id, actor_name=actor_name, ip=ip, object_type=object_type,
                object_id=object_id, object_label=object_label, changes=changes, note=note,
            )
            entry_digest = digest(at=at, centre_id=centre_id, action=action, who=who)
            chain = link(chain, pk, entry_digest)
            rows.append((who, entry_digest, chain, pk))
        with schema_editor.connection.cursor() as cursor:
            cursor.executemany(sql, rows)
        after = last_id = batch[-1][0]
    AuditChainHead.objects.using(db).update_or_create(
        pk=HEAD_PK, defaults={"last_id": last_id, "last_chain": chain}
    )


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0003_chain"),
    ]

    operations = [
        migrations.RunPython(seal_existing, migrations.RunPython.noop, elidable=False),
    ]
