"""Pipeline stage 1: analyse each page in the worker pool, off the reactor thread.

One call in a worker does everything CPU-heavy about a page (``crawler.pages.analysis``):
decode, extract the article, hash its text, sign it for near-duplicates, score it against the
topic and find its facts. The crawling process only waits for the result.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
from typing import NoReturn

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from crawler.core.errors import ExtractionError, Reason
from crawler.cycle.item import ArticleItem
from crawler.cycle.responses import PENDING_META, RECHECK_META
from crawler.cycle.runtime import CycleRuntime, runtime_for
from crawler.pages.analysis import AnalysedPage, analyse_page, name_worker_topic
from crawler.pages.pool import ExtractionPool


class PageAnalysisPipeline:
    """Send each page to the extraction pool; a page that yields no article is the ledger's to record."""

    def __init__(self, runtime: CycleRuntime) -> None:
        self.runtime = runtime
        self.topic_path = runtime.config.topic_path
        self.pool: ExtractionPool | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PageAnalysisPipeline:
        pipeline = cls(runtime_for(crawler))
        crawler.signals.connect(pipeline.request_scheduled, signal=signals.request_scheduled)
        return pipeline

    def _start_pool(self) -> ExtractionPool:
        """Started with the first article request: a cycle where every feed answered 304 never
        starts workers, and the workers import while the first pages download."""
        settings = self.runtime.config.extraction
        name_worker_topic(self.topic_path)
        # A spider may size the pool to its work: a host-filtered backfill needs one worker, and
        # recycles it sooner than configured (never later).
        spider = self.runtime.crawler.spider
        workers = getattr(spider, "extraction_workers", None) or settings.workers
        max_tasks = getattr(spider, "extraction_max_tasks_per_worker", None) or settings.max_tasks_per_worker
        return ExtractionPool(
            workers=workers,
            deadline_seconds=settings.deadline,
            max_input_chars=self.runtime.config.crawl.page_max_bytes,
            max_tasks_per_worker=min(max_tasks, settings.max_tasks_per_worker),
            target=functools.partial(
                analyse_page,
                topic_path=str(self.topic_path),
                threshold=self.runtime.config.relevance.threshold,
            ),
        )

    def open_spider(self) -> None:
        if self.runtime.config.extraction.start == "eager":
            self.pool = self._start_pool()

    def request_scheduled(self, request: Request) -> None:
        if self.pool is None and (PENDING_META in request.meta or RECHECK_META in request.meta):
            self.pool = self._start_pool()

    def close_spider(self) -> None:
        if self.pool is not None:
            self.pool.close()

    async def process_item(self, item: ArticleItem) -> ArticleItem:
        if self.pool is None:
            self.pool = self._start_pool()
        assert item.page is not None
        page = item.page
        if item.dropped_if_off_topic:
            page = dataclasses.replace(page, dropped_if_off_topic=True)
        try:
            analysed: AnalysedPage = await asyncio.wrap_future(self.pool.submit(page, item.url))
        except ExtractionError as exc:
            await self._give_up(item, exc.reason, str(exc) or type(exc).__name__)
        if analysed.article is None or not analysed.article.text.strip():
            await self._give_up(item, Reason.NO_TEXT, "the extractor found no article text")
        item.extracted = analysed.article
        item.content_hash, item.signature = analysed.content_hash, analysed.signature
        item.relevance, item.facts = analysed.relevance, analysed.facts
        item.detected_language = analysed.detected_language
        item.page = None  # the page is no longer needed; free it before the next stages
        return item

    async def _give_up(self, item: ArticleItem, reason: Reason, detail: str) -> NoReturn:
        """Report the failure (in a thread: never a database wait on the reactor) and drop the item."""
        await asyncio.to_thread(self.runtime.ledger.item_failed, item, reason, detail)
        raise DropItem(f"{'re-check ' if item.recheck else ''}{reason}: {detail}")
