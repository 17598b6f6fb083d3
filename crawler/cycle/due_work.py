"""What a cycle has to do: the feeds to poll, the articles owed, the re-checks that have come.

These are the cycle's decisions of what is due, made here once: the ledger asks them when a
crawl starts, and `newswatch run` asks them before starting one, so that a cycle with nothing
to do answers from the store without importing Scrapy or starting the extraction workers.
The store is anything with the Store's four reads (``DueReads``): the Store itself, or, for the
nothing-due check, ``crawler.store.idle_reader``, which reads SQLite without SQLAlchemy; and the
configuration anything shaped like its feeds and re-check settings. Nothing here imports Scrapy,
SQLAlchemy or pydantic.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from crawler.store.feed_rows import ConfiguredFeed
from crawler.store.records import FeedState, PendingUrl, RecheckTarget


class DueReads(Protocol):
    """The store's reads a cycle's decisions need (``Store`` has them)."""

    def sync_feeds(self, configured: Sequence[ConfiguredFeed], now: datetime) -> None: ...
    def feeds(self, names: Iterable[str] | None = None) -> list[FeedState]: ...
    def pending_urls(self, feed_ids: Iterable[int]) -> list[PendingUrl]: ...
    def due_for_recheck(self, now: datetime, limit: int) -> list[RecheckTarget]: ...


class RecheckSettings(Protocol):
    @property
    def enabled(self) -> bool: ...
    @property
    def max_per_cycle(self) -> int: ...


class DueSettings(Protocol):
    """What of the configuration decides what is due (``Config`` has it)."""

    @property
    def feeds(self) -> Sequence[ConfiguredFeed]: ...
    @property
    def recheck(self) -> RecheckSettings: ...


@dataclass(frozen=True)
class DueWork:
    """The selected feeds, those due now, the articles owed to them and the re-checks due."""

    selected: list[FeedState]
    due: list[FeedState]
    pending: list[PendingUrl]
    rechecks: list[RecheckTarget]

    @property
    def nothing(self) -> bool:
        return not (self.due or self.pending or self.rechecks)

    @property
    def extracts_pages(self) -> bool:
        """Pages are all but sure to be extracted: articles owed, a re-check due, or a due feed
        never read before (its first poll finds every entry new). A feed read before may well
        answer 304 or list nothing new, so it alone does not start the extraction workers early."""
        return bool(self.pending or self.rechecks or any(feed.last_success_at is None for feed in self.due))


def feeds_to_poll(
    store: DueReads, config: DueSettings, names: Sequence[str], now: datetime
) -> tuple[list[FeedState], list[FeedState]]:
    """(the selected feeds, those polled now): the named feeds, else every enabled one.

    The feeds table is brought in line with the configuration first. A feed is polled when it
    is due (``FeedState.is_due``); a feed named on the command line is due now.
    """
    store.sync_feeds(config.feeds, now)
    selected = list(names) or [feed.name for feed in config.feeds if feed.enabled]
    states = store.feeds(selected)
    return states, [feed for feed in states if feed.is_due(now, named=bool(names))]


def pending_articles(store: DueReads, feeds: list[FeedState]) -> list[PendingUrl]:
    """Articles a crashed or interrupted cycle still owes these feeds (see Store.record_poll)."""
    return store.pending_urls([feed.id for feed in feeds])


def due_rechecks(
    store: DueReads, config: DueSettings, named: bool, now: datetime, limit: int | None = None
) -> list[RecheckTarget]:
    """Stored articles to look at again for edits; none in a cycle over named feeds only."""
    recheck = config.recheck
    if not recheck.enabled or named:
        return []
    return store.due_for_recheck(now, recheck.max_per_cycle if limit is None else limit)


def due_work(store: DueReads, config: DueSettings, names: Sequence[str], now: datetime) -> DueWork:
    """Everything a cycle over these feeds would do now (at most one re-check is looked up)."""
    selected, due = feeds_to_poll(store, config, names, now)
    return DueWork(
        selected, due, pending_articles(store, selected), due_rechecks(store, config, bool(names), now, 1)
    )
