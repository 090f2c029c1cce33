"""Fast bulk writes for imports of a million rows (issue 3: ≤ 60 s on PostgreSQL).

On PostgreSQL new rows go in with ``COPY`` and ids allocated from the table's sequence
up front; elsewhere (SQLite) through ``bulk_create``. Values are given per column, in
the caller's order, already clean — these helpers do no validation.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Hashable, Mapping, Sequence
from typing import Any

from django.db import connection, models

from meritline.sales.services.common import chunked

IN_CHUNK = 5000


def insert_rows(
    model: type[models.Model], columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> list[int]:
    """Insert ``rows`` (values in ``columns`` order, attnames such as ``owner_id``) and
    return the new primary keys in the same order."""
    if not rows:
        return []
    if connection.vendor != "postgresql":
        objects = [model(**dict(zip(columns, row, strict=True))) for row in rows]
        model.objects.bulk_create(objects, batch_size=1000)
        return [obj.pk for obj in objects]
    table = model._meta.db_table
    names = [model._meta.pk.column, *(_attname_column(model, c) for c in columns)]
    json_at = [
        i
        for i, c in enumerate(columns)
        if isinstance(_field_by_attname(model, c), models.JSONField)
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, model._meta.pk.column, len(rows)],
        )
        ids = [r[0] for r in cursor.fetchall()]
        quoted = ", ".join(connection.ops.quote_name(n) for n in names)
        raw = cursor.cursor
        dumped: dict[Any, str] = {}  # most rows repeat a few JSON values (product lists)

        def dump(value: Any) -> str:
            key = tuple(value) if isinstance(value, list) else None
            if key is None or not all(isinstance(v, str) for v in key):
                return json.dumps(value, ensure_ascii=False)
            if key not in dumped:
                dumped[key] = json.dumps(value, ensure_ascii=False)
            return dumped[key]

        with raw.copy(f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN") as copy:
            for pk, row in zip(ids, rows, strict=True):
                if json_at:
                    row = list(row)
                    for i in json_at:
                        row[i] = dump(row[i])
                copy.write_row((pk, *row))
    return ids


def _field_by_attname(model: type[models.Model], attname: str) -> models.Field[Any, Any]:
    for field in model._meta.concrete_fields:
        if field.attname == attname:
            return field
    raise LookupError(attname)


def _attname_column(model: type[models.Model], attname: str) -> str:
    return _field_by_attname(model, attname).column


def update_rows(
    model: type[models.Model], columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """Set ``columns`` (attnames) of many rows, each given as ``(pk, value, …)``.

    On PostgreSQL one ``UPDATE … FROM unnest(arrays)`` per chunk; elsewhere
    ``bulk_update`` (whose ``CASE WHEN`` per row is quadratic on large batches).
    """
    if not rows:
        return
    if connection.vendor != "postgresql":
        objects = []
        for pk, *values in rows:
            obj = model(pk=pk)
            for column, value in zip(columns, values, strict=True):
                setattr(obj, column, value)
            objects.append(obj)
        names = [_field_by_attname(model, c).name for c in columns]
        model.objects.bulk_update(objects, names, batch_size=500)
        return
    fields = [_field_by_attname(model, c) for c in columns]
    json_at = {i for i, f in enumerate(fields) if isinstance(f, models.JSONField)}
    quote = connection.ops.quote_name
    assignments = ", ".join(
        f"{quote(f.column)} = v.c{i}" + ("::jsonb" if i in json_at else "")
        for i, f in enumerate(fields)
    )
    arrays = ", ".join(
        f"%s::{'text' if i in json_at else f.db_type(connection)}[]" for i, f in enumerate(fields)
    )
    aliases = ", ".join(f"c{i}" for i in range(len(fields)))
    sql = (
        f"UPDATE {quote(model._meta.db_table)} AS t SET {assignments} "  # noqa: S608
        f"FROM unnest(%s::bigint[], {arrays}) AS v(id, {aliases}) "
        f"WHERE t.{quote(model._meta.pk.column)} = v.id"
    )
    with connection.cursor() as cursor:
        for part in chunked(rows, 20_000):
            params: list[list[Any]] = [[row[0] for row in part]]
            for i in range(len(fields)):
                values = [row[i + 1] for row in part]
                if i in json_at:
                    values = [json.dumps(v, ensure_ascii=False) for v in values]
                params.append(values)
            cursor.execute(sql, params)


def set_values(model: type[models.Model], attname: str, values: Mapping[int, Hashable]) -> None:
    """``UPDATE … SET attname = value`` for each ``pk → value``: on PostgreSQL one
    statement per chunk (from two arrays), elsewhere one per distinct value and chunk."""
    if not values:
        return
    if connection.vendor == "postgresql":
        field = _field_by_attname(model, attname)
        column = connection.ops.quote_name(field.column)
        table = connection.ops.quote_name(model._meta.db_table)
        pk = connection.ops.quote_name(model._meta.pk.column)
        items = sorted(values.items())
        with connection.cursor() as cursor:
            for part in chunked(items, 50_000):
                cursor.execute(
                    f"UPDATE {table} AS t SET {column} = v.val "  # noqa: S608 - names quoted
                    f"FROM unnest(%s::bigint[], %s::{field.db_type(connection)}[]) AS v(id, val) "
                    f"WHERE t.{pk} = v.id",
                    [[k for k, _v in part], [v for _k, v in part]],
                )
        return
    by_value: dict[Hashable, list[int]] = defaultdict(list)
    for pk, value in values.items():
        by_value[value].append(pk)
    for value, pks in by_value.items():
        for part in chunked(sorted(pks), IN_CHUNK):
            model.objects.filter(among("pk", part)).update(**{attname: value})


class AnyOf(models.Lookup):  # type: ignore[type-arg]
    """``field = ANY(%s)`` with one array parameter (PostgreSQL): a chunk of thousands of
    keys without thousands of placeholders to parse and plan."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", [*lhs_params, list(self.rhs)]


models.CharField.register_lookup(AnyOf)
models.IntegerField.register_lookup(AnyOf)
models.ForeignKey.register_lookup(AnyOf)


def analyze(model: type[models.Model]) -> None:
    """Refresh the planner's statistics after a large load (PostgreSQL), so that the next
    batch looks keys up by index instead of scanning a table it believes is empty."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def among(field: str, values: Sequence[Any] | set[Any]) -> models.Q:
    """``field IN values`` — as one array parameter on PostgreSQL."""
    lookup = "any_of" if connection.vendor == "postgresql" else "in"
    return models.Q(**{f"{field}__{lookup}": list(values)})
