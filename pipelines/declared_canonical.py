"""Pipeline stage 3: adopt the page's own canonical URL when it declares one on the same site.

A page may declare its canonical URL (rel=canonical, og:url). When it points to the same site,
the article is known by that URL, so the AMP copy, the mobile host and the tracking-tagged
link collapse into one record; one seen before is linked instead of stored again. Copies of
the text under other URLs are linked by the store when it saves the article (stage 4).
"""

from __future__ import annotations

import asyncio

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from crawler.core.urls import canonical_url, site_of
from crawler.cycle.item import ArticleItem
from crawler.cycle.runtime import CycleRuntime, runtime_for


class DeclaredCanonicalPipeline:
    """Key the article by its declared canonical URL (same site only); drop it if that is stored."""

    def __init__(self, runtime: CycleRuntime) -> None:
        self.runtime = runtime

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DeclaredCanonicalPipeline:
        return cls(runtime_for(crawler))

    async def process_item(self, item: ArticleItem) -> ArticleItem:
        assert item.extracted is not None
        declared = declared_canonical(item.extracted.page_canonical_url, item.url)
        if item.recheck is None and declared and declared != item.canonical_url:
            item.frontier_url = item.pending_key
            item.canonical_url = declared
            if await asyncio.to_thread(self.runtime.ledger.alias_if_stored, item.frontier_url, declared):
                raise DropItem(f"already stored as {declared}")
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
