"""Scrapy extension: one `runs` row per cycle, opened with the spider and closed with its counts."""

from __future__ import annotations

import logging

from scrapy import Spider, signals
from scrapy.crawler import Crawler

from crawler.clock import utcnow
from crawler.runtime import CycleRuntime, runtime_for

logger = logging.getLogger(__name__)


class RunRecorder:
    """Write the run row at the start and finish of every crawl, however it was started."""

    def __init__(self, runtime: CycleRuntime, trigger: str) -> None:
        self.runtime = runtime
        self.trigger = trigger

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunRecorder:
        recorder = cls(runtime_for(crawler), crawler.settings.get("NEWSWATCH_TRIGGER", "scrapy"))
        crawler.signals.connect(recorder.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(recorder.spider_closed, signal=signals.spider_closed)
        return recorder

    def spider_opened(self, spider: Spider) -> None:
        self.runtime.run_id = self.runtime.store.start_run(self.trigger, utcnow())
        assert self.runtime.crawler.stats is not None
        self.runtime.crawler.stats.set_value("newswatch/run_id", self.runtime.run_id)
        logger.info("cycle %s started (%s)", self.runtime.run_id, self.trigger)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.runtime.run_id is None:
            return
        status = "finished" if reason == "finished" else "stopped"
        counts = self.runtime.counts()
        self.runtime.store.finish_run(self.runtime.run_id, counts, status, reason, utcnow())
        logger.info(
            "cycle %s %s: %d feeds polled, %d not modified, %d new articles, %d duplicates, %d failures",
            self.runtime.run_id,
            reason,
            counts.feeds_polled,
            counts.feeds_not_modified,
            counts.articles_new,
            counts.articles_duplicate,
            sum(counts.failures.values()),
        )
        self.runtime.store.close()
