"""What the spider, pipelines and extensions of one crawl share: config, store, cycle id, counters."""

from __future__ import annotations

import asyncio
import logging
import threading
import weakref
from typing import Any

from scrapy.crawler import Crawler

from crawler.core.clock import utcnow
from crawler.core.config import Config, load_config
from crawler.core.errors import CycleCounter, Reason
from crawler.cycle.host_share import HostShare
from crawler.cycle.ledger import CycleLedger
from crawler.dedup.minhash import Thresholds
from crawler.store import CycleCounts, Store

logger = logging.getLogger(__name__)
STAT_PREFIX = "newswatch/"
FAILURE_STAT_PREFIX = STAT_PREFIX + "failures/"
CYCLE_ID_STAT = STAT_PREFIX + "cycle_id"
_runtimes: weakref.WeakKeyDictionary[Crawler, CycleRuntime] = weakref.WeakKeyDictionary()
# Why the store stopped taking writes, for the one line `newswatch run` ends with (one crawl per process).
store_errors: list[str] = []


class CycleRuntime:
    """One cycle's shared state and its ledger; obtain it with :func:`runtime_for`."""

    def __init__(self, crawler: Crawler, config: Config, store: Store) -> None:
        self.crawler = crawler
        self.config = config
        self.store = store
        self.cycle_id: int | None = None
        self.ledger = CycleLedger(self)
        # On a shared (PostgreSQL) store the cycle works host by host under leases.
        self.host_share = HostShare(self) if store.shared else None
        self._stopping = False
        self._closing: asyncio.Future[None] | None = None
        self._count_lock = threading.Lock()  # spider work runs in threads; increments must not be lost

    def count(self, counter: CycleCounter, amount: int = 1) -> None:
        self._increment(STAT_PREFIX + counter, amount)

    def fail(self, feed_id: int | None, url: str, reason: Reason, detail: str) -> None:
        """Record a typed failure against its feed and URL; the cycle goes on."""
        logger.info("%s: %s (%s)", reason, url[:300], detail[:300])  # the cycle summary shows them all
        self._increment(FAILURE_STAT_PREFIX + reason, 1)
        self.store.record_failure(self.cycle_id, feed_id, url, reason, detail, utcnow())

    def _increment(self, key: str, amount: int) -> None:
        assert self.crawler.stats is not None
        with self._count_lock:
            self.crawler.stats.inc_value(key, amount)

    def stop_for_store(self, error: Exception) -> None:
        """Close the crawl once when the database stops taking writes."""
        if self._stopping:
            return
        self._stopping = True
        store_errors.append(str(getattr(error, "orig", None) or error).strip().splitlines()[0][:300])
        logger.error("the store is unavailable (%s); stopping this cycle", getattr(error, "orig", error))
        assert self.crawler.engine is not None
        # Called on the reactor thread (a pipeline after its await), where the asyncio loop runs.
        self._closing = asyncio.ensure_future(
            self.crawler.engine.close_spider_async(reason="store-unavailable")
        )

    def counts(self) -> CycleCounts:
        """The cycle's counters, read back from Scrapy's stats."""
        assert self.crawler.stats is not None
        return counts_from_stats(self.crawler.stats.get_stats())


def counts_from_stats(stats: dict[str, Any]) -> CycleCounts:
    """CycleCounts from a crawl's stats (every CycleCounter, and the failures by reason)."""

    def value(key: str) -> int:
        return int(stats.get(key, 0))

    return CycleCounts(
        **{counter.value: value(STAT_PREFIX + counter) for counter in CycleCounter},
        failures={
            key.removeprefix(FAILURE_STAT_PREFIX): value(key)
            for key in stats
            if key.startswith(FAILURE_STAT_PREFIX)
        },
    )


def existing_runtime(crawler: Crawler) -> CycleRuntime | None:
    """The crawl's runtime if a cycle created one (a discovery crawl has none)."""
    return _runtimes.get(crawler)


def runtime_for(crawler: Crawler) -> CycleRuntime:
    """The crawl's runtime, created on first use (config loaded, store opened and migrated)."""
    runtime = _runtimes.get(crawler)
    if runtime is None:
        config = load_config(crawler.settings.get("NEWSWATCH_CONFIG"))
        store = Store.open(config.database_url)
        dedupe = config.dedupe
        store.near_duplicate_thresholds = (
            Thresholds(dedupe.min_containment, dedupe.min_jaccard) if dedupe.near_duplicates else None
        )
        runtime = CycleRuntime(crawler, config, store)
        _runtimes[crawler] = runtime
    return runtime
