"""Every time window, on both sides of its edge, against the clock the code uses.

A window that is only tested far inside it ("a story from today is kept") cannot tell an
off-by-a-day bug from a correct rule, and a literal date that is inside the window today is
outside it next week. Each rule below is checked a little inside and a little outside its
edge, with moments derived from ``crawler.core.clock.utcnow``.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from crawler.core.clock import EARLIEST_PLAUSIBLE_DATE, FUTURE_TOLERANCE, is_plausible_date, utcnow
from crawler.core.config import Config, FeedConfig, load_config
from crawler.dedup.versions import next_recheck_after
from crawler.pages.extraction import parse_published
from crawler.store import NewEntry, PollOutcome, Store
from tests.support.cli import write_config

MARGIN = timedelta(minutes=30)  # far larger than a test's run time, far smaller than any window


@pytest.fixture
def store(database_url: str):
    opened = Store.open(database_url)
    yield opened
    opened.close()


@pytest.fixture
def config(tmp_path: Path, sqlite_url: str) -> Config:
    return load_config(write_config(tmp_path, sqlite_url, [{"name": "f", "url": "https://example.org/f"}]))


def test_recheck_is_scheduled_only_while_the_article_is_inside_the_window(config: Config):
    now = utcnow()
    window, every = timedelta(seconds=config.recheck.window), timedelta(seconds=config.recheck.every)
    # The next check must still fall inside the window: first seen (window - every) ago is the edge.
    edge = now - (window - every)
    assert next_recheck_after(config, edge + MARGIN, now) == now + every
    assert next_recheck_after(config, edge - MARGIN, now) is None


def test_due_for_recheck_takes_appointments_up_to_now_and_not_after(store: Store):
    from tests.support.records import record

    now = utcnow()
    store.save_article(record("https://example.org/due", "due text", next_recheck_at=now - MARGIN))
    store.save_article(record("https://example.org/later", "later text", next_recheck_at=now + MARGIN))
    assert [target.canonical_url for target in store.due_for_recheck(now, 10)] == ["https://example.org/due"]


def test_item_counts_include_the_window_start_and_exclude_its_end(store: Store):
    now = utcnow()
    store.sync_feeds([FeedConfig(name="f", url="https://example.org/f")], now)
    [feed] = store.feeds()
    since, until = now - timedelta(days=2), now - timedelta(hours=1)
    for label, seen in (("before", since - MARGIN), ("inside", since + MARGIN), ("after", until + MARGIN)):
        entry = NewEntry(f"https://example.org/{label}", f"https://example.org/{label}", label, None)
        store.add_pending(feed.id, [entry], seen)
    assert store.item_counts(since, until) == {feed.id: 1}
    assert store.item_counts(since) == {feed.id: 2}
    assert store.item_counts(since - 2 * MARGIN) == {feed.id: 3}


def test_failures_older_than_the_retention_are_pruned_and_newer_ones_kept(store: Store, config: Config):
    now = utcnow()
    cutoff = now - timedelta(seconds=config.daemon.failure_retention)
    store.record_failure(None, None, "https://example.org/old", "timeout", "slow", cutoff - MARGIN)
    store.record_failure(None, None, "https://example.org/new", "timeout", "slow", cutoff + MARGIN)
    assert store.prune_failures(cutoff) == 1
    assert store.prune_failures(cutoff) == 0


def test_feed_dates_are_plausible_up_to_a_day_ahead():
    now = utcnow()
    assert is_plausible_date(now + timedelta(days=1) - MARGIN, now)
    assert not is_plausible_date(now + timedelta(days=1) + MARGIN, now)


def test_page_publication_dates_are_kept_up_to_the_future_tolerance():
    inside = utcnow() + FUTURE_TOLERANCE - MARGIN
    outside = utcnow() + FUTURE_TOLERANCE + MARGIN
    assert parse_published(inside.isoformat()) is not None
    assert parse_published(outside.isoformat()) is None
    assert parse_published((EARLIEST_PLAUSIBLE_DATE + MARGIN).isoformat()) is not None
    assert parse_published((EARLIEST_PLAUSIBLE_DATE - MARGIN).isoformat()) is None


def test_feed_due_exactly_at_its_next_check_and_not_before(store: Store):
    now = utcnow()
    store.sync_feeds([FeedConfig(name=n, url=f"https://example.org/{n}") for n in ("due", "soon")], now)
    ids = {feed.name: feed.id for feed in store.feeds()}
    store.record_poll(ids["due"], PollOutcome(at=now, next_check_at=now - MARGIN, succeeded=True))
    store.record_poll(ids["soon"], PollOutcome(at=now, next_check_at=now + MARGIN, succeeded=True))
    assert [feed.name for feed in store.due_feeds(now, ["due", "soon"])] == ["due"]
