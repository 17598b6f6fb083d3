"""Everything CPU-heavy about one page, in one call for an extraction worker.

The crawling process shares its GIL between Scrapy's reactor and the pool's dispatcher
threads; each millisecond of work kept there delays both. So besides the text, the worker
computes what the later stages need from it: the exact hash, the near-duplicate
fingerprint, the topic score and, for relevant articles, the signals (gazetteer lookups
cost ~10 ms an article).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crawler.encoded_page import EncodedPage
from crawler.extraction import ExtractedArticle, extract_article
from crawler.fingerprints import hash_of_normalized, normalize_text
from crawler.neardup import Fingerprint, fingerprint_of_normalized
from crawler.relevance import RelevanceResult, Topic
from crawler.signals import extract_signals


@dataclass(frozen=True)
class AnalysedPage:
    """The extracted article (None: no text), its fingerprints, and its topic score and signals."""

    article: ExtractedArticle | None
    content_hash: str | None = None
    fingerprint: Fingerprint | None = None
    relevance: RelevanceResult | None = None  # None when the page has no title to score with
    signals: dict[str, Any] | None = None


def analyse_page(
    page: str | EncodedPage, url: str, topic_path: str | None = None, threshold: float | None = None
) -> AnalysedPage:
    """Decode the page, extract the article, then hash, fingerprint and (given a topic) score it."""
    article = extract_article(page if isinstance(page, str) else page.decode(), url)
    if article is None or not article.text.strip():
        return AnalysedPage(article)
    relevance, signals = None, None
    if topic_path is not None and article.title:
        relevance, signals = judge(_topic(topic_path), threshold, article.title, article)
    normalized = normalize_text(article.text)  # once, for both the exact hash and the shingles
    return AnalysedPage(
        article, hash_of_normalized(normalized), fingerprint_of_normalized(normalized), relevance, signals
    )


def judge(
    topic: Topic, threshold: float | None, title: str, article: ExtractedArticle
) -> tuple[RelevanceResult, dict[str, Any] | None]:
    """The topic score against the configured threshold (the topic file's own when None), and
    the signals of a relevant article."""
    scored = topic.score(title, article.text)
    cutoff = topic.threshold if threshold is None else threshold
    relevance = RelevanceResult(scored.score, scored.matched_terms, scored.score >= cutoff)
    signals = (
        extract_signals(title, article.text, article.published).to_dict() if relevance.relevant else None
    )
    return relevance, signals


@functools.lru_cache(maxsize=4)
def _topic(path: str) -> Topic:
    return Topic.from_file(Path(path))
