"""Run the discover spider once and return what it found."""

from __future__ import annotations

from pathlib import Path

from scrapy.crawler import CrawlerProcess

from crawler.cycle import crawl_settings
from crawler.discovery import DiscoveredSource
from spiders.discover import DiscoverSpider


def discover_sources(config_path: Path, url: str) -> list[DiscoveredSource]:
    """Feeds first, then sitemaps, each in the order found."""
    process = CrawlerProcess(
        crawl_settings(config_path, trigger="discover", progress=False, log_level="ERROR")
    )
    crawler = process.create_crawler(DiscoverSpider)
    process.crawl(crawler, url=url)
    process.start()
    spider = crawler.spider
    assert isinstance(spider, DiscoverSpider)
    found = list(spider.found.values())
    return [s for s in found if s.type == "feed"] + [s for s in found if s.type != "feed"]
