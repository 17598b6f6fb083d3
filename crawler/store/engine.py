"""Database engines tuned for a crawler that writes from several processes at once.

SQLite: WAL (readers never block the writer), a busy timeout, and write transactions that
begin IMMEDIATE, because a deferred transaction that reads then writes fails at once with
"database is locked" when another writer got there first. PostgreSQL needs
nothing special: row locks and ON CONFLICT do the work.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, FromClause, create_engine, event
from sqlalchemy.dialects.sqlite.base import SQLiteCompiler
from sqlalchemy.engine import make_url

SQLITE_BUSY_TIMEOUT_MS = 60_000
WRITE_OPTION = "newswatch_write"


def make_engine(url: str) -> Engine:
    """Create an engine for a SQLite or PostgreSQL URL."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url, parsed.database)
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)


SQLITE_CACHE_KIB = 64 * 1024


class _HintingSQLiteCompiler(SQLiteCompiler):
    """Renders a statement's `with_hint(table, "INDEXED BY name", "sqlite")` after the table,
    where SQLite reads it (SQLAlchemy's SQLite compiler drops table hints)."""

    def get_from_hint_text(self, table: FromClause, text: str | None) -> str | None:
        return text


def _sqlite_engine(url: str, database: str | None) -> Engine:
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
    engine.dialect.statement_compiler = _HintingSQLiteCompiler

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's begin event, not the driver, decide how a transaction starts.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")  # durable on process crash; see README
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        # Pages kept per connection (the default is 2 MB): search reads a page of `articles`
        # and of the FTS index for every ranked match (bench/search.py: a third of its time)
        cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        immediate = connection.get_execution_options().get(WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


@contextlib.contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """A transaction that takes the write lock up front on SQLite (no-op difference elsewhere)."""
    with engine.connect().execution_options(**{WRITE_OPTION: True}) as connection, connection.begin():
        yield connection


@contextlib.contextmanager
def read_transaction(engine: Engine) -> Iterator[Connection]:
    """A read-only snapshot."""
    with engine.connect() as connection, connection.begin():
        yield connection


@contextlib.contextmanager
def try_advisory_lock(engine: Engine, key: int) -> Iterator[bool]:
    """PostgreSQL: hold the session advisory lock `key` for the block if nobody else holds it
    (yields whether it was taken; never waits). The server drops it if this process dies."""
    with engine.connect() as connection:
        taken = bool(connection.exec_driver_sql(f"SELECT pg_try_advisory_lock({int(key)})").scalar())
        connection.commit()
        try:
            yield taken
        finally:
            if taken:
                connection.exec_driver_sql(f"SELECT pg_advisory_unlock({int(key)})")
                connection.commit()
