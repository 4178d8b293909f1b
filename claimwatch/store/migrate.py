"""Applying the store's Alembic migrations programmatically (no ``alembic.ini`` needed).

The numbered revisions live in ``migrations/versions``; Alembic's ``alembic_version`` table records which ones
a database has. :func:`upgrade` brings a database to the newest revision; it is a no-op when it is there already.

Upgrading is atomic and serialised: every pending migration runs in one transaction (on SQLite, DDL included:
see :mod:`.engine`), so a crash or ``kill -9`` part way leaves the database as it was before, and it runs under
the write lock (``BEGIN IMMEDIATE``; on PostgreSQL a transaction-scoped advisory lock, :data:`PG_LOCK`),
re-reading the revision once the lock is held, so two processes that open a new database at the same moment
create its schema once.
"""

from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy import Connection, Engine

from .engine import writer

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
#: Key of the PostgreSQL advisory lock migrations run under (any constant; held until the transaction ends).
PG_LOCK = 0x636C61696D  # "claim"


def config():  # type: ignore[no-untyped-def]
    """An Alembic ``Config`` pointing at the bundled migrations."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head() -> str | None:
    """The newest revision shipped with this version of claimwatch."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(config()).get_current_head()


def current(connection: Connection) -> str | None:
    """The revision a database is at (None: never migrated)."""
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, target: str = "head") -> str | None:
    """Apply every pending migration in one transaction; returns the revision the database is at."""
    from alembic import command

    if target == "head":
        with engine.connect() as connection:
            at = current(connection)
        if at == head():
            return at
    with writer(engine).begin() as connection:
        if connection.dialect.name == "postgresql":  # SQLite's BEGIN IMMEDIATE already holds the write lock
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({PG_LOCK})")
        if target == "head" and current(connection) == head():  # another process migrated meanwhile
            return current(connection)
        cfg = config()
        cfg.attributes["connection"] = connection
        logging.getLogger("alembic").setLevel(logging.WARNING)
        command.upgrade(cfg, target)
        return current(connection)
