"""Writing many rows of one model at national scale (a snapshot: 3,300 unit rows with their items and 26,400
field rows; a scores import: 330,000 entries updated and as many history rows).

``Model.objects.bulk_create`` compiles one INSERT per batch, and on SQLite a batch holds at most 999 values
(37 snapshot rows, 99 history rows), so most of its time goes to building SQL text. Here one parametrised
statement is sent with every row as one parameter set (DB-API ``executemany``), each value prepared by its
field exactly as the ORM prepares it (``get_db_prep_save`` against the real connection, resolved once; the
prepared form of a repeated text, number or time is reused). Primary keys are not set on the objects: read
them back when needed. Call these inside the caller's transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.db import connections, models, router
from django.db.models.fields import AutoFieldMixin

__all__ = ["RowPreparer", "rows_insert", "values_insert"]

# Values whose prepared form depends only on the value (decimals by their text: 1.5 and 1.50 are equal keys).
_REUSED = (str, int, dt.datetime, type(None))


class RowPreparer:
    """Prepares one row's values for ``fields`` of ``model`` as the ORM would for a write."""

    def __init__(self, model: type[models.Model], fields: Sequence[models.Field]) -> None:
        self.connection = connections[router.db_for_write(model)]
        self._steps = [(f.get_db_prep_save, {}) for f in fields]

    def __call__(self, values: Iterable[Any]) -> list[Any]:
        out = []
        connection = self.connection
        for (prepare, seen), value in zip(self._steps, values, strict=True):
            kind = type(value)
            if kind in _REUSED or kind is Decimal:
                key = (kind, str(value)) if kind is Decimal else value  # 1.5 and 1.50 stay apart
                found = seen.get(key, seen)
                if found is seen:
                    found = seen[key] = prepare(value, connection)
                out.append(found)
            else:
                out.append(prepare(value, connection))
        return out


def _insert(model: type[models.Model], fields: Sequence[models.Field], rows: Iterable[Sequence[Any]]) -> int:
    prepare = RowPreparer(model, fields)
    params = [prepare(row) for row in rows]
    if not params:
        return 0
    quote = prepare.connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608 - meta names
    with prepare.connection.cursor() as cursor:
        cursor.executemany(sql, params)
    return len(params)


def rows_insert(objs: Sequence[models.Model]) -> int:
    """Insert model instances (all of one model, primary keys unset); ``auto_now_add`` fields are filled as
    ``save()`` fills them. Returns the number of rows."""
    if not objs:
        return 0
    model = type(objs[0])
    fields = [f for f in model._meta.concrete_fields if not (f.primary_key and isinstance(f, AutoFieldMixin))]
    return _insert(model, fields, ([f.pre_save(obj, True) for f in fields] for obj in objs))


def values_insert(model: type[models.Model], names: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Insert plain rows of values for the fields ``names`` (attribute names: ``entry_id``, ``by_id``), without
    building model instances; fields left out take their database default, so give every required one."""
    by_attname = {f.attname: f for f in model._meta.concrete_fields}
    return _insert(model, [by_attname[name] for name in names], rows)
