"""Analyst queries in SQL: filters on the signals (agency, action, state), stories per state and week."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

import pytest

from crawler.store import ArticleFilter, Store
from tests.support.dates import ago
from tests.support.records import record


@pytest.fixture
def store(database_url: str):
    opened = Store.open(database_url)
    yield opened
    opened.close()


def save(store: Store, slug: str, body: str, signals: dict, **changes) -> int | None:
    changes.setdefault("content_hash", hashlib.sha256(body.encode()).hexdigest())
    return store.save_article(
        record(f"https://{slug}.example/a", body, signals=signals, **changes)
    ).article_id


def monday(moment: datetime) -> str:
    day = moment.date()
    return (day - timedelta(days=day.weekday())).isoformat()


def test_filters_need_every_requested_kind_and_ignore_case(store: Store):
    ms = save(store, "ms", "one", {"states": ["MS"], "agencies": ["ICE"], "actions": ["raid"]})
    tx = save(store, "tx", "two", {"states": ["TX"], "agencies": ["CBP"], "actions": ["arrest"]})
    none = save(store, "none", "three", {})

    def ids(**chosen) -> list[int]:
        return [row["id"] for row in store.export_rows(ArticleFilter(**chosen))]

    assert ids(agencies=("ice",)) == [ms]
    assert ids(actions=("raid", "Arrest"), states=("tx",)) == [tx]
    assert ids(agencies=("ICE",), states=("TX",)) == []
    assert ids() == [ms, tx, none]


def test_state_week_counts_count_stories_not_copies_by_event_week(store: Store):
    event_day = ago(days=10)
    later = ago(days=2)
    save(store, "first", "wire story", {"states": ["MS"], "event_date": event_day.date().isoformat()})
    # an exact copy on another outlet: counted once
    save(store, "copy", "wire story", {"states": ["MS"], "event_date": event_day.date().isoformat()})
    save(store, "two", "two states", {"states": ["MS", "LA"]}, published=later)
    save(store, "none", "no state", {})
    save(store, "off", "off topic", {"states": ["TX"]}, relevant=False)
    assert store.state_week_counts() == sorted(
        [(monday(event_day), "MS", 1), (monday(later), "LA", 1), (monday(later), "MS", 1)]
    )
    assert store.state_week_counts(ArticleFilter(states=("LA",))) == [
        (monday(later), "LA", 1),
        (monday(later), "MS", 1),
    ]
