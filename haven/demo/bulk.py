"""Writing many rows fast, past the ORM: one ``executemany`` (PostgreSQL: ``COPY``) per batch,
ids given by the caller.

For generated demo history and the history import (haven.history.importer), which both check
their rows before writing them. Model instances and the insert compiler cost more than the
generation itself at a million rows; here a row is a dict of attribute names (``client_id``,
``received_at``) and each value is adapted the way the field would adapt it (datetimes to the
backend's form, JSON, UUIDs, encryption of identity fields). Fields left out take their
default. Nothing here writes an audit entry: the caller writes one for the whole batch.
"""

import datetime
import functools
import itertools
import multiprocessing
import traceback
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, TypeVar

from django.conf import settings
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connection, connections, models

Adapter = Callable[[Any], Any]
T = TypeVar("T")


class Table:
    """The insert statement of one model and how to adapt each of its values.

    ``values`` touches no database, so it may run in another process than ``write``.
    ``memo``: remember the adapted dates and times (for rows that share few of them).
    """

    def __init__(self, model: type[models.Model], *, memo: bool = False):
        self.model = model
        db = connections[DEFAULT_DB_ALIAS]
        fields = list(model._meta.concrete_fields)
        self.names = [field.attname for field in fields]
        adapters = [_adapter(field, db) for field in fields]
        if memo:
            dated = ("DateField", "DateTimeField")
            adapters = [
                functools.lru_cache(maxsize=1 << 16)(adapter)
                if adapter is not None and field.get_internal_type() in dated
                else adapter
                for field, adapter in zip(fields, adapters, strict=True)
            ]
        # Defaults are adapted once; a value given in a row is adapted each time.
        self.default_row = {
            field.attname: None if field.primary_key else _adapted(adapter, field.get_default())
            for field, adapter in zip(fields, adapters, strict=True)
        }
        self.adapted = [
            (field.attname, adapter)
            for field, adapter in zip(fields, adapters, strict=True)
            if adapter is not None
        ]
        marker = "?" if db.vendor == "sqlite" else "%s"
        columns = ", ".join(db.ops.quote_name(field.column) for field in fields)
        # Names come from the model's own metadata; every value is a query parameter.
        table = db.ops.quote_name(model._meta.db_table)
        markers = ", ".join([marker] * len(fields))
        self.sql = f"INSERT INTO {table} ({columns}) VALUES ({markers})"  # noqa: S608
        self.copy_sql = f"COPY {table} ({columns}) FROM STDIN"

    def next_ids(self) -> "itertools.count[int]":
        """Ids after the largest one in the table (the caller holds the only writer)."""
        last = self.model._default_manager.aggregate(last=models.Max("pk"))["last"]
        return itertools.count((last or 0) + 1)

    def values(self, rows: Iterable[Mapping[str, Any]]) -> list[list[Any]]:
        """Rows as the database driver takes them, columns in the statement's order."""
        defaults, adapted = self.default_row, self.adapted
        values: list[list[Any]] = []
        for row in rows:
            if not values and not row.keys() <= defaults.keys():
                unknown = sorted(row.keys() - defaults.keys())
                raise ValueError(f"{self.model.__name__} has no field {unknown}")
            record = {**defaults, **row}  # the columns' order, the row's values
            for name, adapt in adapted:
                value = row.get(name)
                if value is not None:
                    record[name] = adapt(value)
            values.append(list(record.values()))
        return values

    def write(self, values: list[list[Any]]) -> int:
        """Insert, in the connection's current transaction (PostgreSQL: with COPY)."""
        if values:
            connection.ensure_connection()
            cursor = connection.connection.cursor()  # the DB-API cursor: no per-query logging
            try:
                if hasattr(cursor, "copy"):  # psycopg 3
                    with cursor.copy(self.copy_sql) as copy:
                        for record in values:
                            copy.write_row(record)
                else:
                    cursor.executemany(self.sql, values)
            finally:
                cursor.close()
        return len(values)


class Writer:
    """Rows of one model, given ids, written in batches (in the current transaction).

    ``batch=None``: never write; ``take`` hands the rows over as values (to write elsewhere).
    """

    def __init__(self, model: type[models.Model], batch: int | None = 5000, *, memo: bool = False):
        self.table = Table(model, memo=memo)
        self.ids = self.table.next_ids()
        self.rows: list[dict[str, Any]] = []
        self.batch = batch
        self.count = 0

    def next_id(self) -> int:
        """An id for a row added later (``add`` keeps an id the row already has)."""
        return next(self.ids)

    def add(self, row: dict[str, Any]) -> int:
        if "id" not in row:
            row["id"] = next(self.ids)
        self.rows.append(row)
        if self.batch is not None and len(self.rows) >= self.batch:
            self.flush()
        return int(row["id"])

    def take(self) -> list[list[Any]]:
        """The rows added since, as the driver takes them; forgotten here."""
        values = self.table.values(self.rows)
        self.rows = []
        return values

    def flush(self) -> None:
        self.count += self.table.write(self.take())


