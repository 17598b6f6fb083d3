"""The stored robots.txt: one row per origin, replaced when fetched again; added by migration."""

from __future__ import annotations

from datetime import timedelta

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from crawler.core.clock import utcnow
from crawler.store import Store, StoredRobotsTxt, migrate

ORIGIN = "https://news.example.org"


def fetched(body: bytes, status: int = 200, hours: float = 24) -> StoredRobotsTxt:
    now = utcnow().replace(microsecond=0)
    return StoredRobotsTxt(ORIGIN, status, body, now, now + timedelta(hours=hours))


def test_robots_txt_never_fetched_is_unknown(database_url: str) -> None:
    with Store.opened(database_url) as store:
        assert store.robots_txt(ORIGIN) is None


def test_robots_txt_is_kept_and_replaced_per_origin(database_url: str) -> None:
    with Store.opened(database_url) as store:
        first = fetched(b"User-agent: *\nAllow: /\n")
        store.save_robots_txt(first)
        assert store.robots_txt(ORIGIN) == first
        second = fetched(b"User-agent: *\nDisallow: /private/\n", status=200, hours=1)
        store.save_robots_txt(second)
        assert store.robots_txt(ORIGIN) == second
        assert store.robots_txt("https://other.example.org") is None


def test_freshness_ends_at_expiry() -> None:
    kept = fetched(b"", hours=1)
    assert kept.is_fresh(kept.fetched_at)
    assert kept.is_fresh(kept.expires_at - timedelta(seconds=1))
    assert not kept.is_fresh(kept.expires_at)
    assert not kept.is_fresh(kept.fetched_at - timedelta(seconds=1))  # a clock set back: ask again


def revision_before_robots_txt() -> str:
    scripts = ScriptDirectory.from_config(migrate.alembic_config())
    (adding,) = [r for r in scripts.walk_revisions() if "robots.txt" in (r.doc or "")]
    assert isinstance(adding.down_revision, str)
    return adding.down_revision


def test_database_at_the_previous_revision_gains_the_robots_table(database_url: str) -> None:
    with Store.opened(database_url) as store:
        with store.engine.begin() as conn:
            config = migrate.alembic_config()
            config.attributes["connection"] = conn
            command.downgrade(config, revision_before_robots_txt())
        assert "robots_txt" not in inspect(store.engine).get_table_names()
    migrate._UPGRADED.clear()
    with Store.opened(database_url) as reopened:
        assert migrate.stored_revision(reopened.engine) == migrate.HEAD_REVISION
        reopened.save_robots_txt(fetched(b"User-agent: *\n"))
        assert reopened.robots_txt(ORIGIN) is not None
