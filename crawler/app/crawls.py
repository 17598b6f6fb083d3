"""Start a crawl from Python: the cycle (the same crawl `scrapy crawl feeds` runs) or a discovery.

Spiders are named, not imported: Scrapy's spider loader finds them in ``SPIDER_MODULES``, so
nothing in ``crawler`` imports the ``spiders`` package (the dependency runs the other way).
Twisted's reactor cannot restart, so each function runs one crawl per process.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from crawler.app.collector import collector_paused
from crawler.core.secrets import mask_logged_secrets
from crawler.cycle.runtime import CYCLE_ID_STAT
from crawler.scrapy_components.deprecated_names import load_http_handler
from crawler.sources.archives import BackfillPlan
from crawler.sources.discovery import DiscoveredSource

SETTINGS_MODULE = "crawler.scrapy_components.settings"
FEEDS_SPIDER = "feeds"  # spiders.feeds.FeedsSpider.name
DISCOVER_SPIDER = "discover"  # spiders.discover.DiscoverSpider.name
BACKFILL_SPIDER = "backfill"  # spiders.backfill.BackfillSpider.name


def crawl_settings(config_path: Path, trigger: str, progress: bool, log_level: str) -> Settings:
    """Project settings without relying on the working directory's scrapy.cfg."""
    load_http_handler()
    settings = Settings()
    settings.setmodule(SETTINGS_MODULE, priority="project")
    settings.set("NEWSWATCH_CONFIG", str(config_path), priority="cmdline")
    settings.set("NEWSWATCH_TRIGGER", trigger, priority="cmdline")
    settings.set("NEWSWATCH_PROGRESS_ENABLED", progress, priority="cmdline")
    settings.set("LOG_LEVEL", log_level, priority="cmdline")
    return settings


def run_reactor(process: CrawlerProcess) -> None:
    """Run the crawl already handed to `process` until it closes."""
    # What is loaded and built by now (Scrapy, Twisted, SQLAlchemy, the configuration, the
    # spider and its components) lives until the process exits. Frozen, the collector does
    # not walk it again in each of its passes (in a cycle of 500 304s the collector took about
    # a third of the CPU; README "What a cycle costs").
    gc.freeze()  # (this also zeroes the young generation's count: no catch-up collection)
    process.start()


def run_cycle(
    config_path: Path,
    feed_names: Sequence[str] = (),
    *,
    trigger: str = "cli",
    progress: bool = False,
    log_level: str = "WARNING",
    extra_settings: Mapping[str, Any] | None = None,
) -> int | None:
    """Crawl once and return the id of the cycle's `runs` row (None if the crawl never opened).

    ``extra_settings`` (tests: a scripted DNS upstream) go over the project's at cmdline priority."""
    with collector_paused():  # Scrapy's components load and the crawl is built: all of it kept
        settings = crawl_settings(config_path, trigger, progress, log_level)
        settings.setdict(dict(extra_settings or {}), priority="cmdline")
        process = CrawlerProcess(settings)
        mask_logged_secrets()
        if log_level != "DEBUG":
            # Every given-up download is a typed failure in the cycle summary; one ERROR line
            # each from Scrapy's retry middleware would only repeat it.
            # The same for robots.txt fetches that fail: the request behind them fails typed too.
            for name in (
                "scrapy.downloadermiddlewares.retry",
                "scrapy.downloadermiddlewares.robotstxt",
                "crawler.scrapy_components.robots_cache",
            ):
                logging.getLogger(name).setLevel(logging.CRITICAL)
        crawler = process.create_crawler(FEEDS_SPIDER)
        process.crawl(crawler, feed=list(feed_names))
    run_reactor(process)
    assert crawler.stats is not None
    cycle_id = crawler.stats.get_value(CYCLE_ID_STAT)
    return int(cycle_id) if cycle_id is not None else None


def run_backfill(config_path: Path, plan: BackfillPlan, *, progress: bool, log_level: str) -> int | None:
    """Read the plan's archives through the cycle's pipeline; the id of its `runs` row."""
    settings = crawl_settings(config_path, trigger="backfill", progress=progress, log_level=log_level)
    process = CrawlerProcess(settings)
    if log_level != "DEBUG":
        logging.getLogger("scrapy.downloadermiddlewares.retry").setLevel(logging.CRITICAL)
    crawler = process.create_crawler(BACKFILL_SPIDER)
    process.crawl(crawler, plan=plan)
    run_reactor(process)
    assert crawler.stats is not None
    cycle_id = crawler.stats.get_value(CYCLE_ID_STAT)
    return int(cycle_id) if cycle_id is not None else None


def discover_sources(config_path: Path, url: str) -> list[DiscoveredSource]:
    """The feeds and sitemaps a site offers: feeds first, then sitemaps, each in the order found."""
    process = CrawlerProcess(
        crawl_settings(config_path, trigger="discover", progress=False, log_level="ERROR")
    )
    mask_logged_secrets()
    crawler = process.create_crawler(DISCOVER_SPIDER)
    process.crawl(crawler, url=url)
    run_reactor(process)
    found: dict[str, DiscoveredSource] = getattr(crawler.spider, "found", {})
    sources = list(found.values())
    return [s for s in sources if s.type == "feed"] + [s for s in sources if s.type != "feed"]
