"""Scrapy extension: show what a cycle is doing while it runs.

On a terminal (the CLI enables it when stderr is a TTY) a single live line; elsewhere a log
line every minute, so a cron log still shows a long cycle moving.
"""

from __future__ import annotations

import logging
import sys

from rich.console import Console
from rich.status import Status
from scrapy import signals
from scrapy.crawler import Crawler
from twisted.internet import task

from crawler.cycle.runtime import counts_from_stats

logger = logging.getLogger(__name__)


class ProgressExtension:
    """Periodic progress from the cycle's counters."""

    def __init__(self, crawler: Crawler, live: bool) -> None:
        self.crawler = crawler
        self.live = live
        self.status: Status | None = None
        self.loop = task.LoopingCall(self.report)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ProgressExtension:
        extension = cls(crawler, crawler.settings.getbool("NEWSWATCH_PROGRESS_ENABLED"))
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self) -> None:
        if self.live:
            self.status = Status("starting cycle…", console=Console(file=sys.stderr))
            self.status.start()
        self.loop.start(0.5 if self.live else 60.0, now=False)

    def spider_closed(self) -> None:
        if self.loop.running:
            self.loop.stop()
        if self.status is not None:
            self.status.stop()

    def line(self) -> str:
        spider_line = getattr(self.crawler.spider, "progress_line", None)
        if callable(spider_line):  # a backfill counts records and bytes, not feeds
            return str(spider_line())
        assert self.crawler.stats is not None
        counts = counts_from_stats(self.crawler.stats.get_stats())
        done = (
            counts.articles_new
            + counts.articles_duplicate
            + counts.articles_irrelevant
            + counts.articles_failed
        )
        return (
            f"feeds {counts.feeds_polled}/{counts.feeds_due} polled · "
            f"articles {done}/{counts.articles_requested} done · {counts.articles_new} new · "
            f"{counts.articles_duplicate} duplicates · {sum(counts.failures.values())} failures"
        )

    def report(self) -> None:
        if self.status is not None:
            self.status.update(self.line())
        else:
            logger.info("progress: %s", self.line())
