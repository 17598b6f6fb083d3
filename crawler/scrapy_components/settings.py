"""Scrapy settings for newswatch: the defaults (``scrapy.cfg`` names this module) and those that
follow from the configuration file.

Scrapy reads the upper-case names of this module as project settings. Values that users tune
live in ``config/newswatch.yaml``; each spider copies them over these defaults at start
(:func:`apply_config`). Settings of our own use the ``NEWSWATCH_`` prefix.
"""

from __future__ import annotations

import sys
from typing import Any

from scrapy.settings import BaseSettings, default_settings

from crawler.core.config import Config, load_config
from crawler.core.errors import ConfigError
from crawler.topic.topic_check import check_topic

BOT_NAME = "newswatch"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"

TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
# The private-address guard checks the very answers connections use (DNS rebinding).
TWISTED_DNS_RESOLVER = "crawler.scrapy_components.guarded_resolver.GuardedResolver"

# Which configuration file a crawl reads; `newswatch --config` and $NEWSWATCH_CONFIG set it.
NEWSWATCH_CONFIG = None
# Who started the cycle, recorded in the runs table: cli, daemon or scrapy.
NEWSWATCH_TRIGGER = "scrapy"
# Live progress on a terminal (the CLI turns it on when stderr is a TTY).
NEWSWATCH_PROGRESS_ENABLED = False

ROBOTSTXT_OBEY = True
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
# Scrapy 2.19 starts an HTTP server on localhost that runs Python code sent to it (token
# protected). An unattended crawler has no use for it.
REMOTE_CONTROL_ENABLED = False
# Scrapy imports every class its *_BASE lists name, switched off or not, to compare entries:
# RemoteControl's module imports aiohttp and CookiesMiddleware's tldextract (with requests and
# filelock), together ~0.2 s of CPU in every cycle for two components that are off. So both
# are left out of Scrapy's own lists, which are otherwise kept as they are.
EXTENSIONS_BASE = {
    path: order
    for path, order in default_settings.EXTENSIONS_BASE.items()
    if path != "scrapy.extensions.remote_control.RemoteControl"
}
DOWNLOADER_MIDDLEWARES_BASE = {
    path: order
    for path, order in default_settings.DOWNLOADER_MIDDLEWARES_BASE.items()
    if path != "scrapy.downloadermiddlewares.cookies.CookiesMiddleware"
}
# The store, not Scrapy, remembers what was seen; no JOBDIR, no HTTP cache.
HTTPCACHE_ENABLED = False

# Only http(s) is ever fetched: switch the other handlers off.
DOWNLOAD_HANDLERS = {"file": None, "data": None, "ftp": None, "s3": None}

AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.5
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0

# Scrapy starts this many asyncio tasks for every callback's output; an article callback
# yields one item, so the default of 100 costs ~40k idle tasks per 400 pages.
CONCURRENT_ITEMS = 16

# The pipeline, in order: analyse each page in the worker pool (extract, hash, sign, score,
# find facts), drop what is off-topic, adopt the page's declared canonical URL, store.
ITEM_PIPELINES = {
    "pipelines.page_analysis.PageAnalysisPipeline": 100,
    "pipelines.off_topic.OffTopicPipeline": 200,
    "pipelines.declared_canonical.DeclaredCanonicalPipeline": 300,
    "pipelines.store.StorePipeline": 400,
}

DOWNLOADER_MIDDLEWARES = {
    # A backfill's archived pages are answered from the archive, before anything is resolved.
    "crawler.scrapy_components.archive_replay.ArchiveReplayMiddleware": 40,
    "crawler.scrapy_components.address_guard.PrivateAddressGuardMiddleware": 50,
    # Scrapy's robots.txt policy, with each origin's robots.txt kept in the store for a day.
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawler.scrapy_components.robots_cache.StoredRobotsTxtMiddleware": 100,
    # After RetryMiddleware (550) in the response path, so it sees 429/503 before a retry.
    "crawler.scrapy_components.host_backoff.HostBackoffMiddleware": 560,
    # Scrapy's meta-refresh redirects, without decoding the whole page to read its head.
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "crawler.scrapy_components.meta_refresh.HeadMetaRefreshMiddleware": 580,
    # Before Scrapy's HttpCompressionMiddleware (590) decompresses leniently: a cut gzip is data-loss.
    "crawler.scrapy_components.truncated_body.TruncatedBodyMiddleware": 595,
}

