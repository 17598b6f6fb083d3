"""Bring a database to the newest schema with Alembic, from inside the application."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import Engine

from crawler.store.engine import write_transaction

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config() -> AlembicConfig:
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


# Databases this process has already brought to head: the CLI, the crawl it runs in-process
# and the daemon's bookkeeping each open the store, and Alembic costs ~0.2 s of CPU a time.
_UPGRADED: set[str] = set()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Run pending migrations; concurrent starters serialize on the write lock (SQLite) or on DDL locks."""
    key = engine.url.render_as_string(hide_password=False)
    if revision == "head" and key in _UPGRADED:
        return
    config = alembic_config()
    with write_transaction(engine) as connection:
        if connection.dialect.name == "postgresql":
            # Two processes starting at once must not both create the tables.
            connection.exec_driver_sql("SELECT pg_advisory_xact_lock(7268041)")
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
    if revision == "head":
        _UPGRADED.add(key)
