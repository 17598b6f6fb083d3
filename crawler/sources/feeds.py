"""Parse feed bodies that Scrapy fetched: RSS 0.9x/2.0, RSS 1.0 (RDF), Atom and JSON Feed.

feedparser does the lenient XML work, given bytes only: never a URL or a str, which it
may open as a file (fetching is Scrapy's job). This module adds what a crawler reading
strangers' bytes needs and feedparser does not do safely; the costs it guards against,
measured on the pinned feedparser and expat, are in the README:

Decoding. The body is decoded here, the way Scrapy's TextResponse does it
(w3lib.encoding: BOM, then the HTTP charset, then the XML declaration), falling back
to UTF-8 and windows-1252 when the declared encoding does not fit. feedparser then
receives UTF-8 whose first line is only an XML declaration. Its own decoder matches
an encoding-declaration regex against the whole first line of the raw body, which
is super-linear in a crafted one-line feed or declaration. It would also honour
declared EBCDIC or escape codecs that hide markup from any check made on the raw bytes.

DTDs. Every DOCTYPE is removed from the decoded text, internal subset included,
wherever it is. feedparser's own filter is a line-anchored regex over the text before
the root element, so entity declarations that share a line with the DOCTYPE reach
expat. Expat (2.4+) stops billion laughs at its amplification limit, but only after
spending CPU and memory on every such document, a limit that grows with document size,
and older expat builds have none. Without a DTD nothing can be expanded or loaded: ``&lol9;``
is undefined, the strict parse fails, the lenient parse keeps it as text.

CPU. feedparser runs a quadratic email regex over author fields; see
``_bounded_sync_author_detail``. Documents with more than twice ``max_entries``
items are cut before parsing (feedparser's time grows with every item), keeping the
head and the closing tags. Other pathological markup may still be slow inside
feedparser or its HTML sanitizer, linearly: callers apply the feed size cap.

Compression. Scrapy decodes Content-Encoding. A body that is still gzip (a .xml.gz
served as is) is decompressed here, one layer, up to MAX_GUNZIPPED_BYTES.
"""

import functools
import json
import re
import xml.sax
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from types import ModuleType
from typing import Any, TypeVar
from urllib.parse import urljoin

from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, read_bom

from crawler.core.clock import utcnow
from crawler.core.errors import NotAFeed, Problem, ProblemKind
from crawler.core.urls import canonical_url, is_fetchable_url
from crawler.sources.dates import feed_date
from crawler.sources.doctype import DOCTYPE_START, doctype_end
from crawler.sources.gzip_body import BadGzip, gunzip_one_layer, is_gzip

DEFAULT_MAX_ENTRIES = 500
MAX_GUNZIPPED_BYTES = 16 * 1024 * 1024
MAX_AUTHOR_CHARS = 512

_UPDATE_PERIODS = {"hourly": 3600, "daily": 86400, "weekly": 604800, "monthly": 2592000, "yearly": 31536000}

# XML 1.0 appendix F: how "<" starts a UTF-32 or UTF-16 document that has no byte order mark.
_WIDE_PREFIXES = (
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\x00<\x00", "utf-16-be"),
    (b"<\x00", "utf-16-le"),
)
_XML_DECLARATION = "<?xml version='1.0' encoding='utf-8'?>\n"
_XML_ENCODING_LABEL = re.compile(rb"""\s*<\?xml[^>]{0,100}?encoding\s*=\s*["']([A-Za-z0-9._:-]{1,40})["']""")
_LEADING_DECLARATION = re.compile(r"\A\s*<\?xml[^>]{0,1000}>")
_ITEM_START = re.compile(r"<(?:[A-Za-z_][\w.-]*:)?(?:item|entry)(?=[\s/>])")
_ITEM_END = re.compile(r"</(?:[A-Za-z_][\w.-]*:)?(?:item|entry)\s*>")
_ROOT_ELEMENT = re.compile(r"<([A-Za-z_][\w:.-]*)")
_JSONFEED_VERSION = re.compile(r"https?://jsonfeed\.org/version/1(?:\.\d+)?/?")
_DIGITS = re.compile(r"\s*(\d{1,7})\s*")

_Raw = TypeVar("_Raw")