SPIDER_MIDDLEWARES = {
    # It only stamps a depth on every request and counts it (DEPTH_LIMIT is 0): the feeds
    # spider bounds sitemap nesting itself (DEPTH_META), and the stamp cost ~3 % of the
    # crawling process's CPU in a 300-article cycle.
    "scrapy.spidermiddlewares.depth.DepthMiddleware": None,
}

# 429 and 503 are not retried at once: Retry-After is honoured per host (HostBackoffMiddleware)
# and the URL stays pending for the next cycle.
RETRY_HTTP_CODES = [500, 502, 504, 522, 524, 408]

EXTENSIONS = {
    "crawler.scrapy_components.cycle_record.CycleRecordExtension": 0,
    "crawler.scrapy_components.progress.ProgressExtension": 10,
    "crawler.scrapy_components.size_guard.SizeGuardExtension": 20,
}

LOG_LEVEL = "INFO"
# Scrapy reads ten packages' metadata at start to log their versions at INFO; a cycle logs
# at WARNING (`-v`: DEBUG, which the crawl's own lines already fill), and the reads cost ~0.1 s.
LOG_VERSIONS: list[str] = []
LOG_FORMATTER = "crawler.scrapy_components.log_formatter.QuietDropLogFormatter"


def settings_from_config(config: Config) -> dict[str, Any]:
    """Scrapy settings that follow from config/newswatch.yaml."""
    crawl = config.crawl
    return {
        "USER_AGENT": crawl.user_agent,
        "ROBOTSTXT_OBEY": crawl.obey_robots_txt,
        "CONCURRENT_REQUESTS": crawl.concurrent_requests,
        "CONCURRENT_REQUESTS_PER_DOMAIN": crawl.concurrent_requests_per_host,
        "DOWNLOAD_DELAY": crawl.download_delay,
        "AUTOTHROTTLE_ENABLED": crawl.autothrottle,
        "AUTOTHROTTLE_START_DELAY": max(crawl.download_delay, 0.1),
        "DOWNLOAD_TIMEOUT": crawl.download_timeout,
        "RETRY_TIMES": crawl.retry_times,
        "REDIRECT_MAX_TIMES": crawl.max_redirects,
        "METAREFRESH_MAXDELAY": 100,
        # Scrapy applies this after decompression too; the larger of the two caps, and each
        # request narrows it with download_maxsize in its meta.
        "DOWNLOAD_MAXSIZE": max(crawl.feed_max_bytes, crawl.page_max_bytes),
        "DOWNLOAD_WARNSIZE": 0,
        "CLOSESPIDER_TIMEOUT": crawl.cycle_time_limit,
        "NEWSWATCH_ADDRESS_GUARD_ENABLED": not crawl.allow_private_addresses,
    }


def apply_config(settings: BaseSettings, *, with_topic: bool = False) -> Config:
    """Load the configured file (and, for a crawl that scores articles, check its topic) and
    apply it to `settings`; a bad file exits with status 2 before the crawl starts. The check
    is the CLI's (kept per content): the topic itself is compiled with the first article."""
    try:
        config = load_config(settings.get("NEWSWATCH_CONFIG"))
        if with_topic:
            check_topic(config)
    except ConfigError as exc:
        print(f"newswatch: configuration error:\n{exc}", file=sys.stderr)
        raise SystemExit(2) from None
    settings.setdict(settings_from_config(config), priority="spider")
    return config
