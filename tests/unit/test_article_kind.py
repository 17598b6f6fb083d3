"""The article kind (a story or a live blog) is stored, exported, and added to older databases."""

from __future__ import annotations

import io
import json

import pytest
from alembic import command
from sqlalchemy import text

from crawler.store import Store, migrate
from crawler.store.queries import NO_FILTER
from crawler.views.export import write_jsonl
from tests.support.records import record

PREVIOUS_REVISION = "0008"


@pytest.fixture
def store(database_url: str):
    opened = Store.open(database_url)
    yield opened
    opened.close()


def exported(store: Store) -> dict[str, dict[str, object]]:
    out = io.StringIO()
    write_jsonl(store.export_rows(NO_FILTER), out)
    return {row["canonical_url"]: row for row in map(json.loads, out.getvalue().splitlines())}


def test_a_live_blog_is_stored_and_exported_as_one(store: Store) -> None:
    store.save_article(record("https://example.org/live", "updates", kind="liveblog"))
    store.save_article(record("https://example.org/story", "a story"))
    rows = exported(store)
    assert rows["https://example.org/live"]["kind"] == "liveblog"
    assert rows["https://example.org/story"]["kind"] == "article"


def test_articles_stored_before_the_kind_existed_migrate_as_articles(database_url: str, store: Store) -> None:
    with store.engine.begin() as conn:
        config = migrate.alembic_config()
        config.attributes["connection"] = conn
        command.downgrade(config, PREVIOUS_REVISION)
    migrate._UPGRADED.clear()
    assert migrate.stored_revision(store.engine) == PREVIOUS_REVISION
    with store.engine.begin() as conn:  # a row written by the previous revision's schema
        conn.execute(
            text(
                "INSERT INTO articles (url, canonical_url, source, site, text, authors, relevance, relevant,"
                " matched_terms, content_hash, text_length, first_seen, fetched_at)"
                " VALUES ('https://example.org/old', 'https://example.org/old', 'valley', 'example.org',"
                " 'old text', '[]', 0.5, true, '[]', 'h-old', 8,"
                " '2026-01-01 00:00:00', '2026-01-01 00:00:00')"
            )
        )
    reopened = Store.open(database_url)
    try:
        assert migrate.stored_revision(reopened.engine) == migrate.HEAD_REVISION
        assert exported(reopened)["https://example.org/old"]["kind"] == "article"
    finally:
        reopened.close()