@dataclass(frozen=True)
class FeedEntry:
    """One feed item, reduced to what the crawler needs."""

    link: str  # absolute URL as published (resolved against xml:base/the feed URL), not canonicalized
    guid: str | None
    title: str | None
    published: datetime | None  # UTC; None when missing, impossible, or more than a day ahead
    authors: list[str]
    summary: str | None


@dataclass(frozen=True)
class ParsedFeed:
    """A parsed feed: fetchable entries in document order, and what had to be forgiven."""

    kind: str  # "rss", "atom", "rdf", "jsonfeed"
    title: str | None
    entries: list[FeedEntry]  # deduplicated by canonical link, at most max_entries
    problems: list[Problem]  # recoverable issues, worded for `newswatch feeds status`
    ttl_seconds: int | None  # RSS <ttl>
    update_period_seconds: int | None  # sy:updatePeriod / sy:updateFrequency


def parse_feed(
    body: bytes,
    url: str,
    headers: Mapping[str, str] | None = None,
    max_entries: int = DEFAULT_MAX_ENTRIES,
) -> ParsedFeed:
    """Parse a feed body fetched from ``url`` with its response ``headers``.

    Ill-formed feeds keep whatever the lenient parse recovers, with the problem
    recorded. Entries without a fetchable link are dropped; the others are
    deduplicated by canonical URL and capped at ``max_entries``. Raises NotAFeed for
    an empty body, an HTML page, JSON that is not a JSON Feed, or any body without
    feed structure.
    """
    if max_entries < 1:
        raise ValueError(f"max_entries must be at least 1, not {max_entries}")
    problems: list[Problem] = []
    body = _gunzip_stray(body, problems)
    if not body.strip():
        raise NotAFeed("empty body")
    if body.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"["):
        return _parse_json_feed(body, url, max_entries, problems)
    header = {name.lower(): value for name, value in (headers or {}).items()}
    return _parse_xml_feed(body, url, header, max_entries, problems)


# --- XML feeds ---------------------------------------------------------------------


def _parse_xml_feed(
    body: bytes, url: str, header: dict[str, str], max_entries: int, problems: list[Problem]
) -> ParsedFeed:
    text = _strip_doctypes(_decode(body, header.get("content-type"), problems), problems)
    text, item_count = _cut_items(text, 2 * max_entries)
    data = (_XML_DECLARATION + _LEADING_DECLARATION.sub("", text, count=1)).encode("utf-8", "replace")
    # No Content-Location: feedparser would resolve a guid such as "1234" into a URL on
    # the feed's host and report it as the permalink. Links are joined with the feed URL
    # below; the cost is that a relative xml:base (rare) is dropped by feedparser.
    response_headers = {"content-type": "application/xml; charset=utf-8"}
    if "content-language" in header:
        response_headers["content-language"] = header["content-language"]
    try:
        parsed = _bounded_feedparser().parse(data, response_headers=response_headers)
    except Exception as exc:  # lenient by design; if it still breaks on these bytes, this feed is unreadable
        raise NotAFeed(f"feed parser failed: {type(exc).__name__}: {exc}") from exc
    version = parsed.get("version") or ""
    if not version and not parsed.entries:
        root = _root_name(text)
        raise NotAFeed(f"no RSS, Atom or RDF structure ({f'root element <{root}>' if root else 'no XML'})")
    if parsed.get("bozo"):
        problems.append(Problem(ProblemKind.ILL_FORMED, _describe_bozo(parsed.get("bozo_exception"))))
    now = utcnow()
    entries = _select(
        ((_xml_link(raw, url), raw) for raw in parsed.entries),
        lambda raw, link: _xml_entry(raw, link, now),
        max_entries,
        item_count,
        problems,
    )
    feed = parsed.feed
    return ParsedFeed(
        kind=_kind(version, text),
        title=_text(_field(feed, "title")),
        entries=entries,
        problems=problems,
        ttl_seconds=_ttl_seconds(_field(feed, "ttl")),
        update_period_seconds=_update_period_seconds(
            _field(feed, "sy_updateperiod"), _field(feed, "sy_updatefrequency")
        ),
    )


