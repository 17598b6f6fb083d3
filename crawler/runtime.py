"""What the spider, pipelines and extensions of one crawl share: config, store, run id, counters."""

from __future__ import annotations

import asyncio
import logging
import threading
import weakref

from scrapy.crawler import Crawler

from crawler.clock import utcnow
from crawler.config import Config, load_config
from crawler.neardup import Thresholds
from crawler.store import RunCounts, Store

logger = logging.getLogger(__name__)
STAT_PREFIX = "newswatch/"
_runtimes: weakref.WeakKeyDictionary[Crawler, CycleRuntime] = weakref.WeakKeyDictionary()


class CycleRuntime:
    """One cycle's shared state; obtain it with :func:`runtime_for`."""

    def __init__(self, crawler: Crawler, config: Config, store: Store) -> None:
        self.crawler = crawler
        self.config = config
        self.store = store
        self.run_id: int | None = None
        self._stopping = False
        self._closing: asyncio.Future[None] | None = None
        self._count_lock = threading.Lock()  # spider work runs in threads; increments must not be lost

    def count(self, key: str, amount: int = 1) -> None:
        assert self.crawler.stats is not None
        with self._count_lock:
            self.crawler.stats.inc_value(STAT_PREFIX + key, amount)

    def fail(self, feed_id: int | None, url: str, reason: str, detail: str) -> None:
        """Record a typed failure against its feed and URL; the cycle goes on."""
        logger.info("%s: %s (%s)", reason, url[:300], detail[:300])  # the run summary shows them all
        self.count(f"failures/{reason}")
        self.store.record_failure(self.run_id, feed_id, url, reason, detail, utcnow())

    def stop_for_store(self, error: Exception) -> None:
        """Close the crawl once when the database stops taking writes."""
        if self._stopping:
            return
        self._stopping = True
        logger.error("the store is unavailable (%s); stopping this cycle", getattr(error, "orig", error))
        assert self.crawler.engine is not None
        # Called on the reactor thread (a pipeline after its await), where the asyncio loop runs.
        self._closing = asyncio.ensure_future(
            self.crawler.engine.close_spider_async(reason="store-unavailable")
        )

    def counts(self) -> RunCounts:
        """The run's counters, read back from Scrapy's stats."""
        assert self.crawler.stats is not None
        stats = self.crawler.stats.get_stats()
        counts = RunCounts()
        for name in RunCounts.__dataclass_fields__:
            if name != "failures":
                setattr(counts, name, int(stats.get(STAT_PREFIX + name, 0)))
        prefix = STAT_PREFIX + "failures/"
        counts.failures = {
            key[len(prefix) :]: int(value) for key, value in stats.items() if key.startswith(prefix)
        }
        return counts


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
