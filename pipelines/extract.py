"""Pipeline stage 1: extract text and metadata in the worker pool, off the reactor thread."""

from __future__ import annotations

import asyncio
from typing import NoReturn

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from crawler.clock import utcnow
from crawler.extract_pool import ExtractionError, ExtractionPool
from crawler.items import ArticleItem
from crawler.recheck import next_recheck
from crawler.runtime import CycleRuntime, runtime_for


class ExtractPipeline:
    """Send each page to the extraction pool; failures are typed and the URL is not retried."""

    def __init__(self, runtime: CycleRuntime) -> None:
        self.runtime = runtime
        self.pool: ExtractionPool | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ExtractPipeline:
        return cls(runtime_for(crawler))

    def _start_pool(self) -> ExtractionPool:
        """On the first page: a cycle where every feed answered 304 never starts workers."""
        settings = self.runtime.config.extraction
        return ExtractionPool(
            workers=settings.workers,
            deadline_seconds=settings.deadline,
            max_input_chars=self.runtime.config.crawl.page_max_bytes,
            max_tasks_per_worker=settings.max_tasks_per_worker,
        )

    def close_spider(self) -> None:
        if self.pool is not None:
            self.pool.close()

    async def process_item(self, item: ArticleItem) -> ArticleItem:
        if self.pool is None:
            self.pool = self._start_pool()
        try:
            extracted = await asyncio.wrap_future(self.pool.submit(item.html, item.url))
        except ExtractionError as exc:
            self._give_up(item, exc.reason, str(exc) or type(exc).__name__)
        if extracted is None or not extracted.text.strip():
            self._give_up(item, "no-text", "the extractor found no article text")
        item.extracted = extracted
        item.html = ""  # the page is no longer needed; free it before the next stages
        return item

    def _give_up(self, item: ArticleItem, reason: str, detail: str) -> NoReturn:
        self.runtime.fail(item.feed_id, item.url, reason, detail)
        if item.recheck is not None:  # the stored version stands; look again later
            self.runtime.store.postpone_recheck(
                item.recheck.article_id, next_recheck(self.runtime.config, item.recheck)
            )
            raise DropItem(f"re-check {reason}: {detail}")
        self.runtime.count("articles_failed")
        self.runtime.store.fail_url(
            item.frontier_url or item.canonical_url, reason, detail, utcnow(), permanent=True, max_attempts=1
        )
        raise DropItem(f"{reason}: {detail}")