def _gunzip_stray(body: bytes, problems: list[Problem]) -> bytes:
    """Decompress a gzip body that arrived without Content-Encoding (a .xml.gz served raw)."""
    if not is_gzip(body):
        return body
    try:
        unzipped = gunzip_one_layer(body, MAX_GUNZIPPED_BYTES)
    except BadGzip as exc:
        raise NotAFeed(str(exc)) from exc
    if unzipped.overflow:  # a feed cut in the middle is not worth parsing
        raise NotAFeed(f"gzip body larger than {MAX_GUNZIPPED_BYTES} bytes once decompressed")
    problems.append(
        Problem(ProblemKind.COMPRESSION, "body was gzip-compressed without Content-Encoding; decompressed it")
    )
    if unzipped.truncated:
        problems.append(Problem(ProblemKind.COMPRESSION, "gzip body was truncated"))
    return unzipped.data


def _decode(body: bytes, content_type: str | None, problems: list[Problem]) -> str:
    """The body as text: BOM, else HTTP charset, else XML declaration, else UTF-8."""
    bom_encoding, bom = read_bom(body)
    if bom_encoding and bom:
        return body[len(bom) :].decode(bom_encoding, "replace")
    for prefix, wide_encoding in _WIDE_PREFIXES:
        if body.startswith(prefix):
            return body.decode(wide_encoding, "replace")
    in_document = html_body_declared_encoding(body)
    declared = [
        encoding
        for encoding in (http_content_type_encoding(content_type), in_document)
        if encoding and not encoding.startswith(("utf-16", "utf-32"))  # would have been sniffed above
    ]
    label = _XML_ENCODING_LABEL.match(body[:200])
    if label and in_document is None:  # w3lib knows no codec of that name
        unknown = label.group(1).decode("ascii")
        problems.append(
            Problem(ProblemKind.ENCODING, f"document declares an unknown encoding {unknown!r}; ignored it")
        )
    for encoding in dict.fromkeys([*declared, "utf-8"]):
        try:
            text = body.decode(encoding)
        except (UnicodeDecodeError, LookupError):  # LookupError: a declared codec that is not text
            continue
        if declared and encoding != declared[0]:
            problems.append(
                Problem(ProblemKind.ENCODING, f"document declared as {declared[0]}, but parsed as {encoding}")
            )
        return text
    # windows-1252 decodes almost any byte: the browser's choice for unlabelled legacy text.
    problems.append(
        Problem(
            ProblemKind.ENCODING,
            f"document declared as {declared[0]}, but parsed as cp1252"
            if declared
            else "document declares no encoding and is not UTF-8; parsed as cp1252",
        )
    )
    return body.decode("cp1252", "replace")


def _strip_doctypes(text: str, problems: list[Problem]) -> str:
    """Remove every DOCTYPE declaration, keeping its line breaks so error lines stay true."""
    pieces: list[str] = []
    position = subsets = 0
    while match := DOCTYPE_START.search(text, position):
        end, had_subset = doctype_end(text, match.end())
        pieces += [text[position : match.start()], "\n" * text.count("\n", match.start(), end)]
        subsets += had_subset
        position = end
    if not pieces:
        return text
    if subsets:
        problems.append(
            Problem(
                ProblemKind.DOCTYPE,
                "removed a DOCTYPE internal subset; entity declarations are never expanded",
            )
        )
    return "".join([*pieces, text[position:]])


def _cut_items(text: str, limit: int) -> tuple[str, int | None]:
    """Drop items past ``limit`` before parsing; returns the text and the item count if cut."""
    count, cut = 0, -1
    for count, match in enumerate(_ITEM_START.finditer(text), start=1):
        if count == limit + 1:
            cut = match.start()
    if cut < 0:
        return text, None
    tail = max((match.end() for match in _ITEM_END.finditer(text, cut)), default=cut)
    return text[:cut] + text[tail:], count


def _xml_link(raw: Mapping[str, Any], url: str) -> str | None:
    """The entry's link (alternate first), or a guid that is itself an absolute http(s) URL."""
    link = _field(raw, "link")
    alternates = [
        detail.get("href")
        for detail in _field(raw, "links") or []
        if isinstance(detail, Mapping) and detail.get("rel", "alternate") == "alternate"
    ]
    if not (_field(raw, "guidislink") and link == _field(raw, "id")):
        return _first_fetchable([link, *alternates], url)
    # feedparser copied the guid into the link: only an absolute URL is a permalink.
    if isinstance(link, str) and is_fetchable_url(link.strip()):
        return link.strip()
    return _first_fetchable(alternates, url)


