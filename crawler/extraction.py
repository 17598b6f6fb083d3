"""Article text and metadata from fetched HTML: the one place trafilatura is called.

The extractor is trafilatura, steered by what the page itself declares. Measured on the
development corpus (see tests/test_extraction_quality.py), each step earns its place:

1. trafilatura in precision mode without its external fallbacks (``fast``), metadata in the
   same call. Only when that finds little text (under ``FAST_MIN_CHARS``) does the full
   cascade run (readability and justext comparisons), so a page costs about as much CPU as
   one default ``trafilatura.extract`` without metadata.
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

import html as html_lib
import itertools
import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urljoin, urlsplit

import trafilatura

logger = logging.getLogger(__name__)

FAST_MIN_CHARS = 1000  # shorter fast-mode results usually missed the body; the full cascade finds it
DECLARED_BODY_MIN_CHARS = 500  # shorter JSON-LD articleBody values are teasers, not bodies
EARLIEST_PUBLISHED = datetime(1990, 1, 1, tzinfo=UTC)
FUTURE_TOLERANCE = timedelta(days=2)  # clock skew and time zones, not scheduled posts years ahead


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
    doc = _run_trafilatura(html, url, fast=True, with_metadata=True)
    text = doc.text if doc is not None and doc.text else ""
    if len(text) < FAST_MIN_CHARS:
        full = _run_trafilatura(html, url, fast=False, with_metadata=doc is None)
        if full is not None and full.text:
            text, doc = full.text, doc or full
    head = _read_head(html, url)
    text = _reconcile_with_declared_body(text, head.declared_body)
    title = _clean(getattr(doc, "title", None))
    text = strip_furniture(text, title)
    if not text.strip():
        return None
    return ExtractedArticle(
        text=text,
        title=title,
        authors=_split_authors(getattr(doc, "author", None)),
        published=_parse_published(getattr(doc, "date", None)),
        language=head.language,
        sitename=_clean(getattr(doc, "sitename", None)),
        page_canonical_url=head.canonical_url,
        description=_clean(getattr(doc, "description", None)),
    )


def _run_trafilatura(html: str, url: str, *, fast: bool, with_metadata: bool) -> Any:
    """One trafilatura pass: its Document, or None when it finds nothing or fails.

    A failure with metadata is retried without, so a page whose metadata breaks a reader
    still yields its text (HOSTILE 14).
    """
    try:
        return trafilatura.bare_extraction(
            html,
            url=url,
            fast=fast,
            favor_precision=True,
            include_comments=False,  # reader comments are not the article
            with_metadata=with_metadata,
            date_extraction_params=_date_params(),
        )
    except Exception:  # lxml, htmldate and trafilatura raise many types on hostile input
        logger.info("trafilatura failed on %s (metadata: %s)", url, with_metadata, exc_info=True)
        return _run_trafilatura(html, url, fast=fast, with_metadata=False) if with_metadata else None


def _date_params() -> dict[str, Any]:
    # extensive_search=False skips htmldate's free-text scan through dateparser: on the
    # corpus it added about 15% to the cost of a page and found no date the page's markup
    # did not already declare. The time of day is kept when the page gives it.
    return {
        "extensive_search": False,
        "original_date": True,
        "outputformat": "%Y-%m-%dT%H:%M:%S%z",
        "min_date": EARLIEST_PUBLISHED.strftime("%Y-%m-%d"),
        "max_date": (datetime.now(UTC) + FUTURE_TOLERANCE).strftime("%Y-%m-%d"),
    }


# --- what the page declares about itself ---------------------------------------------------

# These scans run on untrusted HTML, so no pattern may rescan text after a failed match:
# tags cannot span "<" and are length-capped, attribute names must start at a boundary, and an
# unclosed quote ends the value instead of failing the match.
_TAG = re.compile(r"<(html|link|meta)\b([^<>]{0,4000})>", re.I)
_ATTR = re.compile(r"""(?<![^\s"'/])([^\s=/>"']+)\s*=\s*(?:"([^"]*)"?|'([^']*)'?|([^\s>"']+))""")
_LD_OPEN = re.compile(
    r"""<script\b[^<>]{0,4000}?\btype\s*=\s*["']?application/ld\+json[^<>]{0,4000}>""", re.I
)
_SCRIPT_CLOSE = re.compile(r"</script", re.I)
_LANGUAGE = re.compile(r"([a-z]{2,3})(?:$|[-_])", re.I)
_MAX_HEAD_TAGS = 2000  # real pages carry a few hundred link/meta tags at most
_MAX_LD_BLOCKS = 50  # enough for real pages; bounds work on hostile ones


@dataclass(frozen=True)
class _Head:
    canonical_url: str | None
    language: str | None
    declared_body: str


def _read_head(html: str, url: str) -> _Head:
    """Canonical URL, language and JSON-LD articleBody, read with linear-time scans of the HTML."""
    canonical = og_url = None
    languages: list[str] = []
    for match in itertools.islice(_TAG.finditer(html), _MAX_HEAD_TAGS):
        name, attrs = match.group(1).lower(), _attributes(match.group(2))
        if name == "html":
            languages.append(attrs.get("lang", ""))
        elif name == "link" and "canonical" in attrs.get("rel", "").lower().split():
            canonical = canonical or _absolute(attrs.get("href"), url)
        elif name == "meta":
            key = (attrs.get("property") or attrs.get("name") or attrs.get("http-equiv") or "").lower()
            if key == "og:url":
                og_url = og_url or _absolute(attrs.get("content"), url)
            elif key in ("content-language", "og:locale"):
                languages.append(attrs.get("content", ""))
    return _Head(canonical or og_url, _first_language(languages), _declared_body(html))


def _attributes(source: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for match in _ATTR.finditer(source):
        value = next((group for group in match.groups()[1:] if group is not None), "")
        found.setdefault(match.group(1).lower(), html_lib.unescape(value).strip())
    return found


def _absolute(href: str | None, base: str) -> str | None:
    if not href:
        return None
    try:
        candidate = urljoin(base, href)
        parts = urlsplit(candidate)
    except ValueError:  # malformed IPv6 hosts and the like
        return None
    return candidate if parts.scheme in ("http", "https") and parts.netloc else None


def _first_language(values: list[str]) -> str | None:
    for value in values:
        match = _LANGUAGE.match(value.strip())
        if match:
            return match.group(1).lower()
    return None


def _declared_body(html: str) -> str:
    """The longest JSON-LD articleBody on the page, as plain text lines ("" when none)."""
    best = ""
    for block in _ld_blocks(html):
        try:
            data = json.loads(block, strict=False)  # strict=False: raw newlines in strings are common
        except (ValueError, RecursionError):
            continue  # malformed JSON-LD: skip it, keep the text (HOSTILE 14)
        for node in _json_nodes(data):
            body = node.get("articleBody")
            if isinstance(body, str) and len(body) > len(best):
                best = body
    return _markup_to_lines(best) if best else ""


def _ld_blocks(html: str) -> Iterator[str]:
    # A manual scan rather than one regex with a lazy body: an unclosed script tag must not
    # make every later tag rescan to the end of the page.
    pos = 0
    for _ in range(_MAX_LD_BLOCKS):
        opening = _LD_OPEN.search(html, pos)
        if opening is None:
            return
        closing = _SCRIPT_CLOSE.search(html, opening.end())
        if closing is None:
            return
        yield html[opening.end() : closing.start()]
        pos = closing.end()


def _json_nodes(data: Any) -> Iterator[dict[str, Any]]:
    """Every object in a JSON document, without recursion (depth is attacker-controlled)."""
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            yield item
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


_BLOCK_END = re.compile(r"<(?:/p|br\s*/?|/h[1-6]|/li|/div|/blockquote)\s*>", re.I)
_ANY_TAG = re.compile(r"<[^<>]*>")


def _markup_to_lines(body: str) -> str:
    # Some publishers put HTML (or entity-escaped HTML) in articleBody.
    body = html_lib.unescape(body)
    if "<" in body:
        body = _ANY_TAG.sub(" ", _BLOCK_END.sub("\n", body))
    lines = (" ".join(line.split()) for line in body.splitlines())
    return "\n".join(line for line in lines if line)


# --- reconciling the extraction with the declared body -------------------------------------

_WORD = re.compile(r"\w+")
UNRELATED_SHARE = 0.2  # below this overlap both ways, the two texts are different blocks
CONTAINED_SHARE = 0.8  # the declared body is (nearly) all inside the extraction
APPENDED_RATIO = 2.0  # an extraction this much longer than the body carries other material


class _Shingles:
    """Word 4-grams of a text, for "how much of A is in B" questions."""

    def __init__(self, text: str) -> None:
        words = [word.lower() for word in _WORD.findall(text)]
        self.grams = {tuple(words[i : i + 4]) for i in range(len(words) - 3)}
        self.joined = f" {' '.join(words)} "

    def share_in(self, other: _Shingles) -> float:
        return len(self.grams & other.grams) / len(self.grams) if self.grams else 0.0

    def covers(self, line: str) -> bool:
        """Whether most of ``line`` occurs in this text (short lines: verbatim)."""
        piece = _Shingles(line)
        if not piece.grams:
            return piece.joined.strip() == "" or piece.joined in self.joined
        return piece.share_in(self) >= 0.5


def _reconcile_with_declared_body(text: str, declared: str) -> str:
    if len(declared) < DECLARED_BODY_MIN_CHARS:
        return text
    extracted, body = _Shingles(text), _Shingles(declared)
    if extracted.share_in(body) < UNRELATED_SHARE and body.share_in(extracted) < UNRELATED_SHARE:
        return declared  # trafilatura chose another block, or found nothing
    if body.share_in(extracted) >= CONTAINED_SHARE and len(text) > APPENDED_RATIO * len(declared):
        return "\n".join(line for line in text.split("\n") if body.covers(line))
    return text


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


def strip_furniture(text: str, title: str | None = None) -> str:
    """Drop lines that belong to the page, not the article (see the module docstring)."""
    lines = text.split("\n")
    lines = _drop_leading_title(lines, title)
    for index in range(max(1, int(len(lines) * TAIL_START_SHARE)), len(lines)):
        if _TAIL_HEADING.match(lines[index].strip()):
            lines = lines[:index]
            break
    return "\n".join(line for line in lines if not _is_furniture(line.strip())).strip()


def _is_furniture(line: str) -> bool:
    if _FURNITURE_LINE.match(line):
        return True
    if len(line) > FURNITURE_PHRASE_MAX_CHARS:
        return False
    lowered = line.lower()
    return any(all(phrase in lowered for phrase in phrases) for phrases in _FURNITURE_PHRASES)


def _drop_leading_title(lines: list[str], title: str | None) -> list[str]:
    wanted = " ".join(_WORD.findall(title.lower())) if title else ""
    for index, line in enumerate(lines[:3]):
        if wanted and " ".join(_WORD.findall(line.lower())) == wanted:
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


def _parse_published(value: str | None) -> datetime | None:
    """An aware UTC datetime from htmldate's output, or None when absent or implausible."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    # no offset given: the page did not say, and UTC is the least surprising reading
    parsed = parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    if not EARLIEST_PUBLISHED <= parsed <= datetime.now(UTC) + FUTURE_TOLERANCE:
        return None
    return parsed
