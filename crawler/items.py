"""The item that flows from the spider through the pipelines."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from crawler.encoded_page import EncodedPage
from crawler.extraction import ExtractedArticle
from crawler.neardup import Fingerprint
from crawler.relevance import RelevanceResult
from crawler.store.records import RecheckTarget


@dataclass
class ArticleItem:
    """A fetched article page and what each pipeline stage learns about it."""

    url: str  # the final URL after redirects
    canonical_url: str  # the frontier key from the feed entry
    feed_id: int | None
    source: str  # feed name
    keep: str  # relevant | all
    page: EncodedPage | None  # None once extracted: the body is not kept past stage 1
    fetched_at: datetime
    frontier_url: str | None = None  # the pending URL that led here, if redirects changed it
    recheck: RecheckTarget | None = None  # set when this fetch looks for edits of a stored article
    entry_title: str | None = None
    entry_published: datetime | None = None
    extracted: ExtractedArticle | None = None
    relevance: RelevanceResult | None = None
    content_hash: str | None = None
    signals: dict[str, Any] | None = None
    fingerprint: Fingerprint | None = None

    def __repr__(self) -> str:  # never dump a page body into a log or traceback
        return f"ArticleItem(url={self.url!r}, source={self.source!r})"
