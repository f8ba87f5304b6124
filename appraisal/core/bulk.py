"""Inserting many rows of one model at national scale (a snapshot: 3,300 unit rows with their items and
26,400 field rows; a scores import: 330,000 history rows).

``Model.objects.bulk_create`` compiles one INSERT per batch, and on SQLite a batch holds at most 999 values
(37 snapshot rows, 99 history rows), so most of its time goes to building SQL text. :func:`rows_insert` sends
one parametrised INSERT with every row as one parameter set (DB-API ``executemany``), each value prepared by
its field exactly as ``bulk_create`` prepares it (``pre_save`` for ``auto_now_add``, ``get_db_prep_save``).
It does not set primary keys on the objects: read them back when needed.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection, models
from django.db.models.fields import AutoFieldMixin

__all__ = ["rows_insert"]


def rows_insert(objs: Sequence[models.Model]) -> int:
    """Insert ``objs`` (all of one model, primary keys unset) in one ``executemany``; returns the count.
    Call it inside the caller's transaction."""
    if not objs:
        return 0
    meta = objs[0]._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key or not isinstance(f, AutoFieldMixin)]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608 - names from meta
    params = [[f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields] for obj in objs]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
    return len(params)