def _xml_entry(raw: Mapping[str, Any], link: str, now: datetime) -> FeedEntry:
    names = [
        detail.get("name") or detail.get("email")
        for detail in _field(raw, "authors") or []
        if isinstance(detail, Mapping)
    ]
    published = None
    for key in ("published", "updated", "created"):
        published = feed_date(_field(raw, key), _field(raw, f"{key}_parsed"), now)
        if published is not None:
            break
    return FeedEntry(
        link=link,
        guid=_text(_field(raw, "id")),
        title=_text(_field(raw, "title")),
        published=published,
        authors=_unique_texts(names or [_field(raw, "author")]),
        summary=_text(_field(raw, "summary")),
    )


def _describe_bozo(exc: object) -> str:
    if isinstance(exc, xml.sax.SAXParseException):
        line = max(1, (exc.getLineNumber() or 1) - 1)  # minus the declaration line we added
        return f"ill-formed XML: {exc.getMessage()} at line {line}"
    return f"ill-formed feed: {exc}"[:300]


def _kind(version: str, text: str) -> str:
    if version.startswith("atom"):
        return "atom"
    if version in ("rss090", "rss10"):
        return "rdf"
    if version:
        return "rss"
    root = _root_name(text).lower()
    return "atom" if root.endswith("feed") else "rdf" if root.endswith("rdf") else "rss"


def _root_name(text: str) -> str:
    match = _ROOT_ELEMENT.search(text)
    return match.group(1)[:40] if match else ""


def _ttl_seconds(ttl: object) -> int | None:
    match = _DIGITS.fullmatch(ttl) if isinstance(ttl, str) else None
    return int(match.group(1)) * 60 if match and int(match.group(1)) > 0 else None


def _update_period_seconds(period: object, frequency: object) -> int | None:
    if period is None and frequency is None:
        return None
    seconds = _UPDATE_PERIODS.get(str(period or "daily").strip().lower())  # the module's default: daily
    match = _DIGITS.fullmatch(frequency) if isinstance(frequency, str) else None
    times = int(match.group(1)) if match else 1
    return seconds // times if seconds and times > 0 else None


# --- JSON Feed ---------------------------------------------------------------------


def _parse_json_feed(body: bytes, url: str, max_entries: int, problems: list[Problem]) -> ParsedFeed:
    """JSON Feed 1.0/1.1 (https://jsonfeed.org/version/1.1), which feedparser does not read."""
    try:
        document = json.loads(body)
    except (ValueError, RecursionError) as exc:
        raise NotAFeed(f"invalid JSON: {exc}"[:300]) from exc
    if not isinstance(document, dict) or not _JSONFEED_VERSION.fullmatch(str(document.get("version"))):
        raise NotAFeed("JSON that is not a JSON Feed (no jsonfeed.org version)")
    items = document.get("items")
    if not isinstance(items, list):
        problems.append(Problem(ProblemKind.NO_ITEMS, "JSON Feed without an items list"))
        items = []
    feed_authors = _json_authors(document)
    now = utcnow()
    entries = _select(
        ((_json_link(item, url), item) for item in items[: 2 * max_entries]),
        lambda item, link: _json_entry(item, link, feed_authors, now),
        max_entries,
        len(items) if len(items) > 2 * max_entries else None,
        problems,
    )
    return ParsedFeed(
        kind="jsonfeed",
        title=_text(document.get("title")),
        entries=entries,
        problems=problems,
        ttl_seconds=None,
        update_period_seconds=None,
    )


def _json_link(item: object, url: str) -> str | None:
    if not isinstance(item, dict):
        return None
    link = _first_fetchable([item.get("url"), item.get("external_url")], url)
    guid = item.get("id")
    if link is None and isinstance(guid, str) and is_fetchable_url(guid):
        return guid.strip()
    return link


def _json_entry(item: dict[str, Any], link: str, feed_authors: list[str], now: datetime) -> FeedEntry:
    published = feed_date(item.get("date_published"), None, now, rfc3339_only=True)
    if published is None:
        published = feed_date(item.get("date_modified"), None, now, rfc3339_only=True)
    guid = item.get("id")
    return FeedEntry(
        link=link,
        guid=_text(str(guid) if isinstance(guid, (str, int)) else None),
        title=_text(item.get("title")),
        published=published,
        authors=_json_authors(item) or feed_authors,  # items inherit the feed's authors (spec 1.1)
        summary=_text(item.get("summary")) or _text(item.get("content_text")),
    )


