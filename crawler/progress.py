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

from crawler.runtime import STAT_PREFIX

logger = logging.getLogger(__name__)


class ProgressReporter:
    """Periodic progress from the run's counters."""

    def __init__(self, crawler: Crawler, live: bool) -> None:
        self.crawler = crawler
        self.live = live
        self.status: Status | None = None
        self.loop = task.LoopingCall(self.report)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ProgressReporter:
        reporter = cls(crawler, crawler.settings.getbool("NEWSWATCH_PROGRESS_ENABLED"))
        crawler.signals.connect(reporter.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(reporter.spider_closed, signal=signals.spider_closed)
        return reporter

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
        assert self.crawler.stats is not None
        stats = self.crawler.stats.get_stats()

        def value(key: str) -> int:
            return int(stats.get(STAT_PREFIX + key, 0))

        failures = sum(int(v) for k, v in stats.items() if k.startswith(STAT_PREFIX + "failures/"))
        done = value("articles_new") + value("articles_duplicate") + value("articles_irrelevant")
        done += value("articles_failed")
        return (
            f"feeds {value('feeds_polled')}/{value('feeds_due')} polled · "
            f"articles {done}/{value('articles_requested')} done · {value('articles_new')} new · "
            f"{value('articles_duplicate')} duplicates · {failures} failures"
        )

    def report(self) -> None:
        if self.status is not None:
            self.status.update(self.line())
        else:
            logger.info("progress: %s", self.line())
