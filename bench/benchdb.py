"""The benchmarks' own database: created when missing (PostgreSQL) and set up before any model import."""

import os
from pathlib import Path


def configure(database_url: str) -> None:
    """Point Django at the benchmark's own database before anything imports a model."""
    os.environ["DATABASE_URL"] = database_url
    os.environ["DEBUG"] = "0"  # no query log growing over a million rows
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hamyar.settings.base")
    if database_url.startswith("sqlite:"):
        Path(database_url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    else:
        _create_postgres_database(database_url)
    import django

    django.setup()


def _create_postgres_database(database_url: str) -> None:
    import dj_database_url
    import psycopg
    from psycopg import sql

    config = dj_database_url.parse(database_url)
    params = {
        "host": config["HOST"] or None, "port": config["PORT"] or None,
        "user": config["USER"] or None, "password": config["PASSWORD"] or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]).fetchone() is None:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))
