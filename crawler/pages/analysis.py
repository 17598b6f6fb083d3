"""Everything CPU-heavy about one page, in one call for an extraction worker.

The crawling process shares its GIL between Scrapy's reactor and the pool's dispatcher
threads; each millisecond of work kept there delays both. So besides the text, the worker
computes what the later stages need from it: the content hash, the MinHash signature, the
topic score, the language of a page that declares none (the model, ~78 MB, then lives in
the workers' forkserver, not in the crawling process) and, for relevant articles, the facts
(gazetteer lookups are the costliest step).
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crawler.dedup.content_hash import hash_of_normalized, normalize_text
from crawler.dedup.minhash import MinHashSignature, signature_of_normalized
from crawler.pages.article import ExtractedArticle
from crawler.pages.encoded_page import EncodedPage
from crawler.topic.language import article_language
from crawler.topic.relevance import RelevanceResult, Topic

# The topic file the workers' forkserver compiles before forking (crawler.pages.worker_preload).
WORKER_TOPIC_ENV = "NEWSWATCH_WORKER_TOPIC"


@dataclass(frozen=True)
class AnalysedPage:
    """The extracted article (None: no text), its hash and signature, its topic score and facts,
    and the language detected from its own title and text (None: declared, or not told)."""

    article: ExtractedArticle | None
    content_hash: str | None = None
    signature: MinHashSignature | None = None
    relevance: RelevanceResult | None = None  # None when the page has no title to score with
    facts: dict[str, Any] | None = None
    detected_language: str | None = None


def analyse_page(
    page: str | EncodedPage, url: str, topic_path: str | None = None, threshold: float | None = None
) -> AnalysedPage:
    """Decode the page, extract the article, then hash, sign and (given a topic) score it; an
    off-topic article of a page ``dropped_if_off_topic`` is only scored."""
    # Imported here: this runs in the workers (whose forkserver preloads it); the crawling
    # process imports this module only for judge() and AnalysedPage, never trafilatura.
    from crawler.pages.extraction import extract_article

    article = extract_article(page if isinstance(page, str) else page.decode(), url)
    if article is None or not article.text.strip():
        return AnalysedPage(article)
    relevance, facts = None, None
    if topic_path is not None and article.title:
        relevance, facts = judge(compiled_topic(topic_path), threshold, article.title, article)
        if not relevance.relevant and isinstance(page, EncodedPage) and page.dropped_if_off_topic:
            # remembered as seen with its score only: no hash, signature or language (~2 ms)
            return AnalysedPage(article, relevance=relevance)
    normalized = normalize_text(article.text)  # once, for both the content hash and the shingles
    detected = None if article.language else article_language(None, article.title or "", article.text)
    return AnalysedPage(
        article,
        hash_of_normalized(normalized),
        signature_of_normalized(normalized),
        relevance,
        facts,
        detected,
    )


def judge(
    topic: Topic, threshold: float | None, title: str, article: ExtractedArticle
) -> tuple[RelevanceResult, dict[str, Any] | None]:
    """The topic score against the configured threshold (the topic file's own when None), and
    the facts of a relevant article."""
    # Imported here: the fact tables cost the crawling process ~0.05 s, and it judges only
    # untitled pages (the workers' forkserver has them loaded already).
    from crawler.topic.facts import extract_facts

    scored = topic.score(title, article.text)
    cutoff = topic.threshold if threshold is None else threshold
    relevance = RelevanceResult(scored.score, scored.matched_terms, scored.score >= cutoff)
    facts = extract_facts(title, article.text, article.published).to_dict() if relevance.relevant else None
    return relevance, facts


def name_worker_topic(topic_path: Path) -> None:
    """Have the workers' forkserver, when this process starts it, compile this topic once for
    all of them (crawler.pages.worker_preload)."""
    os.environ[WORKER_TOPIC_ENV] = str(topic_path)


@functools.lru_cache(maxsize=4)
def compiled_topic(path: str) -> Topic:
    """The topic file compiled once per process; the workers' forkserver compiles it before
    forking (crawler.pages.worker_preload), so each worker inherits it."""
    return Topic.from_file(Path(path))
