"""Pipeline stage 4: store the article in one transaction, in a thread: the reactor never waits on a lock.

The store links an exact copy (same content hash) or a near-duplicate (MinHash) to the first
original in the same transaction; a re-checked article becomes a new version if it changed.
"""

from __future__ import annotations

import asyncio

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from sqlalchemy.exc import OperationalError

from crawler.cycle.item import ArticleItem
from crawler.cycle.runtime import CycleRuntime, runtime_for


class StorePipeline:
    """Store new articles and new versions of re-checked ones; stop the cycle if the store gives out."""

    def __init__(self, runtime: CycleRuntime) -> None:
        self.runtime = runtime

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        return cls(runtime_for(crawler))

    async def process_item(self, item: ArticleItem) -> ArticleItem:
        ledger = self.runtime.ledger
        try:
            if item.recheck is not None:
                await asyncio.to_thread(ledger.store_recheck, item)
            else:
                await asyncio.to_thread(ledger.store_article, item)
        except OperationalError as exc:
            # Disk full, read-only file, server gone: stop the cycle cleanly. The URL is still
            # pending in the store (or the store is unreachable), so the next cycle resumes it.
            self.runtime.stop_for_store(exc)
            raise DropItem(f"store unavailable: {exc.orig}") from None
        return item
