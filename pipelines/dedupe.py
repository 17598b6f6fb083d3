"""Pipeline stage 3: one story, one record — the page's own canonical URL, then the text fingerprint.

A page may declare its canonical URL (rel=canonical, og:url). When it points to the same site,
the article is known by that URL, so the AMP copy, the mobile host and the tracking-tagged
link collapse into one record; one seen before is linked instead of stored again. The exact
text hash is computed here; the store links copies to the first one atomically.
"""

from __future__ import annotations

import asyncio

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from crawler.clock import utcnow
from crawler.fingerprints import content_hash
from crawler.items import ArticleItem
from crawler.neardup import fingerprint
from crawler.runtime import CycleRuntime, runtime_for
from crawler.urls import canonical_url, site_of


class DedupePipeline:
    """Adopt the page's declared canonical URL (same site only) and fingerprint the text."""

    def __init__(self, runtime: CycleRuntime) -> None:
        self.runtime = runtime

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DedupePipeline:
        return cls(runtime_for(crawler))

    async def process_item(self, item: ArticleItem) -> ArticleItem:
        assert item.extracted is not None
        declared = declared_canonical(item.extracted.page_canonical_url, item.url)
        if item.recheck is None and declared and declared != item.canonical_url:
            item.frontier_url = item.frontier_url or item.canonical_url
            item.canonical_url = declared
            store = self.runtime.store
            if await asyncio.to_thread(store.is_stored, declared):
                self.runtime.count("articles_duplicate")
                await asyncio.to_thread(store.alias_url, item.frontier_url, declared, utcnow())
                raise DropItem(f"already stored as {declared}")
        if item.content_hash is None:  # normally computed in the extraction worker
            item.content_hash = content_hash(item.extracted.text)
            item.fingerprint = fingerprint(item.extracted.text)
        if not self.runtime.config.dedupe.near_duplicates:
            item.fingerprint = None
        return item


def declared_canonical(page_canonical: str | None, page_url: str) -> str | None:
    """The page's declared canonical URL in canonical form, if it is on the page's own site.

    Another site's URL is ignored: a syndicating outlet pointing at the original is a copy
    to link by its text, not the same record, and a hostile page must not claim another URL.
    """
    if not page_canonical:
        return None
    declared = canonical_url(page_canonical, base=page_url)
    if declared is None or site_of(declared) != site_of(page_url):
        return None
    return declared
