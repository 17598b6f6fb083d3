"""The discover spider: what feeds and sitemaps does a site offer? (`newswatch feeds discover URL`).

It fetches the page, the site's robots.txt and the usual feed and sitemap paths, and keeps
what parses as a feed or sitemap. The same downloader safety applies as for a cycle.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.http import Response, TextResponse
from scrapy.settings import BaseSettings

from crawler.cycle.responses import headers
from crawler.scrapy_components.settings import apply_config
from crawler.scrapy_components.size_guard import SizeGuardExtension
from crawler.sources.discovery import (
    DiscoveredSource,
    classify_response,
    common_source_candidates,
    feed_links_in_html,
)
from crawler.sources.sitemaps import sitemaps_from_robots

MAX_CANDIDATES = 40


class DiscoverSpider(Spider):
    """Collect the feeds and sitemaps of one site into `self.found`."""

    name = "discover"

    def __init__(self, url: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.url = url
        parts = urlsplit(url)
        self.site = f"{parts.scheme}://{parts.netloc}"
        self.found: dict[str, DiscoveredSource] = {}
        self.checked: set[str] = set()

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        super().update_settings(settings)
        apply_config(settings)
        settings.set("ITEM_PIPELINES", {}, priority="spider")
        settings.set("EXTENSIONS", {SizeGuardExtension: 20}, priority="spider")
        settings.set("ROBOTSTXT_OBEY", False, priority="spider")  # robots.txt is itself read here

    async def start(self) -> AsyncIterator[Request]:
        yield Request(self.url, callback=self.parse_page, errback=self.ignore, dont_filter=True)
        yield Request(self.site + "/robots.txt", callback=self.parse_robots, errback=self.ignore)
        for candidate in common_source_candidates(self.site):
            yield self._check(candidate.url)

    def _check(self, url: str) -> Request:
        self.checked.add(url)
        return Request(
            url, callback=self.parse_candidate, errback=self.ignore, meta={"download_maxsize": 5_000_000}
        )

    def parse_page(self, response: Response) -> Any:
        if not isinstance(response, TextResponse):
            return
        for source in feed_links_in_html(response.text, response.url):
            if source.url not in self.checked and len(self.checked) < MAX_CANDIDATES:
                yield self._check(source.url)

    def parse_robots(self, response: Response) -> Any:
        for url in sitemaps_from_robots(response.body)[:10]:
            if url not in self.checked:
                yield self._check(url)

    def parse_candidate(self, response: Response) -> None:
        source = classify_response(response.body, response.url, headers(response))
        if source is not None:
            self.found.setdefault(source.url, source)

    def ignore(self, failure: Any) -> None:
        """A candidate that does not answer is simply not offered."""