def update(model: type[models.Model], fields: list[str], rows: Iterable[tuple[Any, ...]]) -> int:
    """Set ``fields`` of many rows by id, one statement for all: each row is the fields'
    values then the id. (``QuerySet.bulk_update`` builds a CASE per row: slow by the
    hundred thousand.)"""
    db = connections[DEFAULT_DB_ALIAS]
    concrete = {field.name: field for field in model._meta.concrete_fields}
    adapters = [_adapter(concrete[name], db) for name in fields]
    marker = "?" if db.vendor == "sqlite" else "%s"
    columns = ", ".join(f"{db.ops.quote_name(concrete[name].column)} = {marker}" for name in fields)
    table = db.ops.quote_name(model._meta.db_table)
    pk = db.ops.quote_name(model._meta.pk.column)
    sql = f"UPDATE {table} SET {columns} WHERE {pk} = {marker}"  # noqa: S608 - names from the model
    values = [
        [*(_adapted(adapt, value) for adapt, value in zip(adapters, row, strict=False)), row[-1]]
        for row in rows
    ]
    if values:
        connection.ensure_connection()
        cursor = connection.connection.cursor()
        try:
            cursor.executemany(sql, values)
        finally:
            cursor.close()
    return len(values)


def _adapted(adapt: Adapter | None, value: Any) -> Any:
    return value if adapt is None or value is None else adapt(value)


def _adapter(field: models.Field, db: Any) -> Adapter | None:
    """How the field turns a Python value into the driver's (its get_db_prep_save, faster)."""
    ops = db.ops
    if getattr(field, "encrypted", False):
        return lambda value: field.get_db_prep_save(value, db) if value else value
    kind = field.get_internal_type()
    if kind == "DateTimeField":
        if db.vendor == "sqlite" and settings.USE_TZ and db.timezone_name == "UTC":
            # What the backend's adapt_datetimefield_value does, without its checks per value.
            return lambda value: str(value.astimezone(datetime.UTC).replace(tzinfo=None))
        return ops.adapt_datetimefield_value
    if kind == "DateField":
        return ops.adapt_datefield_value
    if kind == "JSONField":
        encoder = getattr(field, "encoder", None)
        empty = ops.adapt_json_value([], encoder)
        return lambda value: ops.adapt_json_value(value, encoder) if value != [] else empty
    if kind == "UUIDField":
        if db.features.has_native_uuid_field:
            return None
        return lambda value: value.hex
    return None


def analyze(*model_list: type[models.Model]) -> None:
    """PostgreSQL: statistics for the planner now, as autovacuum would give them later (a
    query planned on a freshly loaded table without them can be much slower than it will be)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in model_list:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def reset_sequences(*model_list: type[models.Model]) -> None:
    """After rows with given ids, let the database's own numbering continue after them."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(model_list))
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


@contextmanager
def large_cache(megabytes: int = 256) -> Iterator[None]:
    """SQLite's page cache (2 MB by default) raised while loading: index pages stay in memory."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (before,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = {-1024 * int(megabytes)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


def in_child_process(items: Iterator[T]) -> Iterator[T]:
    """The items of an iterator computed in a forked child process, while this one consumes.

    Generating is Python work, inserting is the database's: on two cores they overlap. The
    iterator must not use the database: the child never touches the parent's connection, and
    leaves with ``os._exit`` (multiprocessing's way) so that nothing of it is closed there.
    """
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)

    def produce() -> None:
        receiver.close()
        try:
            for item in items:
                sender.send(("item", item))
            sender.send(("end", None))
        except BaseException:  # shown by the parent
            sender.send(("error", traceback.format_exc()))
        finally:
            sender.close()

    child = context.Process(target=produce, name="demo-history", daemon=True)
    child.start()
    sender.close()
    try:
        while True:
            kind, value = receiver.recv()
            if kind == "end":
                return
            if kind == "error":
                raise RuntimeError(f"generating the demo history failed:\n{value}")
            yield value
    finally:
        receiver.close()
        if child.is_alive():
            child.terminate()
        child.join()
