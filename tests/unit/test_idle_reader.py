"""The nothing-due check's sqlite3 reader sees what the Store sees: the same feeds, pending URLs
and re-checks, so ``due_work`` decides the same on both, and it never syncs the feeds table
itself (a changed configuration is left to the full path)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from crawler.app.idle_cycle import FeedFacts, IdleFacts, RecheckFacts
from crawler.core.clock import utcnow
from crawler.cycle.due_work import DueWork, due_work
from crawler.store import NewEntry, PollOutcome, Store
from crawler.store.idle_reader import IdleReader, NeedsFullCycle
from crawler.store.schema import articles
from tests.support.records import record

NOW = utcnow()
FACTS = IdleFacts(
    database="",
    topic="",
    feeds=tuple(
        FeedFacts(name, f"https://example.org/{name}.xml", "feed", "all", 900.0, enabled=name != "off")
        for name in ("due", "later", "gone", "owing", "off")
    ),
    recheck=RecheckFacts(enabled=True, max_per_cycle=100),
)


def polled(at_offset: timedelta, **changes: object) -> PollOutcome:
    return PollOutcome(at=NOW - timedelta(hours=1), next_check_at=NOW + at_offset, succeeded=True, **changes)  # type: ignore[arg-type]


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = Store.open(f"sqlite:///{tmp_path / 'store.db'}")
    store.sync_feeds(FACTS.feeds, NOW)
    ids = {feed.name: feed.id for feed in store.feeds()}
    store.record_poll(ids["due"], polled(-timedelta(minutes=1), etag='"1"'))
    store.record_poll(ids["later"], polled(timedelta(minutes=5)))
    store.record_poll(ids["gone"], polled(-timedelta(minutes=5), retire=True))
    owed = NewEntry("https://example.org/a", "https://example.org/a?x=1", "A", NOW - timedelta(days=1))
    store.record_poll(ids["owing"], polled(timedelta(minutes=5)), [owed])
    store.record_poll(ids["off"], polled(-timedelta(minutes=5)))
    return store


def both(store: Store, tmp_path: Path, names: list[str], facts: IdleFacts = FACTS) -> tuple[DueWork, DueWork]:
    with IdleReader.opened(tmp_path / "store.db") as reader:
        return due_work(store, facts, names, NOW), due_work(reader, facts, names, NOW)


def test_the_reader_finds_the_feeds_and_articles_the_store_finds(store: Store, tmp_path: Path):
    by_store, by_reader = both(store, tmp_path, [])

    assert by_reader == by_store
    assert [feed.name for feed in by_store.due] == ["due"]
    assert [url.canonical_url for url in by_store.pending] == ["https://example.org/a"]
    assert by_reader.selected == store.feeds(["due", "gone", "later", "owing"])  # times read back aware


def test_named_feeds_and_rechecks_are_decided_alike(store: Store, tmp_path: Path):
    store.save_article(record("https://example.org/b", "body text"))
    with store.engine.begin() as conn:
        conn.execute(update(articles).values(next_recheck_at=NOW - timedelta(seconds=1)))

    for names in ([], ["later"], ["off", "gone"]):
        by_store, by_reader = both(store, tmp_path, names)
        assert by_reader == by_store, names
    assert [target.canonical_url for target in both(store, tmp_path, [])[1].rechecks] == [
        "https://example.org/b"
    ]
    assert both(store, tmp_path, ["later"])[1].due[0].name == "later"  # named: due now
    quiet = replace(FACTS, recheck=RecheckFacts(enabled=False, max_per_cycle=100))
    assert both(store, tmp_path, [], quiet)[1].rechecks == []


def test_a_configuration_the_table_does_not_match_is_left_to_the_full_path(store: Store, tmp_path: Path):
    moved = replace(
        FACTS, feeds=(replace(FACTS.feeds[0], url="https://example.org/moved.xml"), *FACTS.feeds[1:])
    )
    added = replace(
        FACTS, feeds=(*FACTS.feeds, FeedFacts("new", "https://example.org/n.xml", "feed", "all", 900.0, True))
    )

    for facts in (moved, added):
        with IdleReader.opened(tmp_path / "store.db") as reader, pytest.raises(NeedsFullCycle):
            due_work(reader, facts, [], NOW)
    assert {feed.name for feed in store.feeds()} == {feed.name for feed in FACTS.feeds}  # nothing written


def test_the_recorded_cycle_reads_back_as_the_store_records_one(store: Store, tmp_path: Path):
    with IdleReader.opened(tmp_path / "store.db") as reader:
        reader.check_usable()
        cycle_id = reader.record_nothing_due("cli", NOW)
        mine = reader.cycle(cycle_id)
    stored = store.cycle(cycle_id)

    assert mine == stored
    assert (stored or {})["finish_reason"] == "nothing-due"
