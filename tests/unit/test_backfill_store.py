"""The store's side of a backfill: provenance columns, progress rows, and the migration to them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from alembic import command
from sqlalchemy import text

from crawler.store import Store, migrate
from crawler.store.backfill_store import ArchiveProgress
from tests.support.records import NOW, record


@pytest.fixture
def store(database_url: str):
    opened = Store.open(database_url)
    yield opened
    opened.close()


def test_an_archived_article_keeps_its_provenance_and_was_first_seen_when_captured(store: Store):
    captured = NOW - timedelta(days=900)
    store.save_article(
        record("https://a.example/archived", "archived text", via="cc-news", captured_at=captured)
    )
    store.save_article(record("https://a.example/live", "live text"))
    with store.engine.connect() as conn:
        rows = dict(
            (url, (via, first_seen))
            for url, via, first_seen in conn.execute(
                text("SELECT canonical_url, via, first_seen FROM articles")
            )
        )
    assert rows["https://a.example/live"][0] == "live"
    assert rows["https://a.example/archived"][0] == "cc-news"
    assert str(captured.year) in str(rows["https://a.example/archived"][1])


def test_progress_is_kept_per_archive_and_its_resume_point_never_moves_back(store: Store):
    store.save_archive_progress(ArchiveProgress("a.warc.gz", "warc", resume_offset=500, records_read=3), NOW)
    store.save_archive_progress(ArchiveProgress("a.warc.gz", "warc", resume_offset=200, records_read=4), NOW)
    store.save_archive_progress(ArchiveProgress("b.warc.gz", "warc", done=True), NOW)
    first = store.archive_progress("a.warc.gz")
    assert first is not None and (first.resume_offset, first.records_read) == (500, 4)
    assert [p.archive for p in store.all_archive_progress()] == ["a.warc.gz", "b.warc.gz"]
    assert store.archive_progress("missing") is None


def test_migrating_from_the_previous_revision_marks_every_stored_article_live(
    database_url: str, store: Store
):
    store.save_article(record("https://a.example/before", "stored before backfill existed"))
    migrate._UPGRADED.clear()
    with store.engine.begin() as conn:
        config = migrate.alembic_config()
        config.attributes["connection"] = conn
        command.downgrade(config, "0007")
    assert migrate.stored_revision(store.engine) == "0007"

    reopened = Store.open(database_url)

    assert migrate.stored_revision(reopened.engine) == migrate.HEAD_REVISION
    with reopened.engine.connect() as conn:
        assert conn.execute(text("SELECT via, captured_at FROM articles")).all() == [("live", None)]
        assert conn.execute(text("SELECT count(*) FROM backfill_progress")).scalar() == 0
    reopened.close()
