"""SQLAlchemy engines for the store: SQLite set up for crash safety and concurrent writers, fatal errors named.

Reads a database URL; writes an ``Engine``. For SQLite:

- the sqlite3 driver's own transaction handling is switched off (``isolation_level = None``) and SQLAlchemy
  emits ``BEGIN`` itself (the recipe of SQLAlchemy's SQLite documentation for Python < 3.12). In the driver's
  legacy mode DDL statements (``CREATE TABLE``) commit one by one, so ``kill -9`` during the first migration
  left a half-made schema that never opened again ("table outlets already exists"); now a migration is one
  transaction and a crash rolls it back whole;
- connections from :func:`writer` begin with ``BEGIN IMMEDIATE``: a writer takes the write lock before it reads,
  so two processes saving the same article queue on the busy timeout (30 s) and the second finds the first's
  row instead of failing on the UNIQUE constraint (a deferred transaction that upgrades to a write after
  another writer committed fails at once, whatever the busy timeout);
- WAL journal, foreign keys, ``synchronous=NORMAL`` (durable across a crash of the process);
- JSON columns are written compact: no spaces after separators, and text as UTF-8, not ``\\uXXXX`` escapes
  (a Cyrillic letter took 6 bytes instead of 2; :func:`json_text`), on every backend (JSONB ignores it);
- errors that make the whole database unusable (read-only, damaged, not a database, cannot open, disk full,
  I/O error) become :class:`StoreUnavailable` with what to do about it.
"""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import ExceptionContext, make_url

#: Seconds a connection waits for another one's lock before "database is locked".
BUSY_TIMEOUT_S = 30
#: Execution option naming the statement that begins a transaction on SQLite.
BEGIN_OPTION = "claimwatch_sqlite_begin"

_RECOVER = ("restore it from a backup, or recover what is readable with the sqlite3 shell: "
            "sqlite3 {path} .recover | sqlite3 recovered.db (then use --db sqlite:///recovered.db)")
#: SQLite primary result codes that make the whole database unusable: what is wrong, what to do.
_FATAL: dict[int, tuple[str, str]] = {
    3: ("access to the database file is denied", "make {path} and its folder writable, or pass another --db"),
    8: ("the database is read-only", ("make {path} and its folder writable (SQLite also writes the -wal and "
                                      "-shm files beside it), or pass another --db")),
    10: ("disk I/O error on the database", "check the disk and the file system holding {path}"),
    11: ("the database file is damaged", _RECOVER),
    13: ("the disk holding the database is full", "free some space on the disk holding {path}"),
    14: ("the database file cannot be opened", "check that {path} and its folder exist and are writable"),
    26: ("the file is not an SQLite database (or its first page is damaged)",
         f"check the --db path; if it is the right file, {_RECOVER}"),
}


class StoreUnavailable(RuntimeError):
    """The database cannot be used at all: nothing more can be stored. The message says what to do."""


def json_text(value: Any) -> str:
    """How JSON columns are written: compact, non-ASCII text as itself."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def make_engine(url: str) -> Engine:
    """An engine for ``url`` (see the module docstring); a SQLite file's folder is created."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, json_serializer=json_text)
    database = parsed.database or ""
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_S}, json_serializer=json_text)
    event.listen(engine, "connect", _sqlite_connect)
    event.listen(engine, "begin", _sqlite_begin)
    event.listen(engine, "handle_error", _sqlite_fatal)
    return engine


def writer(engine: Engine) -> Engine:
    """``engine`` for write transactions: on SQLite they begin with ``BEGIN IMMEDIATE``."""
    if engine.dialect.name != "sqlite":
        return engine
    return engine.execution_options(**{BEGIN_OPTION: "BEGIN IMMEDIATE"})


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # SQLAlchemy begins transactions (see _sqlite_begin)
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_S * 1000}")
    _journal_wal(cursor)
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _journal_wal(cursor: Any) -> None:
    """Switch the file to WAL, waiting while another connection holds the lock that needs.

    Turning a new file to WAL takes an exclusive lock, and SQLite answers "database is locked" at once instead
    of calling the busy handler when a second process opens the same new file at that moment (seen as one of two
    concurrent first ingests failing). A file already in WAL answers without a lock.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def _sqlite_begin(connection: Connection) -> None:
    connection.exec_driver_sql(connection.get_execution_options().get(BEGIN_OPTION, "BEGIN"))


def _sqlite_fatal(context: ExceptionContext) -> StoreUnavailable | None:
    """A :class:`StoreUnavailable` in place of an error that makes the whole database unusable."""
    error = context.original_exception
    code = getattr(error, "sqlite_errorcode", None)
    if code is None or (code & 0xFF) not in _FATAL:
        return None
    problem, advice = _FATAL[code & 0xFF]
    path = context.engine.url.database if context.engine is not None else None
    return StoreUnavailable(f"{problem}: {path or 'the database'} ({error}); "
                            f"{advice.format(path=path or 'the database file')}")
