"""Set-based inserts without per-row model work (issue 12 item 2).

`insert_rows` writes many rows of a model as multi-row ``INSERT … VALUES`` statements in
batches (on PostgreSQL as one ``COPY … FROM STDIN`` unless conflicts are to be ignored): the values of each row are plain Python values the database driver adapts
itself (int, str, Decimal, date, None); every other column gets its model default,
prepared once per call. No model instance, no per-field ``get_db_prep_save`` per row.
``insert_select`` runs one ``INSERT … SELECT`` for a model's table. Both leave the
database's ON CONFLICT handling to the caller (``ignore_conflicts``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection, models
from django.utils import timezone

BATCH = 1000


def _defaults(model: type[models.Model], given: Sequence[str]) -> tuple[list[str], list[Any]]:
    """The columns not given, with their default prepared for the database once."""
    columns: list[str] = []
    values: list[Any] = []
    now = timezone.now()
    for f in model._meta.concrete_fields:
        if f.primary_key or f.attname in given or f.name in given:
            continue
        if getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False):
            value: Any = now
        else:  # the field's default, "" for blank text, None for a nullable column
            value = f.get_default()
        columns.append(str(f.column))
        values.append(f.get_db_prep_save(value, connection))
    return columns, values


def _column(model: type[models.Model], name: str) -> str:
    return str(model._meta.get_field(name).column)  # type: ignore[union-attr]


def insert_rows(
    model: type[models.Model],
    fields: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    ignore_conflicts: bool = False,
    batch: int = BATCH,
) -> int:
    """Insert `rows` (tuples in the order of `fields`); one statement per `batch` rows."""
    if not rows:
        return 0
    extra_columns, extra_values = _defaults(model, fields)
    columns = [_column(model, name) for name in fields] + extra_columns
    quote = connection.ops.quote_name
    width = len(columns)
    one = "(" + ", ".join(["%s"] * width) + ")"
    names = ", ".join(quote(c) for c in columns)
    head = f"INSERT INTO {quote(model._meta.db_table)} ({names}) VALUES "  # noqa: S608 - model names
    tail = " ON CONFLICT DO NOTHING" if ignore_conflicts else ""
    if connection.vendor == "postgresql" and not ignore_conflicts:
        return _copy_rows(model, columns, rows, extra_values)
    limit = max(1, min(batch, (connection.features.max_query_params or 999_999) // width))
    written = 0
    with connection.cursor() as cursor:
        for start in range(0, len(rows), limit):
            chunk = rows[start : start + limit]
            params: list[Any] = []
            for row in chunk:
                params.extend(row)
                params.extend(extra_values)
            cursor.execute(head + ", ".join([one] * len(chunk)) + tail, params)
            written += cursor.rowcount if cursor.rowcount >= 0 else len(chunk)
    return written


def _copy_rows(
    model: type[models.Model], columns: list[str], rows: Sequence[Sequence[Any]], extra: list[Any]
) -> int:
    """PostgreSQL: the rows through ``COPY … FROM STDIN`` (psycopg adapts each value once;
    no statement of thousands of parameters to build and split). Same rows, same triggers,
    same constraints as the INSERT; ON CONFLICT is not available, hence INSERT for that."""
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in columns)
    sql = f"COPY {quote(model._meta.db_table)} ({names}) FROM STDIN"  # model names only
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row((*row, *extra))
    return len(rows)


def insert_select(
    model: type[models.Model],
    fields: Sequence[str],
    select: str,
    params: Sequence[Any],
    *,
    ignore_conflicts: bool = False,
) -> int:
    """``INSERT INTO <model> (fields…, defaults…) <select>``: the SELECT yields `fields`.

    The columns not named get their model default: they are appended to the SELECT as
    parameters (the select must end where its column list can be extended, i.e. `select`
    holds ``SELECT <columns> {defaults} FROM …`` with the literal ``{defaults}``).
    """
    extra_columns, extra_values = _defaults(model, fields)
    quote = connection.ops.quote_name
    columns = [_column(model, name) for name in fields] + extra_columns
    defaults = "".join(", %s" for _ in extra_values)
    marker = select.index("{defaults}")
    before, after = select[:marker], select[marker + len("{defaults}") :]
    count_before = before.count("%s")
    sql = (  # table and column names from the model; values are parameters
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(c) for c in columns)}) "
        + before
        + defaults
        + after
        + (" ON CONFLICT DO NOTHING" if ignore_conflicts else "")
    )
    bound = [*params[:count_before], *extra_values, *params[count_before:]]
    with connection.cursor() as cursor:
        cursor.execute(sql, bound)
        return max(cursor.rowcount, 0)
