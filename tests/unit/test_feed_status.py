"""`feeds status`: health per feed, including feeds that went silent against their own history."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from rich.console import Console

from crawler.core.config import Config, FeedConfig
from crawler.store import NewEntry, PollOutcome, Store
from crawler.views.feed_status import is_silent, print_feed_status

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def test_silent_needs_a_history_that_predicted_items():
    assert is_silent(recent_items=0, history_items=52)  # two a day for 26 days, none in two days
    assert not is_silent(recent_items=1, history_items=52)
    assert not is_silent(recent_items=0, history_items=10)  # a slow feed may go two days without
    assert not is_silent(recent_items=0, history_items=0)  # no history yet: nothing to compare


def test_status_shows_health_reasons_and_silence(tmp_path):
    store = Store.open(f"sqlite:///{tmp_path / 'nw.db'}")
    feeds = [FeedConfig(name=name, url=f"https://example.org/{name}") for name in ("busy", "quiet", "broken")]
    config = Config(feeds=feeds, source_path=tmp_path / "newswatch.yaml")
    store.sync_feeds(feeds, NOW - timedelta(days=30))
    ids = {feed.name: feed.id for feed in store.feeds()}
    for name, days_ago in (("busy", [0.5, 1, 3, 4]), ("quiet", [3 + i / 4 for i in range(40)])):
        for index, age in enumerate(days_ago):
            when = NOW - timedelta(days=age)
            entry = NewEntry(
                f"https://example.org/{name}/{index}", f"https://example.org/{name}/{index}", None, when
            )
            store.record_poll(ids[name], PollOutcome(at=when, next_check_at=NOW, succeeded=True), [entry])
    store.record_poll(
        ids["broken"],
        PollOutcome(
            at=NOW,
            next_check_at=NOW + timedelta(hours=1),
            succeeded=False,
            failure_reason="not-a-feed",
            failure_detail="HTML page",
        ),
    )
    console = Console(width=200, record=True)

    print_feed_status(console, config, store, NOW)

    lines = {line.split()[0]: line for line in console.export_text().splitlines() if line.strip()}
    assert "ok" in lines["busy"] and "2/4" in lines["busy"]
    assert "silent" in lines["quiet"]
    assert "failing" in lines["broken"] and "not-a-feed" in lines["broken"]
    store.close()
