"""Article text and metadata from fetched HTML: the one place trafilatura is called (its
metadata readers are driven from ``crawler.pages.metadata``).

The extractor is trafilatura, steered by what the page itself declares. Measured on the
development corpus (see tests/unit/test_extraction_quality.py), each step earns its place:

1. The page is parsed once; the metadata newswatch stores is read from that tree (skipping
   trafilatura's categories, tags and licence readers), then trafilatura runs in precision
   mode without its external fallbacks (``fast``) on a copy (stage by stage, so that it is the
   only copy: ``crawler.pages.precision_pass``). Only when that finds little text
   (under ``FAST_MIN_CHARS``) does the full cascade run (readability and justext
   comparisons), so a page costs less CPU than one default ``trafilatura.extract`` without
   metadata.
2. The publisher's JSON-LD ``articleBody``, when it is long enough to be a body rather than a
   teaser, corrects two failures: trafilatura chose another block (use the declared body),
   or it returned the body plus far more (live blogs, appended next articles: keep only the
   lines the declared body contains).
3. Furniture lines that no article needs are dropped: the headline repeated as the first
   line (it is the ``title`` field), gallery counters, ad and share markers, newsletter
   prompts, copyright notices, and everything after a "More from"/"Related stories"
   heading in the second half of the text.

Nothing here fetches: callers pass HTML that Scrapy downloaded, already decoded to ``str``.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime
from typing import Any

import trafilatura
from lxml.html import HtmlElement
from trafilatura.settings import Document
from trafilatura.utils import load_html

from crawler.core.clock import EARLIEST_PLAUSIBLE_DATE, FUTURE_TOLERANCE, is_plausible_date, utcnow
from crawler.pages.article import ARTICLE, LIVEBLOG, ExtractedArticle
from crawler.pages.declared_body import reconcile_with_declared_body
from crawler.pages.dropped_paragraphs import restore_dropped_paragraphs
from crawler.pages.guarded_xpaths import install as install_guarded_xpaths
from crawler.pages.inline_teasers import article_resumes_at
from crawler.pages.liveblog import reconcile_liveblog, shown_updates
from crawler.pages.metadata import read_head, read_metadata
from crawler.pages.notices import article_chars, is_only_a_notice
from crawler.pages.precision_pass import fast_precision_text
from crawler.pages.structured_data import read_structured_text
from crawler.pages.text_overlap import WordShingles, words_of

logger = logging.getLogger(__name__)
install_guarded_xpaths()  # trafilatura's expressions, fewer Python callbacks, the same selections
# What extraction returns is defined where the crawling process can import it cheaply.
__all__ = ["ARTICLE", "LIVEBLOG", "ExtractedArticle", "extract_article", "extract_text"]

FAST_MIN_CHARS = 1000  # shorter fast-mode results usually missed the body; the full cascade finds it
SECOND_LOOK_CHARS = 1500  # up to this length, the full cascade may find the rest of a partial body
SAME_BODY_SHARE = 0.8  # a longer text holding this much of the shorter one is the same body, fuller


def extract_article(html: str, url: str) -> ExtractedArticle | None:
    """Extract body text and metadata from one page; None when no article text was found.

    Never raises: a page that breaks the parser or the metadata readers yields None or an
    article with the broken fields left empty.
    """
    try:
        return _extract_article(html, url)
    except Exception:  # lxml and trafilatura raise many types on hostile input
        logger.warning("extraction failed for %s", url, exc_info=True)
        return None


def extract_text(html: str, url: str) -> str:
    """Body text only ("" when none): the same text extract_article returns."""
    article = extract_article(html, url)
    return article.text if article else ""


def _extract_article(html: str, url: str) -> ExtractedArticle | None:
    tree = load_html(html)  # parsed once: the metadata readers and every pass share it
    if tree is None:
        return None
    metadata = read_page_metadata(tree, url)
    head = read_head(tree, url)
    text = restore_dropped_paragraphs(tree, _dom_text(tree, url))
    structured = read_structured_text(head.ld_json_blocks)
    if structured.is_liveblog:
        text = reconcile_liveblog(text, shown_updates(tree, structured.updates))
    else:
        text = reconcile_with_declared_body(text, structured.article_body)
    title = _clean(metadata.title)
    text = strip_furniture(text, title, tree)
    if not text.strip():
        return None
    return ExtractedArticle(
        text=text,
        title=title,
        authors=_split_authors(metadata.author),
        published=parse_published(metadata.date),
        language=head.language,
        sitename=_clean(metadata.sitename),
        page_canonical_url=head.canonical_url,
        description=_clean(metadata.description),
        kind=LIVEBLOG if structured.is_liveblog else ARTICLE,
    )


def _dom_text(tree: HtmlElement, url: str) -> str:
    """The article text trafilatura finds: precision first, fuller passes only when that is short
    or is only a notice (a paywall's reprint terms, a cookie prompt)."""
    text = _fast_text(tree, url)
    if len(text) < FAST_MIN_CHARS or is_only_a_notice(text):
        full = _text_of(_full_pass(tree, url))
        if full and not (is_only_a_notice(full) and article_chars(full) < article_chars(text)):
            text = full
    elif len(text) < SECOND_LOOK_CHARS:
        full = _text_of(_full_pass(tree, url))
        if len(full) > len(text) and WordShingles(text).share_in(WordShingles(full)) >= SAME_BODY_SHARE:
            text = full
    if is_only_a_notice(text):
        fuller = _text_of(_full_pass(tree, url, favor_precision=False))
        if article_chars(fuller) > article_chars(text):
            text = fuller
    return text


def _fast_text(tree: HtmlElement, url: str) -> str:
    """The precision pass every page gets, copying the tree once (crawler.pages.precision_pass)."""
    try:
        return fast_precision_text(tree, url)
    except Exception:  # lxml and trafilatura raise many types on hostile input
        logger.info("trafilatura failed on %s", url, exc_info=True)
        return ""


def _text_of(doc: Any) -> str:
    return doc.text if doc is not None and doc.text else ""


def read_page_metadata(tree: HtmlElement, url: str) -> Document:
    """The page's metadata; empty when a reader breaks, so that broken metadata never costs the text."""
    try:
        return read_metadata(tree, url, _date_params())
    except Exception:  # lxml, htmldate and trafilatura raise many types on hostile input
        logger.info("metadata readers failed on %s", url, exc_info=True)
        return Document()


def _full_pass(tree: HtmlElement, url: str, *, favor_precision: bool = True) -> Any:
    """trafilatura's full cascade over (a copy of) the parsed page: its Document, or None when it
    finds nothing or fails. Metadata was read already, without the fields newswatch does not store."""
    try:
        return trafilatura.bare_extraction(
            tree,  # bare_extraction works on a copy of a tree it is given
            url=url,
            fast=False,
            favor_precision=favor_precision,
            include_comments=False,  # reader comments are not the article
            with_metadata=False,
        )
    except Exception:  # lxml and trafilatura raise many types on hostile input
        logger.info("trafilatura failed on %s", url, exc_info=True)
        return None


def _date_params() -> dict[str, Any]:
    # extensive_search=False skips htmldate's free-text scan through dateparser: on the
    # corpus it added to the cost of every page and found no date the page's markup did not
    # already declare. The time of day is kept when the page gives it.
    return {
        "extensive_search": False,
        "original_date": True,
        "outputformat": "%Y-%m-%dT%H:%M:%S%z",
        "min_date": EARLIEST_PLAUSIBLE_DATE.strftime("%Y-%m-%d"),
        "max_date": (utcnow() + FUTURE_TOLERANCE).strftime("%Y-%m-%d"),
    }


# --- furniture lines -----------------------------------------------------------------------


def _line_pattern(body: str) -> re.Pattern[str]:
    # Whole-line matches only, allowing stray punctuation and bullets around the phrase.
    return re.compile(rf"^\W{{0,3}}(?:{body})\W{{0,3}}$", re.I)


_FURNITURE_LINE = _line_pattern(
    "|".join(
        (
            r"\d+\s*(?:of|/)\s*\d+",  # gallery counters: "3 of 57"
            r"advertisement|advertising|ad|sponsored(?: content)?",
            r"(?:article|story) continues (?:below|after)(?: this)? (?:ad|advertisement)",
            r"share (?:this|the) (?:article|story|post)",
            r"(?:©|copyright\b).{0,300}",
        )
    )
)
# Phrases that make a whole short line furniture wherever they occur in it. Plain substring
# tests: a regex with several unbounded parts could be made to backtrack on hostile text.
_FURNITURE_PHRASES = (
    ("all rights reserved",),
    ("may not be published, broadcast",),
    ("newsletter", "sign up"),
    ("newsletter", "subscribe"),
    ("personal, non-commercial use",),  # reprint terms of paywalled business news
    ("presentation-ready copies",),
)
FURNITURE_PHRASE_MAX_CHARS = 300  # longer lines are prose that happens to use the words

_TAIL_HEADING = _line_pattern(
    "|".join(
        (
            r"more (?:from|must-reads from|stories|on|in) .{0,60}",
            r"related (?:articles|stories|content|coverage|posts|links|reading)",
            r"recommended(?: for you| stories| reading)?",
            r"you (?:may|might) (?:also )?like",
            r"most (?:popular|read|viewed)",
            r"trending(?: now| stories)?",
            r"latest (?:news|stories)",
            r"(?:what to )?read next|up next|don'?t miss",
            r"like what you'?re reading\??",
        )
    )
)
TAIL_START_SHARE = 0.5  # such headings in the first half of a text are the article's own


def strip_furniture(text: str, title: str | None = None, tree: HtmlElement | None = None) -> str:
    """Drop lines that belong to the page, not the article (see the module docstring); with the
    page's ``tree``, a tail heading after which the article resumes drops only its own block."""
    lines = text.split("\n")
    lines = _drop_leading_title(lines, title)
    lines = _cut_tail(lines, tree)
    return "\n".join(line for line in lines if not _is_furniture(line.strip())).strip()


def _cut_tail(lines: list[str], tree: HtmlElement | None) -> list[str]:
    index = max(1, int(len(lines) * TAIL_START_SHARE))
    while index < len(lines):
        heading = lines[index].strip()
        if not _TAIL_HEADING.match(heading):
            index += 1
            continue
        resume = None if tree is None else article_resumes_at(tree, heading, lines[index + 1 :])
        if resume is None:
            return lines[:index]
        lines = lines[:index] + lines[index + 1 + resume :]  # the heading and its links only
    return lines


def _is_furniture(line: str) -> bool:
    if _FURNITURE_LINE.match(line):
        return True
    if len(line) > FURNITURE_PHRASE_MAX_CHARS:
        return False
    lowered = line.lower()
    return any(all(phrase in lowered for phrase in phrases) for phrases in _FURNITURE_PHRASES)


def _drop_leading_title(lines: list[str], title: str | None) -> list[str]:
    wanted = words_of(title) if title else ""
    for index, line in enumerate(lines[:3]):
        if wanted and words_of(line) == wanted:
            return lines[:index] + lines[index + 1 :]
    return lines


# --- metadata fields -----------------------------------------------------------------------


def _clean(value: str | None) -> str | None:
    value = " ".join(value.split()) if isinstance(value, str) else ""
    return value or None


def _split_authors(value: str | None) -> list[str]:
    # trafilatura joins several authors with "; "
    if not isinstance(value, str):
        return []
    return [name for name in (" ".join(part.split()) for part in value.split(";")) if name]


def parse_published(value: str | None) -> datetime | None:
    """An aware UTC datetime from htmldate's output, or None when absent or implausible."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    # no offset given: the page did not say, and UTC is the least surprising reading
    parsed = parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    return parsed if is_plausible_date(parsed) else None
