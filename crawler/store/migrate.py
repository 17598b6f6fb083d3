"""Bring a database to the newest schema with Alembic, from inside the application.

Only a database that is new (no tables), or newswatch's own at a revision this code knows, is
ever migrated: another application's database, a newer newswatch's, or a file that is not a
database is refused with :class:`UnusableDatabase` before anything is written to it.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import DBAPIError

from crawler.core.errors import DamagedDatabase, UnusableDatabase
from crawler.store.engine import write_transaction
from crawler.store.revision import HEAD_REVISION

if TYPE_CHECKING:
    from alembic.config import Config as AlembicConfig

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"

# Databases this process has already brought to head: the CLI, the crawl it runs in-process
# and the daemon's bookkeeping each open the store.
_UPGRADED: set[str] = set()


def alembic_config() -> AlembicConfig:
    from alembic.config import Config as AlembicConfig

    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Run pending migrations; concurrent starters serialize on the write lock (SQLite) or on DDL locks.

    Raises UnusableDatabase, having written nothing, for a database that is not newswatch's
    (see the module docstring).
    """
    key = engine.url.render_as_string(hide_password=False)
    if revision == "head" and key in _UPGRADED:
        return
    current, tables = schema_state(engine)
    if revision == "head" and current == HEAD_REVISION:
        _UPGRADED.add(key)
        return
    refuse_foreign(current, tables)
    from alembic import command  # only when there is something to migrate (see HEAD_REVISION)

    config = alembic_config()
    with write_transaction(engine) as connection:
        if connection.dialect.name == "postgresql":
            # Two processes starting at once must not both create the tables.
            connection.exec_driver_sql("SELECT pg_advisory_xact_lock(7268041)")
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
    if revision == "head":
        _UPGRADED.add(key)


def refuse_foreign(current: str | None, tables: list[str]) -> None:
    """UnusableDatabase for another application's tables or a revision this code does not know."""
    if current is None and tables:
        shown = ", ".join(sorted(tables)[:4]) + (", …" if len(tables) > 4 else "")
        raise UnusableDatabase(
            f"not a newswatch database: it has tables of its own ({shown}) and no newswatch schema; "
            "left untouched"
        )
    if current is not None and current != HEAD_REVISION and current not in known_revisions(alembic_config()):
        raise UnusableDatabase(
            f"schema revision {current!r} is unknown to this newswatch (newest {HEAD_REVISION}): "
            "a newer newswatch's database, or another application's; left untouched"
        )


def known_revisions(config: AlembicConfig) -> set[str]:
    """Every revision in crawler/migrations/versions."""
    from alembic.script import ScriptDirectory

    return {script.revision for script in ScriptDirectory.from_config(config).walk_revisions()}


def schema_state(engine: Engine) -> tuple[str | None, list[str]]:
    """(Alembic revision or None, table names) of the database, read without changing it.

    A SQLite file is read through a plain connection of its own that only reads: the engine's
    connections switch the file to WAL mode, which rewrites the header of somebody else's
    database. (Not ``mode=ro``: a read-only connection leaves a WAL database's -wal and -shm
    files behind; this one removes them on close, as any last connection does.)
    """
    database = engine.url.database
    if engine.dialect.name == "sqlite" and database and database != ":memory:":
        return _sqlite_file_state(Path(database))
    if engine.dialect.name == "postgresql":
        return _server_state(engine)
    revision = stored_revision(engine)
    if revision is not None:
        return revision, []
    with engine.connect() as connection:
        return None, inspect(connection).get_table_names()


def _server_state(engine: Engine) -> tuple[str | None, list[str]]:
    """PostgreSQL's tables and revision read in one snapshot. A worker migrating a new database
    commits its tables and their revision together; two separate reads could see no revision,
    then the tables, and take newswatch's own store for another application's."""
    snapshot = engine.connect().execution_options(isolation_level="REPEATABLE READ")
    with snapshot as connection, connection.begin():
        tables = inspect(connection).get_table_names()
        if "alembic_version" not in tables:
            return None, tables
        revision = connection.scalar(text("SELECT version_num FROM alembic_version"))
    return (revision, []) if revision is not None else (None, tables)


def _sqlite_file_state(path: Path) -> tuple[str | None, list[str]]:
    if not path.exists():
        _create_sqlite_file(path)
        return None, []
    if not path.is_file():
        raise UnusableDatabase("a directory, not a database file" if path.is_dir() else "not a regular file")
    if os.statvfs(path.parent).f_flag & os.ST_RDONLY:
        raise UnusableDatabase("on a read-only filesystem: nothing could be stored; left untouched")
    if path.stat().st_size == 0:
        # newswatch never leaves an empty file (see _create_sqlite_file): this one is somebody
        # else's, or a truncated copy, and SQLite would quietly make a new database of it.
        raise UnusableDatabase("an empty file, not a newswatch database; left untouched")
    try:
        with contextlib.closing(
            sqlite3.connect(f"file:{quote(str(path))}?mode=rw", uri=True, timeout=60)
        ) as connection:
            tables = [
                name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            ]
            if "alembic_version" not in tables:
                return None, tables
            row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError as exc:
        if "not a database" in str(exc):
            raise UnusableDatabase("not a SQLite database (nor a newswatch one); left untouched") from None
        raise DamagedDatabase(f"cannot read it: {exc}") from None
    return (row[0] if row else None), tables


def _create_sqlite_file(path: Path) -> None:
    """Make a new, empty SQLite database at ``path`` that no other process ever sees half-made.

    sqlite3 creates a 0-byte file on connect and writes its header only later; a second starter
    looking in between would see an empty file and refuse it. So the database is made under a
    private name and hard-linked into place, which fails if another starter got there first.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.name}.", suffix=".new") as scratch:
        with contextlib.closing(sqlite3.connect(scratch.name)) as connection:
            connection.execute("PRAGMA journal_mode=WAL")  # writes the header: the file is a database
        with contextlib.suppress(FileExistsError):
            os.link(scratch.name, path)


def stored_revision(engine: Engine) -> str | None:
    """The revision Alembic recorded in the database; None for a new (or foreign) database."""
    try:
        with engine.connect() as connection:
            return connection.scalar(text("SELECT version_num FROM alembic_version"))
    except DBAPIError:  # no alembic_version table yet
        return None
