"""Bring a database to the newest schema with Alembic, from inside the application."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from crawler.store.engine import write_transaction

if TYPE_CHECKING:
    from alembic.config import Config as AlembicConfig

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"

# The newest revision in crawler/migrations/versions (tests/test_store.py checks it against
# Alembic's own head). A database already there needs no Alembic at all: importing it costs
# every `newswatch` command ~0.4 s before any work starts.
HEAD_REVISION = "0002"

# Databases this process has already brought to head: the CLI, the crawl it runs in-process
# and the daemon's bookkeeping each open the store.
_UPGRADED: set[str] = set()


def alembic_config() -> AlembicConfig:
    from alembic.config import Config as AlembicConfig

    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Run pending migrations; concurrent starters serialize on the write lock (SQLite) or on DDL locks."""
    key = engine.url.render_as_string(hide_password=False)
    if revision == "head" and (key in _UPGRADED or stored_revision(engine) == HEAD_REVISION):
        _UPGRADED.add(key)
        return
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


def stored_revision(engine: Engine) -> str | None:
    """The revision Alembic recorded in the database; None for a new (or foreign) database."""
    try:
        with engine.connect() as connection:
            return connection.scalar(text("SELECT version_num FROM alembic_version"))
    except DBAPIError:  # no alembic_version table yet
        return None