def _json_authors(holder: dict[str, Any]) -> list[str]:
    authors = holder.get("authors")
    if not isinstance(authors, list):  # version 1.0 has a single "author"
        authors = [holder.get("author")]
    return _unique_texts(author.get("name") for author in authors if isinstance(author, dict))


# --- shared ------------------------------------------------------------------------


def _select(
    candidates: Iterable[tuple[str | None, _Raw]],
    build: Callable[[_Raw, str], FeedEntry],
    max_entries: int,
    declared_total: int | None,
    problems: list[Problem],
) -> list[FeedEntry]:
    """Keep entries with a fetchable link, first of each canonical link, at most max_entries."""
    kept: list[FeedEntry] = []
    seen: set[str] = set()
    unfetchable = duplicates = 0
    for link, raw in candidates:
        if link is None:
            unfetchable += 1
            continue
        key = canonical_url(link) or link
        if key in seen:
            duplicates += 1
            continue
        seen.add(key)
        if len(kept) < max_entries:
            kept.append(build(raw, link))
    if unfetchable:
        problems.append(
            Problem(
                ProblemKind.UNFETCHABLE_ENTRIES,
                f"dropped {unfetchable} entries with a missing or unfetchable link",
            )
        )
    if duplicates:
        problems.append(
            Problem(ProblemKind.REPEATED_ENTRIES, f"dropped {duplicates} entries repeating an earlier link")
        )
    total = max(len(seen), declared_total or 0)
    if total > max_entries:
        problems.append(Problem(ProblemKind.CAPPED, f"entries capped at {max_entries} of {total}"))
    return kept


def _first_fetchable(candidates: Iterable[object], base: str) -> str | None:
    for candidate in candidates:
        if not isinstance(candidate, str) or not candidate.strip():
            continue
        try:
            absolute = urljoin(base, candidate.strip())
        except ValueError:  # e.g. a broken IPv6 literal
            continue
        if is_fetchable_url(absolute):
            return absolute
    return None


def _field(raw: Mapping[str, Any], key: str) -> Any:
    """``raw[key]`` without FeedParserDict's key aliases, which warn (``updated`` → ``published``)."""
    return dict.get(raw, key) if isinstance(raw, dict) else raw.get(key)


def _text(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _unique_texts(values: Iterable[object]) -> list[str]:
    return list(dict.fromkeys(text for text in map(_text, values) if text))


# --- feedparser's quadratic author regex -------------------------------------------


_original_sync_author_detail: Callable[..., None] | None = None


@functools.cache
def _bounded_feedparser() -> ModuleType:
    """feedparser, imported with the first XML feed read and its author regex bounded (below).

    Imported here, not at the top: a cycle whose feeds all answer 304 never parses one, and
    feedparser with its sanitizer is ~0.05 s of that cycle's start-up."""
    global _original_sync_author_detail
    import feedparser
    from feedparser.mixin import _FeedParserMixin

    _original_sync_author_detail = getattr(_FeedParserMixin, "_sync_author_detail", None)
    if _original_sync_author_detail is not None:
        _FeedParserMixin._sync_author_detail = _bounded_sync_author_detail
    return feedparser


def _bounded_sync_author_detail(self: Any, key: str = "author") -> None:
    """Cap author text before feedparser matches its email regex against it.

    ``_sync_author_detail`` searches ``<author>``, ``<dc:creator>``,
    ``<managingEditor>``, ``<itunes:author>``... text with a pattern that backtracks
    quadratically in the text's length (kurtmckee/feedparser#562; the fix proposed
    upstream in #580 is the same length guard). Wrapping the method is the
    only reliable hook: the text can be assembled from entities, CDATA sections,
    comments and child elements, so no rewrite of the document bounds it. Remove this
    once a feedparser release bounds the match itself.
    """
    context = self._get_context()
    value = context.get(key)
    if isinstance(value, str) and len(value) > MAX_AUTHOR_CHARS:
        context[key] = value[:MAX_AUTHOR_CHARS]
    if _original_sync_author_detail is not None:
        _original_sync_author_detail(self, key)
