"""A `feeds` row as the crawler's FeedState, and what the configuration changes in one.

Plain Python, no SQLAlchemy: the store's SQLAlchemy reads and the nothing-due check's sqlite3
reads (``crawler.store.idle_reader``) both go through these, so they cannot disagree.
"""

from __future__ import annotations

from typing import Any, Protocol

from crawler.store.records import FeedState


class ConfiguredFeed(Protocol):
    """What the feeds table keeps of a configured feed (``FeedConfig``)."""

    @property
    def name(self) -> str: ...
    @property
    def url(self) -> str: ...
    @property
    def type(self) -> str: ...
    @property
    def keep(self) -> str: ...
    @property
    def interval(self) -> float: ...
    @property
    def enabled(self) -> bool: ...


def feed_changes(row: Any, feed: ConfiguredFeed) -> dict[str, Any]:
    """The columns of a stored feed (any row with the `feeds` columns as attributes) that the
    configured feed changes; a changed URL starts the feed afresh."""
    changes: dict[str, Any] = {}
    if row.url != feed.url:
        changes |= {
            "url": feed.url,
            "fetch_url": feed.url,
            "etag": None,
            "last_modified": None,
            "retired_at": None,
            "consecutive_failures": 0,
            "next_check_at": None,
            "current_interval_seconds": None,
        }
    for column, value in (
        ("type", feed.type),
        ("keep", feed.keep),
        ("interval_seconds", feed.interval),
    ):
        if getattr(row, column) != value:
            changes[column] = value
    if "interval_seconds" in changes:
        changes["current_interval_seconds"] = None  # re-learn within the new bounds
    return changes


def feed_state_of(row: Any) -> FeedState:
    """A `feeds` row (columns as attributes, times timezone-aware) as a FeedState."""
    return FeedState(
        id=row.id,
        name=row.name,
        url=row.url,
        fetch_url=row.fetch_url,
        type=row.type,
        keep=row.keep,
        interval_seconds=row.interval_seconds,
        etag=row.etag,
        last_modified=row.last_modified,
        consecutive_failures=row.consecutive_failures,
        next_check_at=row.next_check_at,
        retired_at=row.retired_at,
        last_polled_at=row.last_polled_at,
        last_success_at=row.last_success_at,
        last_error_at=row.last_error_at,
        last_error_reason=row.last_error_reason,
        last_error_detail=row.last_error_detail,
        current_interval_seconds=row.current_interval_seconds,
        link_set_hash=row.content_fingerprint,
    )
