"""Run one cycle: the same Scrapy crawl `scrapy crawl feeds` runs, started from Python."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from spiders.feeds import FeedsSpider


def crawl_settings(config_path: Path, trigger: str, progress: bool, log_level: str) -> Settings:
    """Project settings without relying on the working directory's scrapy.cfg."""
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.set("NEWSWATCH_CONFIG", str(config_path), priority="cmdline")
    settings.set("NEWSWATCH_TRIGGER", trigger, priority="cmdline")
    settings.set("NEWSWATCH_PROGRESS_ENABLED", progress, priority="cmdline")
    settings.set("LOG_LEVEL", log_level, priority="cmdline")
    return settings


def run_cycle(
    config_path: Path,
    feed_names: Sequence[str] = (),
    *,
    trigger: str = "cli",
    progress: bool = False,
    log_level: str = "WARNING",
) -> int | None:
    """Crawl once and return the id of the run row it wrote (None if the crawl never opened)."""
    process = CrawlerProcess(crawl_settings(config_path, trigger, progress, log_level))
    if log_level != "DEBUG":
        # Every given-up download is a typed failure in the run summary; one ERROR line each
        # from Scrapy's retry middleware would only repeat it.
        # The same for robots.txt fetches that fail: the request behind them fails typed too.
        for name in ("scrapy.downloadermiddlewares.retry", "scrapy.downloadermiddlewares.robotstxt"):
            logging.getLogger(name).setLevel(logging.CRITICAL)
    crawler = process.create_crawler(FeedsSpider)
    process.crawl(crawler, feed=list(feed_names))
    process.start()
    assert crawler.stats is not None
    run_id = crawler.stats.get_value("newswatch/run_id")
    return int(run_id) if run_id is not None else None
