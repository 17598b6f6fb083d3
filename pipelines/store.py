"""Pipeline stage 4: write the article in one transaction, in a thread: the reactor never waits on a lock."""

from __future__ import annotations

import asyncio
from datetime import datetime

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from sqlalchemy.exc import OperationalError

from crawler.clock import utcnow
from crawler.edits import compare_versions
from crawler.items import ArticleItem
from crawler.recheck import next_recheck, next_recheck_after
from crawler.runtime import CycleRuntime, runtime_for
from crawler.store import ArticleRecord
from crawler.urls import site_of


class StorePipeline:
    """Store new articles; exact copies are linked to the first copy (duplicate_of)."""

    def __init__(self, runtime: CycleRuntime) -> None:
        self.runtime = runtime

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        return cls(runtime_for(crawler))

    async def process_item(self, item: ArticleItem) -> ArticleItem:
        try:
            if item.recheck is not None:
                await asyncio.to_thread(self._record_recheck, item)
            else:
                await asyncio.to_thread(self._save_new, item)
        except OperationalError as exc:
            # Disk full, read-only file, server gone: stop the cycle cleanly. The URL is still
            # pending in the store (or the store is unreachable), so the next cycle resumes it.
            self.runtime.stop_for_store(exc)
            raise DropItem(f"store unavailable: {exc.orig}") from None
        return item

    def _save_new(self, item: ArticleItem) -> None:
        now = utcnow()
        record = to_record(item, self.runtime.run_id, next_recheck_after(self.runtime.config, now, now))
        outcome = self.runtime.store.save_article(record)
        if outcome.status == "new":
            self.runtime.count("articles_new")
        elif outcome.status == "duplicate":
            self.runtime.count("articles_duplicate")

    def _record_recheck(self, item: ArticleItem) -> None:
        """Store a new version when the article changed; the old one is kept with a diff."""
        target, extracted = item.recheck, item.extracted
        assert target is not None and extracted is not None and item.content_hash is not None
        title = extracted.title or item.entry_title
        minimum = self.runtime.config.recheck.min_changed_words
        change = self.runtime.store.record_recheck(
            target.article_id,
            title,
            extracted.text,
            item.content_hash,
            utcnow(),
            next_recheck(self.runtime.config, target),
            lambda old_title, old_text: compare_versions(old_title, old_text, title, extracted.text, minimum),
        )
        if change is not None:
            self.runtime.count("articles_updated")


def to_record(
    item: ArticleItem, run_id: int | None, next_recheck_at: datetime | None = None
) -> ArticleRecord:
    """The stored form of an item that went through every stage."""
    extracted, relevance = item.extracted, item.relevance
    assert extracted is not None and relevance is not None and item.content_hash is not None
    return ArticleRecord(
        url=item.url,
        canonical_url=item.canonical_url,
        feed_id=item.feed_id,
        source=item.source,
        site=site_of(item.url),
        title=extracted.title or item.entry_title,
        text=extracted.text,
        authors=list(extracted.authors),
        published=extracted.published or item.entry_published,
        language=extracted.language,
        sitename=extracted.sitename,
        description=extracted.description,
        page_canonical_url=extracted.page_canonical_url,
        relevance=relevance.score,
        relevant=relevance.relevant,
        matched_terms=list(relevance.matched_terms),
        content_hash=item.content_hash,
        fetched_at=item.fetched_at,
        run_id=run_id,
        signals=item.signals,
        frontier_url=item.frontier_url,
        next_recheck_at=next_recheck_at,
        fingerprint=item.fingerprint,
    )
