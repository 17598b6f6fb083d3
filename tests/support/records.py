"""An article record ready to store, for the store tests: every field filled, any one changeable."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from crawler.store import ArticleRecord

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def record(canonical: str, body: str, **changes: object) -> ArticleRecord:
    values: dict[str, object] = {
        "url": canonical + "?utm_source=x",
        "canonical_url": canonical,
        "feed_id": None,
        "source": "valley",
        "site": "example.org",
        "title": "Title",
        "text": body,
        "authors": ["A. Writer"],
        "published": NOW - timedelta(days=1),
        "language": "en",
        "sitename": "Example",
        "description": None,
        "page_canonical_url": None,
        "relevance": 0.8,
        "relevant": True,
        "matched_terms": ["ICE"],
        "content_hash": "h-" + body,
        "fetched_at": NOW,
    }
    values.update(changes)
    return ArticleRecord(**values)  # type: ignore[arg-type]
