"""Translate the user's configuration into Scrapy settings."""

from __future__ import annotations

import sys
from typing import Any

from scrapy.settings import BaseSettings

from crawler.config import Config, ConfigError, load_config, load_topic


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
    """Load the configured file (and, for a crawl that scores articles, its topic) and apply it
    to `settings`; a bad file exits with status 2 before the crawl starts."""
    try:
        config = load_config(settings.get("NEWSWATCH_CONFIG"))
        if with_topic:
            load_topic(config)
    except ConfigError as exc:
        print(f"newswatch: configuration error:\n{exc}", file=sys.stderr)
        raise SystemExit(2) from None
    settings.setdict(settings_from_config(config), priority="spider")
    return config
