"""Pipeline stage 3: fingerprint the text; the store links copies to the first one atomically."""

from __future__ import annotations

from crawler.fingerprints import content_hash
from crawler.items import ArticleItem


class DedupePipeline:
    """Compute the exact-duplicate hash of the normalized text."""

    def process_item(self, item: ArticleItem) -> ArticleItem:
        assert item.extracted is not None
        item.content_hash = content_hash(item.extracted.text)
        return item
