"""Which cycles start the extraction workers' forkserver before Scrapy (``DueWork.extracts_pages``):
those all but sure to extract pages, never one whose feeds may all answer 304."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from crawler.core.clock import utcnow
from crawler.cycle.due_work import due_work
from crawler.store import NewEntry, PollOutcome, Store
from tests.unit.test_idle_reader import FACTS

NOW = utcnow()


def read_before(store: Store, name: str, owed: list[NewEntry] | None = None) -> None:
    feed_id = next(feed.id for feed in store.feeds() if feed.name == name)
    due_again = NOW - timedelta(minutes=1)
    outcome = PollOutcome(at=NOW - timedelta(hours=1), next_check_at=due_again, succeeded=True)
    store.record_poll(feed_id, outcome, owed or [])


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = Store.open(f"sqlite:///{tmp_path / 'store.db'}")
    store.sync_feeds(FACTS.feeds, NOW)
    return store


def test_a_feed_never_read_before_extracts_its_entries(store: Store):
    read_before(store, "due")
    work = due_work(store, FACTS, ["due", "later"], NOW)  # "later" has never been read

    assert work.extracts_pages


def test_feeds_read_before_may_all_answer_304_so_the_workers_wait_for_a_page(store: Store):
    for name in ("due", "later"):
        read_before(store, name)
    work = due_work(store, FACTS, ["due", "later"], NOW)

    assert [feed.name for feed in work.due] == ["due", "later"]
    assert not work.extracts_pages


def test_articles_owed_by_an_interrupted_cycle_are_extracted(store: Store):
    read_before(store, "later")
    owed = NewEntry("https://example.org/a", "https://example.org/a", "A", NOW - timedelta(days=1))
    read_before(store, "due", [owed])
    work = due_work(store, FACTS, ["due", "later"], NOW)

    assert [url.canonical_url for url in work.pending] == ["https://example.org/a"]
    assert work.extracts_pages
