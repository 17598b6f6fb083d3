"""Pipeline stage 1: extract text and metadata in the worker pool, off the reactor thread."""

from __future__ import annotations

import asyncio
import functools
from typing import NoReturn

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from crawler.clock import utcnow
from crawler.extract_pool import ExtractionError, ExtractionPool
from crawler.items import ArticleItem
from crawler.page_analysis import AnalysedPage, analyse_page
from crawler.recheck import next_recheck
from crawler.runtime import CycleRuntime, runtime_for


class ExtractPipeline:
    """Send each page to the extraction pool; failures are typed and the URL is not retried."""

    def __init__(self, runtime: CycleRuntime) -> None:
        self.runtime = runtime
        self.topic_path = runtime.config.topic_path
        self.pool: ExtractionPool | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ExtractPipeline:
        pipeline = cls(runtime_for(crawler))
        crawler.signals.connect(pipeline.request_scheduled, signal=signals.request_scheduled)
        return pipeline

    def _start_pool(self) -> ExtractionPool:
        """Started with the first article request: a cycle where every feed answered 304 never
        starts workers, and the workers import while the first pages download."""
        settings = self.runtime.config.extraction
        return ExtractionPool(
            workers=settings.workers,
            deadline_seconds=settings.deadline,
            max_input_chars=self.runtime.config.crawl.page_max_bytes,
            max_tasks_per_worker=settings.max_tasks_per_worker,
            target=functools.partial(
                analyse_page,
                topic_path=str(self.topic_path),
                threshold=self.runtime.config.relevance.threshold,
            ),
        )

    def request_scheduled(self, request: Request) -> None:
        if self.pool is None and ("newswatch_pending" in request.meta or "newswatch_recheck" in request.meta):
            self.pool = self._start_pool()

    def close_spider(self) -> None:
        if self.pool is not None:
            self.pool.close()

    async def process_item(self, item: ArticleItem) -> ArticleItem:
        if self.pool is None:
            self.pool = self._start_pool()
        assert item.page is not None
        try:
            analysed: AnalysedPage = await asyncio.wrap_future(self.pool.submit(item.page, item.url))
        except ExtractionError as exc:
            await self._give_up(item, exc.reason, str(exc) or type(exc).__name__)
        if analysed.article is None or not analysed.article.text.strip():
            await self._give_up(item, "no-text", "the extractor found no article text")
        item.extracted = analysed.article
        item.content_hash, item.fingerprint = analysed.content_hash, analysed.fingerprint
        item.relevance, item.signals = analysed.relevance, analysed.signals
        item.page = None  # the page is no longer needed; free it before the next stages
        return item

    async def _give_up(self, item: ArticleItem, reason: str, detail: str) -> NoReturn:
        """Record the failure (in a thread: never a database wait on the reactor) and drop the item."""
        await asyncio.to_thread(self._record_give_up, item, reason, detail)
        raise DropItem(f"{'re-check ' if item.recheck else ''}{reason}: {detail}")

    def _record_give_up(self, item: ArticleItem, reason: str, detail: str) -> None:
        self.runtime.fail(item.feed_id, item.url, reason, detail)
        if item.recheck is not None:  # the stored version stands; look again later
            self.runtime.store.postpone_recheck(
                item.recheck.article_id, next_recheck(self.runtime.config, item.recheck)
            )
            return
        self.runtime.count("articles_failed")
        self.runtime.store.fail_url(
            item.frontier_url or item.canonical_url, reason, detail, utcnow(), permanent=True, max_attempts=1
        )
