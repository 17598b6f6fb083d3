"""Feeds and their polling state: what is configured, what is due, what each poll changed."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, select, update

from crawler.core.urls import host_of
from crawler.store.engine import read_transaction, write_transaction
from crawler.store.feed_rows import ConfiguredFeed, feed_changes, feed_state_of
from crawler.store.records import (
    FeedState,
    NewEntry,
    PollOutcome,
)
from crawler.store.schema import feeds, urls
from crawler.store.upsert import insert_for


class FeedsMixin:
    """Store methods for the feeds table."""

    engine: Engine

    def sync_feeds(self, configured: Sequence[ConfiguredFeed], now: datetime) -> None:
        """Make the feeds table match the configuration; a changed URL starts the feed afresh."""
        with write_transaction(self.engine) as conn:
            existing = {row.name: row for row in conn.execute(select(feeds))}
            for feed in configured:
                row = existing.get(feed.name)
                if row is None:
                    # Several workers starting on a new store add the same feeds at once.
                    conn.execute(
                        insert_for(conn, feeds)
                        .on_conflict_do_nothing(index_elements=["name"])
                        .values(
                            name=feed.name,
                            url=feed.url,
                            fetch_url=feed.url,
                            type=feed.type,
                            keep=feed.keep,
                            interval_seconds=feed.interval,
                            created_at=now,
                        )
                    )
                    continue
                changes = feed_changes(row, feed)
                if changes:
                    conn.execute(update(feeds).where(feeds.c.id == row.id).values(**changes))

    def feeds(self, names: Iterable[str] | None = None) -> list[FeedState]:
        """Feeds by name (all when names is None), in name order."""
        query = select(feeds).order_by(feeds.c.name)
        if names is not None:
            query = query.where(feeds.c.name.in_(list(names)))
        with read_transaction(self.engine) as conn:
            return [feed_state_of(row) for row in conn.execute(query)]

    def due_feeds(self, now: datetime, names: Iterable[str]) -> list[FeedState]:
        """Feeds among `names` that are not retired and whose next check has come."""
        return [feed for feed in self.feeds(names) if feed.is_due(now)]

    def record_poll(self, feed_id: int, outcome: PollOutcome, new_entries: Sequence[NewEntry] = ()) -> int:
        """Save a poll's result and its new entries as pending URLs, atomically.

        Validators and the entries they cover commit together: a crash cannot leave a stored
        ETag whose 304 would hide entries that were never fetched. Returns entries added.
        """
        values: dict[str, Any] = {"last_polled_at": outcome.at, "next_check_at": outcome.next_check_at}
        if outcome.succeeded:
            values |= {
                "last_success_at": outcome.at,
                "consecutive_failures": 0,
                "etag": outcome.etag,
                "last_modified": outcome.last_modified,
            }
            if outcome.interval_seconds is not None:
                values["current_interval_seconds"] = outcome.interval_seconds
            if outcome.link_set_hash is not None:
                values["content_fingerprint"] = outcome.link_set_hash  # the column's older name
        else:
            values |= {
                "last_error_at": outcome.at,
                "last_error_reason": outcome.failure_reason,
                "last_error_detail": (outcome.failure_detail or "")[:2000],
                "consecutive_failures": feeds.c.consecutive_failures + 1,
            }
        if outcome.moved_to:
            values |= {"fetch_url": outcome.moved_to}
        if outcome.retire:
            values |= {"retired_at": outcome.at}
        with write_transaction(self.engine) as conn:
            conn.execute(update(feeds).where(feeds.c.id == feed_id).values(**values))
            return self._add_pending(conn, feed_id, new_entries, outcome.at)

    def add_pending(self, feed_id: int, entries: Sequence[NewEntry], now: datetime) -> int:
        """Add entries found outside a feed's own poll (child sitemaps); returns how many were new."""
        with write_transaction(self.engine) as conn:
            return self._add_pending(conn, feed_id, entries, now)

    def _add_pending(self, conn: Connection, feed_id: int, entries: Sequence[NewEntry], now: datetime) -> int:
        if not entries:
            return 0
        rows = [
            {
                "canonical_url": entry.canonical_url,
                "url": entry.url,
                "host": host_of(entry.url),
                "feed_id": feed_id,
                "status": "pending",
                "entry_title": entry.title,
                "entry_published": entry.published,
                "first_seen": now,
                "updated_at": now,
            }
            for entry in entries
        ]
        statement = (
            insert_for(conn, urls)
            .on_conflict_do_nothing(index_elements=["canonical_url"])
            .returning(urls.c.canonical_url)
        )
        # RETURNING, not rowcount: psycopg reports -1 for a skipped ON CONFLICT row.
        return sum(len(conn.execute(statement, row).all()) for row in rows)
