"""The journal's full-text index: FTS5 kept in step by triggers on SQLite, GIN on PostgreSQL.

The PostgreSQL index is on the very expression haven.journal.services.search filters on
(Django's SearchVector of the text, 'simple' configuration), so the planner can use it.
"""

from typing import Any

from django.db import migrations

SQLITE_CREATE = [
    "CREATE VIRTUAL TABLE journal_entry_fts USING fts5("
    "text, content='journal_entry', content_rowid='id')",
    "CREATE TRIGGER journal_entry_fts_insert AFTER INSERT ON journal_entry BEGIN "
    "INSERT INTO journal_entry_fts(rowid, text) VALUES (new.id, new.text); END",
    "CREATE TRIGGER journal_entry_fts_delete AFTER DELETE ON journal_entry BEGIN "
    "INSERT INTO journal_entry_fts(journal_entry_fts, rowid, text) "
    "VALUES ('delete', old.id, old.text); END",
    "CREATE TRIGGER journal_entry_fts_update AFTER UPDATE OF text ON journal_entry BEGIN "
    "INSERT INTO journal_entry_fts(journal_entry_fts, rowid, text) "
    "VALUES ('delete', old.id, old.text); "
    "INSERT INTO journal_entry_fts(rowid, text) VALUES (new.id, new.text); END",
    "INSERT INTO journal_entry_fts(journal_entry_fts) VALUES ('rebuild')",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS journal_entry_fts_update",
    "DROP TRIGGER IF EXISTS journal_entry_fts_delete",
    "DROP TRIGGER IF EXISTS journal_entry_fts_insert",
    "DROP TABLE IF EXISTS journal_entry_fts",
]


POSTGRESQL_CREATE = [
    "CREATE INDEX journal_entry_text_search ON journal_entry "
    "USING gin (to_tsvector('simple'::regconfig, COALESCE(text, '')))",
]
POSTGRESQL_DROP = ["DROP INDEX IF EXISTS journal_entry_text_search"]


def _per_vendor(sqlite: list[str], postgresql: list[str]) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        statements = {"sqlite": sqlite, "postgresql": postgresql}
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("journal", "0001_initial")]

    operations = [migrations.RunPython(
            _per_vendor(SQLITE_CREATE, POSTGRESQL_CREATE),
            _per_vendor(SQLITE_DROP, POSTGRESQL_DROP),
        )]
