"""Writing polars frames to a table in bulk (``COPY`` on PostgreSQL)."""

from __future__ import annotations

import json
from typing import Any

import polars as pl
from django.db import connection

from meritline.sales.services.bulkdb import insert_rows


def write_frame(model: type[Any], frame: pl.DataFrame, json_columns: tuple[str, ...]) -> None:
    """Insert the rows of ``frame`` (columns named by attname, JSON columns as JSON
    text): ``COPY … FROM STDIN`` in CSV on PostgreSQL, ``insert_rows`` elsewhere."""
    if frame.height == 0:
        return
    if connection.vendor != "postgresql":
        at = [frame.columns.index(c) for c in json_columns]
        rows = []
        for row in frame.iter_rows():
            values = list(row)
            for i in at:
                values[i] = json.loads(values[i])
            rows.append(values)
        insert_rows(model, frame.columns, rows)
        return
    quote = connection.ops.quote_name
    by_attname = {f.attname: f.column for f in model._meta.concrete_fields}
    names = ", ".join(quote(by_attname[c]) for c in frame.columns)
    # Strings are quoted (an empty one stays empty), NULLs are not (they stay NULL).
    data = frame.write_csv(include_header=False, quote_style="non_numeric")
    sql = f"COPY {quote(model._meta.db_table)} ({names}) FROM STDIN WITH (FORMAT csv)"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        copy.write(data)
