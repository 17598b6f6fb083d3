"""The item that flows from the spider through the pipelines."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from crawler.dedup.minhash import MinHashSignature
from crawler.pages.article import ExtractedArticle
from crawler.pages.encoded_page import EncodedPage
from crawler.store.records import RecheckTarget
from crawler.topic.relevance import RelevanceResult


@dataclass
class ArticleItem:
    """A fetched article page and what each pipeline stage learns about it."""

    url: str  # the final URL after redirects
    canonical_url: str  # the article's key: canonical form of `url`, or the URL the page declares
    feed_id: int | None
    source: str  # feed name
    keep: str  # relevant | all
    page: EncodedPage | None  # None once analysed: the body is not kept past the first stage
    fetched_at: datetime
    frontier_url: str | None = None  # the pending URL that led here, if it differs from canonical_url
    recheck: RecheckTarget | None = None  # set when this fetch looks for edits of a stored article
    entry_title: str | None = None
    entry_published: datetime | None = None
    extracted: ExtractedArticle | None = None
    relevance: RelevanceResult | None = None
    language: str | None = None  # declared by the page, else detected from its text
    detected_language: str | None = None  # the worker's, from the page's own title and text
    content_hash: str | None = None
    facts: dict[str, Any] | None = None  # Facts.to_dict() of a relevant article (stored as `signals`)
    signature: MinHashSignature | None = None
    via: str = "live"  # or the archive a backfill read it from (cc-news | wayback | warc)
    captured_at: datetime | None = None  # the archive's capture time
    archive_mark: Any = None  # a backfill's handle on the record, settled once the item is done

    @property
    def dropped_if_off_topic(self) -> bool:
        """Whether an off-topic verdict drops this page (a re-check keeps its stored article)."""
        return self.keep == "relevant" and self.recheck is None

    @property
    def pending_key(self) -> str:
        """The frontier row this fetch settles: the pending URL it came from."""
        return self.frontier_url or self.canonical_url

    def __repr__(self) -> str:  # never dump a page body into a log or traceback
        return f"ArticleItem(url={self.url!r}, source={self.source!r})"
