"""What an extraction worker hands back for one article page: plain data, no parser.

Kept apart from ``crawler.pages.extraction`` so that the crawling process, which only
receives these, never imports trafilatura (and with it numpy, py3langid, htmldate, courlan):
about a second of every cycle's start-up, an unchanged cycle's included.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

ARTICLE = "article"
LIVEBLOG = "liveblog"  # a schema.org LiveBlogPosting: many timed updates, not one story


@dataclass(frozen=True)
class ExtractedArticle:
    """What one article page yields; plain data so it crosses process boundaries by pickle."""

    text: str  # clean body text, paragraphs separated by "\n"
    title: str | None
    authors: list[str]
    published: datetime | None  # timezone-aware UTC; None if absent or implausible
    language: str | None  # primary language subtag, e.g. "en"
    sitename: str | None
    page_canonical_url: str | None  # absolute rel=canonical, else og:url, else None (not normalized)
    description: str | None
    kind: str = ARTICLE  # ARTICLE or LIVEBLOG
