from typing import Any

from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "haven.core"
    verbose_name = _("Haven")

    def ready(self) -> None:
        from haven.core import checks  # noqa: F401

        post_migrate.connect(refresh_statistics, sender=self)


def refresh_statistics(using: str = "default", **_kwargs: Any) -> None:
    """After ``haven migrate``, SQLite's query planner gets fresh statistics of every table and
    index (a sampled ANALYZE: about a second on a six-gigabyte database). Without them it may
    pick an index that reads every row of a large table. PostgreSQL's autovacuum does this."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA analysis_limit=1000")
        cursor.execute("ANALYZE")
