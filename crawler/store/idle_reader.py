"""The store read with sqlite3 alone, for the nothing-due check of `newswatch run`.

A cycle with nothing due used to pay for SQLAlchemy before it could see that; this reader
offers the four reads ``crawler.cycle.due_work`` asks of the store (the same methods as
``Store``, returning the same records), so what is due is still decided in one place. It never
changes the feeds table: where the configuration would (a new feed, a changed URL, type, keep
or interval) it raises NeedsFullCycle, and so it does for anything else it does not handle (a
schema that is not this code's newest, a cycle left running). The only write is the
nothing-due cycle's `runs` row, with the values the store writes (``crawler.store.cycle_rows``).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from crawler.store.cycle_rows import finished_cycle, started_cycle
from crawler.store.feed_rows import ConfiguredFeed, feed_changes, feed_state_of
from crawler.store.records import CycleCounts, FeedState, PendingUrl, RecheckTarget
from crawler.store.revision import HEAD_REVISION

BUSY_TIMEOUT_SECONDS = 60  # as the store's engine (crawler.store.engine)


class NeedsFullCycle(Exception):
    """The store needs more than this reader does; the full path (SQLAlchemy) takes over."""


class _Row(SimpleNamespace):
    """A row's columns as attributes; a column the code expects and the table lacks (a damaged
    schema at the right revision) is a store this reader does not handle."""

    def __getattr__(self, name: str) -> Any:
        raise NeedsFullCycle(f"no column {name!r} in the store")


class IdleReader:
    """``with IdleReader.opened(path) as reader:`` a SQLite store at the newest schema."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection

    @classmethod
    def opened(cls, database: Path) -> _Opened:
        return _Opened(database)

    # -- what crawler.cycle.due_work asks (the Store's methods of the same names) ------------------

    def sync_feeds(self, configured: Sequence[ConfiguredFeed], now: datetime) -> None:
        """Nothing to do when the feeds table already matches the configuration; else NeedsFullCycle."""
        existing = {row.name: row for row in self._rows("SELECT * FROM feeds")}
        for feed in configured:
            row = existing.get(feed.name)
            if row is None or feed_changes(row, feed):
                raise NeedsFullCycle(f"feed {feed.name!r} differs from the store")

    def feeds(self, names: Iterable[str] | None = None) -> list[FeedState]:
        if names is None:
            rows = self._rows("SELECT * FROM feeds ORDER BY name")
        else:
            chosen = list(names)
            rows = self._rows(f"SELECT * FROM feeds WHERE name IN ({_marks(chosen)}) ORDER BY name", chosen)
        return [feed_state_of(_timed(row, FEED_TIMES)) for row in rows]

    def pending_urls(self, feed_ids: Iterable[int]) -> list[PendingUrl]:
        ids = list(feed_ids)
        rows = self._rows(
            "SELECT canonical_url, url, feed_id, attempts, entry_title, entry_published FROM urls "
            f"WHERE status = 'pending' AND feed_id IN ({_marks(ids)}) ORDER BY first_seen, canonical_url",
            ids,
        )
        return [PendingUrl(**vars(_timed(row, ("entry_published",)))) for row in rows]

    def due_for_recheck(self, now: datetime, limit: int) -> list[RecheckTarget]:
        rows = self._rows(
            "SELECT id AS article_id, url, canonical_url, feed_id, source, first_seen FROM articles "
            "WHERE next_recheck_at <= ? AND duplicate_of IS NULL ORDER BY next_recheck_at LIMIT ?",
            [stored_time(now), limit],
        )
        return [RecheckTarget(**vars(_timed(row, ("first_seen",)))) for row in rows]

    # -- the rest of a nothing-due cycle ---------------------------------------------------------

    def check_usable(self) -> None:
        """NeedsFullCycle unless the schema is this code's newest and no cycle is left running
        (a killed cycle is closed by the full path, under the cycle lock)."""
        try:
            revision = self.connection.execute("SELECT version_num FROM alembic_version").fetchall()
            running = self.connection.execute(
                "SELECT 1 FROM runs WHERE status = 'running' LIMIT 1"
            ).fetchall()
        except sqlite3.Error as exc:
            raise NeedsFullCycle(f"store not readable here: {exc}") from None
        if revision != [(HEAD_REVISION,)]:
            raise NeedsFullCycle(f"schema revision {revision!r}, not {HEAD_REVISION}")
        if running:
            raise NeedsFullCycle("a cycle is recorded as running")

    def record_nothing_due(self, trigger: str, now: datetime) -> int:
        """A finished cycle that did nothing (finish reason ``nothing-due``); its id."""
        values = started_cycle(trigger, now) | finished_cycle(CycleCounts(), "finished", "nothing-due", now)
        values = {key: _stored(value) for key, value in values.items()}
        columns = ", ".join(values)
        with self.connection:
            self.connection.execute("BEGIN IMMEDIATE")
            cursor = self.connection.execute(
                f"INSERT INTO runs ({columns}) VALUES ({_marks(values)})", list(values.values())
            )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def cycle(self, cycle_id: int) -> dict[str, Any]:
        """The cycle's `runs` row, as ``Store.cycle`` gives it."""
        (row,) = self._rows("SELECT * FROM runs WHERE id = ?", [cycle_id])
        row.failures = json.loads(row.failures)  # a JSON column
        return vars(_timed(row, ("started_at", "finished_at")))

    def _rows(self, sql: str, parameters: Sequence[object] = ()) -> list[SimpleNamespace]:
        cursor = self.connection.execute(sql, list(parameters))
        names = [column[0] for column in cursor.description]
        return [_Row(**dict(zip(names, row, strict=True))) for row in cursor.fetchall()]


class _Opened:
    def __init__(self, database: Path) -> None:
        self.database = database
        self.connection: sqlite3.Connection | None = None

    def __enter__(self) -> IdleReader:
        if not self.database.is_file():
            raise NeedsFullCycle("no database file yet")
        try:
            # isolation_level None: transactions are begun explicitly, as the store's engine does
            self.connection = sqlite3.connect(
                self.database, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None
            )
        except sqlite3.Error as exc:
            raise NeedsFullCycle(f"cannot open: {exc}") from None
        return IdleReader(self.connection)

    def __exit__(self, *exc_info: object) -> None:
        if self.connection is not None:
            self.connection.close()


# The feeds columns a FeedState keeps as times.
FEED_TIMES = ("next_check_at", "retired_at", "last_polled_at", "last_success_at", "last_error_at")


def stored_time(moment: datetime) -> str:
    """A time as the store's UTCDateTime keeps it on SQLite: naive UTC, microseconds always."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


def _stored(value: object) -> object:
    if isinstance(value, datetime):
        return stored_time(value)
    if isinstance(value, dict):
        return json.dumps(value)
    return value


def _timed(row: SimpleNamespace, columns: Iterable[str]) -> SimpleNamespace:
    """The row with these columns read back as timezone-aware UTC (as UTCDateTime does)."""
    for column in columns:
        value = getattr(row, column)
        if isinstance(value, str):
            try:
                setattr(row, column, datetime.fromisoformat(value).replace(tzinfo=UTC))
            except ValueError:
                raise NeedsFullCycle(f"{column} holds {value!r}, not a time") from None
    return row


def _marks(values: Sequence[object] | dict[str, object]) -> str:
    return ", ".join("?" * len(values))
