"""Reading a store in tests, the way an analyst would: plain SQL, not the store's own code."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import create_engine, text


def query(database: str | Path, sql: str, *params: object) -> list[tuple]:
    """The rows of `sql`: a database URL is read through SQLAlchemy (SQLite or PostgreSQL); a
    SQLite file path with SQLite itself, so a check never shares the code it checks."""
    if isinstance(database, Path):
        # mode=rw: a check never creates the file. A store that does not exist yet must stay
        # absent, since newswatch refuses an empty file as not its database.
        connection = sqlite3.connect(f"file:{database}?mode=rw", uri=True, timeout=30)
        try:
            return connection.execute(sql, params).fetchall()
        finally:
            connection.close()
    assert not params, "positional parameters only for a SQLite file path"
    engine = create_engine(database)
    try:
        with engine.connect() as conn:
            return [tuple(row) for row in conn.execute(text(sql))]
    finally:
        engine.dispose()


def query_when_ready(database: Path, sql: str) -> list[tuple]:
    """Like `query`, but nothing until the database and its tables exist (a daemon that has not
    finished its first cycle yet)."""
    try:
        return query(database, sql)  # mode=rw: a probe that came first must not create the file
    except sqlite3.Error:
        return []
