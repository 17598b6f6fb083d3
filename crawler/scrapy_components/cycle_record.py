"""Scrapy extension: one `runs` row per cycle, opened with the spider and closed with its counts."""

from __future__ import annotations

import logging

from scrapy import Spider, signals
from scrapy.crawler import Crawler

from crawler.core.clock import utcnow
from crawler.core.worker import outlives_cycle, worker_id
from crawler.cycle.runtime import CYCLE_ID_STAT, CycleRuntime, runtime_for

logger = logging.getLogger(__name__)


class CycleRecordExtension:
    """Write the cycle's row at the start and finish of every crawl, however it was started."""

    def __init__(self, runtime: CycleRuntime, trigger: str) -> None:
        self.runtime = runtime
        self.trigger = trigger

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CycleRecordExtension:
        extension = cls(runtime_for(crawler), crawler.settings.get("NEWSWATCH_TRIGGER", "scrapy"))
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider: Spider) -> None:
        self.runtime.cycle_id = self.runtime.store.start_cycle(self.trigger, utcnow(), worker_id())
        assert self.runtime.crawler.stats is not None
        self.runtime.crawler.stats.set_value(CYCLE_ID_STAT, self.runtime.cycle_id)
        logger.info("cycle %s started (%s)", self.runtime.cycle_id, self.trigger)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.runtime.cycle_id is None:
            return
        status = "finished" if reason == "finished" else "stopped"
        if self.runtime.host_share is not None:
            self.runtime.host_share.close(stopped=not outlives_cycle())
        counts = self.runtime.counts()
        self.runtime.store.finish_cycle(self.runtime.cycle_id, counts, status, reason, utcnow())
        logger.info(
            "cycle %s %s: %d feeds polled, %d not modified, %d new articles, %d duplicates, %d failures",
            self.runtime.cycle_id,
            reason,
            counts.feeds_polled,
            counts.feeds_not_modified,
            counts.articles_new,
            counts.articles_duplicate,
            sum(counts.failures.values()),
        )
        self.runtime.store.close()
