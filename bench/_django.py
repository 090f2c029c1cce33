"""Django for a bench script: a dedicated PostgreSQL database, created and migrated on demand.

A bench must never touch the project's own data, so it works in a database of its own
(the name must contain ``bench``) and may empty the tables it fills.
"""

from __future__ import annotations

import os
import tempfile
from urllib.parse import urlsplit


def setup(url: str) -> str:
    """Point Django at ``url`` (creating the PostgreSQL database if missing), set it up
    and migrate it. Returns the database name."""
    name = urlsplit(url).path.lstrip("/")
    if "bench" not in name:
        raise SystemExit(f"refusing to use database {name!r}: a bench database needs 'bench'")
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "meritline.config.settings.dev")
    os.environ["DJANGO_DEBUG"] = "0"  # no query log: it would slow the ORM side down
    os.environ.setdefault("MERITLINE_VAR_DIR", tempfile.mkdtemp(prefix="meritline-bench-"))
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("the bench database must be PostgreSQL (postgres://…)")
    _create_database(url, name)

    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    return name


def _create_database(url: str, name: str) -> None:
    import psycopg
    from psycopg import sql

    server = urlsplit(url)._replace(path="/postgres").geturl()
    with psycopg.connect(server, autocommit=True) as connection:
        found = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not found:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"  created database {name}")


def empty_tables(*models: type) -> None:
    """TRUNCATE the tables of ``models`` (and what refers to them) in the bench database."""
    from django.db import connection

    tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in models)  # type: ignore[attr-defined]
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
