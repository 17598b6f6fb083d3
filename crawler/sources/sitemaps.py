"""Parse sitemaps that Scrapy fetched: Google News sitemaps, plain urlsets, indexes, robots.txt.

Pure, like ``crawler.sources.feeds``: bytes in, dataclasses out, ``NotASitemap`` for bodies
that are no sitemap at all. Following an index's children (and how deep) is the caller's
business; this module only lists them.

Safety: a sitemap is a stranger's XML. Its DOCTYPE is removed before lxml reads it (what
libxml2 makes of a declared entity's reference is its version's choice: lxml 6.1 stopped
reading at the amplification limit, 6.2 drops the reference and keeps the rest of the value),
and each reference to an entity other than XML's five is replaced by a mark whose values are
dropped (libxml2, meeting an undeclared one, drops every later ``&amp;``). lxml then
parses with entity substitution, DTD loading and network access off, and libxml2's size
limits on (``huge_tree=False``): an external DTD or ``SYSTEM`` entity is never opened, and a
value that still holds an unexpanded entity reference is dropped rather than guessed at.
Parsing streams (``iterparse``, each ``<url>`` freed once read), so a 50 MB sitemap
does not become a 500 MB tree. A body that is still gzip (``sitemap.xml.gz`` served
as is) is decompressed here, one layer, up to MAX_GUNZIPPED_BYTES (the protocol's
limit for one file); past it the rest is cut and the problem recorded.

The window. ``newer_than`` drops entries whose date (``news:publication_date``, else
``lastmod``) is older. Entries without any date are kept: plain-text sitemaps and
many urlsets carry none, and the store's "already seen" check makes them cheap after
the first poll; ``max_entries`` bounds that first poll. When the cap bites, the
newest dated entries win, then undated ones in document order. Index children are
windowed the same way by their ``lastmod`` (an archive child last changed in 2019
holds nothing new).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal
from urllib.parse import urljoin

from lxml import etree

from crawler.core.errors import NotASitemap, Problem, ProblemKind
from crawler.core.urls import canonical_url, is_fetchable_url
from crawler.sources.dates import sitemap_date
from crawler.sources.doctype import DOCTYPE_START, doctype_end
from crawler.sources.gzip_body import BadGzip, gunzip_one_layer, is_gzip

DEFAULT_MAX_ENTRIES = 5000
MAX_GUNZIPPED_BYTES = 50 * 1024 * 1024
MAX_URLS_SCANNED = 100_000  # twice the protocol's 50,000 per file
MAX_ROBOTS_BYTES = 500 * 1024  # what Google reads of a robots.txt
MAX_ROBOTS_SITEMAPS = 100
MAX_KEYWORDS = 50
MAX_VALUE_CHARS = 2048

_LEADING_NOISE = b"\xef\xbb\xbf \t\r\n"
_SAFE_PARSING: dict[str, Any] = dict(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
    recover=True, remove_comments=True, remove_pis=True,
)  # fmt: skip
_ROBOTS_SITEMAP = re.compile(rb"^[ \t]*sitemap[ \t]*:[ \t]*(\S+)", re.IGNORECASE | re.MULTILINE)
_FEED_ROOTS = frozenset({"rss", "feed", "rdf", "channel"})
_DOCTYPE_BYTES = re.compile(rb"<!DOCTYPE", re.IGNORECASE)
_ENTITY_REFERENCE = re.compile(rb"&(?!(?:amp|lt|gt|quot|apos);)[A-Za-z_:][A-Za-z0-9_.:-]*;")
UNTRUSTED = "\ue000"  # a private-use character: stands for a reference to an entity
_UNTRUSTED_REFERENCE = f"&#x{ord(UNTRUSTED):X};".encode("ascii")


@dataclass(frozen=True)
class SitemapEntry:
    """One ``<url>`` of a urlset (or, internally, one ``<sitemap>`` of an index)."""

    link: str  # absolute http(s) URL as published, not canonicalized
    published: datetime | None  # UTC: news:publication_date, else lastmod
    title: str | None  # news:title
    keywords: list[str] = field(default_factory=list)  # news:keywords, split on commas
    lastmod: datetime | None = None


@dataclass(frozen=True)
class ParsedSitemap:
    """A parsed sitemap: article entries (urlset) or child sitemap URLs (index)."""

    kind: Literal["urlset", "index"]
    entries: list[SitemapEntry]  # deduplicated by canonical link, windowed, capped; document order
    children: list[str]  # child sitemap URLs of an index, windowed by lastmod, capped
    problems: list[Problem]  # recoverable issues, worded for `newswatch feeds status`


def parse_sitemap(
    body: bytes,
    url: str,
    headers: Mapping[str, str] | None = None,
    *,
    max_entries: int = DEFAULT_MAX_ENTRIES,
    newer_than: datetime | None = None,
) -> ParsedSitemap:
    """Parse a sitemap body fetched from ``url`` (relative locations resolve against it).

    Reads ``<urlset>`` (with the Google News extension), ``<sitemapindex>``, and plain
    text with one URL per line; namespaces may be missing or wrong. Raises NotASitemap
    for an empty body, HTML, JSON, an RSS/Atom feed (``is_feed`` set) or garbage.
    """
    if max_entries < 1:
        raise ValueError(f"max_entries must be at least 1, not {max_entries}")
    problems: list[Problem] = []
    body = _gunzip(body, problems)
    head = body[:1024].lstrip(_LEADING_NOISE)
    if not head:
        raise NotASitemap("empty body")
    if head[:1] in (b"{", b"["):
        raise NotASitemap("JSON, not a sitemap")
    if head.startswith(b"<") or head.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00<", b"<\x00")):
        kind, candidates = _read_xml(body, url, problems)
    else:
        kind, candidates = "urlset", _read_text(body, (headers or {}), problems)
    selected = _select(candidates, newer_than, max_entries, problems)
    if kind == "index":
        return ParsedSitemap("index", [], [entry.link for entry in selected], problems)
    return ParsedSitemap("urlset", selected, [], problems)


def sitemaps_from_robots(body: bytes) -> list[str]:
    """The fetchable ``Sitemap:`` URLs of a robots.txt, in order, deduplicated and capped."""
    found: dict[str, None] = {}
    for match in _ROBOTS_SITEMAP.finditer(body[:MAX_ROBOTS_BYTES]):
        candidate = match.group(1).decode("utf-8", "replace")
        if is_fetchable_url(candidate):
            found.setdefault(candidate, None)
        if len(found) >= MAX_ROBOTS_SITEMAPS:
            break
    return list(found)


# --- reading -----------------------------------------------------------------------


def _gunzip(body: bytes, problems: list[Problem]) -> bytes:
    """Decompress a body that is still gzip, one layer, at most MAX_GUNZIPPED_BYTES."""
    if not is_gzip(body):
        return body
    try:
        unzipped = gunzip_one_layer(body, MAX_GUNZIPPED_BYTES)
    except BadGzip as exc:
        raise NotASitemap(str(exc)) from exc
    if unzipped.overflow:  # the head of a huge sitemap still lists the newest URLs
        problems.append(
            Problem(
                ProblemKind.COMPRESSION,
                f"decompressed sitemap larger than {MAX_GUNZIPPED_BYTES} bytes; read the start only",
            )
        )
    elif unzipped.truncated:
        problems.append(Problem(ProblemKind.COMPRESSION, "gzip body was truncated; read what it held"))
    return unzipped.data


def _without_doctype(body: bytes) -> tuple[bytes, bool]:
    """The body without its DOCTYPE declarations, and whether there was one. Read as Latin-1,
    which maps every byte to one character and back, so a UTF-8 (or any ASCII-compatible) body
    is otherwise unchanged; a UTF-16 body is left to lxml's own protections."""
    if not _DOCTYPE_BYTES.search(body):
        return body, False
    text = body.decode("latin-1")
    pieces: list[str] = []
    position = 0
    while match := DOCTYPE_START.search(text, position):
        end, _subset = doctype_end(text, match.end())
        pieces.append(text[position : match.start()])
        position = end
    pieces.append(text[position:])
    return "".join(pieces).encode("latin-1"), True


def _entities_marked(body: bytes) -> bytes:
    """Each reference to an entity other than XML's five replaced by UNTRUSTED, so that its
    value is dropped: with no DOCTYPE left no such entity is declared, and libxml2, meeting
    one, also drops every later ``&amp;`` of the document. A body with a CDATA section, where a
    reference is literal text, is left as it is (libxml2 then drops what follows the error)."""
    if b"&" not in body or b"<![CDATA[" in body:
        return body
    return _ENTITY_REFERENCE.sub(_UNTRUSTED_REFERENCE, body)


def _read_xml(body: bytes, url: str, problems: list[Problem]) -> tuple[str, list[SitemapEntry]]:
    body, had_doctype = _without_doctype(body)
    body = _entities_marked(body)
    context = etree.iterparse(io.BytesIO(body), events=("start", "end"), **_SAFE_PARSING)
    candidates: list[SitemapEntry] = []
    unusable = 0
    try:
        for element in _records(context, problems):
            entry = _entry(element, url)
            if entry is None:
                unusable += 1
            else:
                candidates.append(entry)
    except etree.XMLSyntaxError as exc:  # a fatal error even in recovery mode (e.g. entity amplification)
        if not candidates:
            raise NotASitemap(f"ill-formed XML: {exc}"[:300]) from exc
        problems.append(Problem(ProblemKind.ILL_FORMED, f"ill-formed XML, read up to the error: {exc}"[:300]))
    else:
        _note_recovered_errors(context.error_log, problems)
    if unusable:
        problems.append(
            Problem(ProblemKind.UNFETCHABLE_ENTRIES, f"dropped {unusable} entries without a location")
        )
    if had_doctype or (context.root is not None and context.root.getroottree().docinfo.doctype):
        problems.append(
            Problem(ProblemKind.DOCTYPE, "ignored a DOCTYPE: entities are never expanded or loaded")
        )
    return _root_kind(context.root), candidates


def _records(context: Any, problems: list[Problem]) -> Iterator[Any]:
    """Each ``<url>`` or ``<sitemap>`` element once complete, freed after use."""
    wanted = ""
    scanned = 0
    for event, element in context:
        if not wanted:
            wanted = _check_root(element)
        if event != "end" or _name(element) != wanted:
            continue
        scanned += 1
        if scanned > MAX_URLS_SCANNED:
            problems.append(Problem(ProblemKind.CAPPED, f"stopped reading after {MAX_URLS_SCANNED} entries"))
            return
        yield element
        parent = element.getparent()
        if parent is not None and parent.getparent() is None:  # not a record nested by recovery
            element.clear(keep_tail=False)
            while element.getprevious() is not None:
                del parent[0]


def _check_root(root: Any) -> str:
    """The record element a root holds (``url`` or ``sitemap``); NotASitemap otherwise."""
    name = _name(root)
    if name in ("urlset", "sitemapindex"):
        return "url" if name == "urlset" else "sitemap"
    if name in _FEED_ROOTS:
        raise NotASitemap(f"an RSS/Atom feed (root element <{name}>), not a sitemap", is_feed=True)
    raise NotASitemap("an HTML page, not a sitemap" if name == "html" else f"root element <{name[:40]}>")


def _root_kind(root: Any) -> str:
    if root is None:
        raise NotASitemap("no XML element found")
    return "index" if _check_root(root) == "sitemap" else "urlset"


def _note_recovered_errors(error_log: Any, problems: list[Problem]) -> None:
    errors = [error for error in error_log if error.level >= etree.ErrorLevels.ERROR]
    if errors:
        first = f"{errors[0].message.strip()} at line {errors[0].line}"
        problems.append(
            Problem(
                ProblemKind.ILL_FORMED,
                f"ill-formed XML, recovered from {len(errors)} error(s); first: {first}"[:300],
            )
        )


def _entry(record: Any, base: str) -> SitemapEntry | None:
    """A ``<url>``/``<sitemap>`` element as an entry; None without a location (fetchable or not)."""
    values = _child_values(record)
    link = _absolute(values.get("loc"), base)
    if link is None:
        return None
    lastmod = sitemap_date(values.get("lastmod"))
    news = next((child for child in _children(record) if _name(child) == "news"), None)
    news_values = _child_values(news) if news is not None else {}
    keywords = (news_values.get("keywords") or "").split(",")
    return SitemapEntry(
        link=link,
        published=sitemap_date(news_values.get("publication_date")) or lastmod,
        title=" ".join((news_values.get("title") or "").split()) or None,
        keywords=list(dict.fromkeys(word.strip() for word in keywords if word.strip()))[:MAX_KEYWORDS],
        lastmod=lastmod,
    )


def _child_values(element: Any) -> dict[str, str]:
    """Text of each direct child element by local name (first wins), entity-free and capped."""
    values: dict[str, str] = {}
    for child in _children(element):
        name = _name(child)
        if name in values or any(True for _ in child.iter(etree.Entity)):
            continue  # an unexpanded entity reference: the value cannot be trusted
        text = "".join(child.itertext())
        if UNTRUSTED in text:
            continue  # it referred to an entity (a removed DOCTYPE's or none's)
        values[name] = text[:MAX_VALUE_CHARS].strip()
    return values


def _children(element: Any) -> Iterator[Any]:
    return (child for child in element if isinstance(child.tag, str))


def _name(element: Any) -> str:
    """The local name, lowercased: namespaces may be missing, wrong, or undeclared prefixes."""
    tag = element.tag if isinstance(element.tag, str) else ""
    return tag.rpartition("}")[2].rpartition(":")[2].lower()


def _absolute(location: str | None, base: str) -> str | None:
    if not location:
        return None
    if location[:8].lower().startswith(("https://", "http://")):
        return location  # the usual case; urljoin would cost more than the rest of the entry
    try:
        return urljoin(base, location)  # the protocol wants absolute URLs; relative ones are common enough
    except ValueError:
        return None


def _read_text(body: bytes, headers: Mapping[str, str], problems: list[Problem]) -> list[SitemapEntry]:
    """A plain-text sitemap: one absolute URL per line, UTF-8 (sitemaps.org, "Text file")."""
    lines = [line.strip() for line in body.decode("utf-8", "replace").splitlines()[:MAX_URLS_SCANNED]]
    lines = [line for line in lines if line]
    links = [line for line in lines if line[:8].lower().startswith(("https://", "http://"))]
    content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    if not links or (len(links) < len(lines) / 2 and "text/plain" not in content_type.lower()):
        raise NotASitemap("neither XML nor a list of URLs")
    if len(links) < len(lines):
        problems.append(
            Problem(
                ProblemKind.UNFETCHABLE_ENTRIES,
                f"skipped {len(lines) - len(links)} lines that are no http(s) URL",
            )
        )
    return [SitemapEntry(link=link, published=None, title=None) for link in links]


# --- choosing ----------------------------------------------------------------------


def _select(
    candidates: list[SitemapEntry], newer_than: datetime | None, max_entries: int, problems: list[Problem]
) -> list[SitemapEntry]:
    """The newest ``max_entries`` entries inside the window, one per canonical link, in document order.

    Canonicalizing costs far more than parsing, so entries are ranked first and only
    canonicalized until enough are chosen: a 50,000-URL archive costs ``max_entries`` of them.
    """
    in_window = [
        (index, entry)
        for index, entry in enumerate(candidates)
        if newer_than is None or entry.published is None or entry.published >= newer_than
    ]
    chosen: dict[int, SitemapEntry] = {}
    seen: set[str] = set()
    unfetchable = repeats = 0
    for index, entry in sorted(in_window, key=lambda pair: _recency_rank(pair[1], pair[0])):
        if len(chosen) >= max_entries:
            problems.append(
                Problem(
                    ProblemKind.CAPPED,
                    f"entries capped at {max_entries} of {len(in_window)} listed; the newest were kept",
                )
            )
            break
        key = canonical_url(entry.link)  # None when the link must never be fetched
        if key is None or key in seen:
            unfetchable += key is None
            repeats += key is not None
            continue
        seen.add(key)
        chosen[index] = entry
    if unfetchable:
        problems.append(
            Problem(
                ProblemKind.UNFETCHABLE_ENTRIES, f"dropped {unfetchable} entries with an unfetchable location"
            )
        )
    if repeats:
        problems.append(
            Problem(ProblemKind.REPEATED_ENTRIES, f"dropped {repeats} entries repeating an earlier location")
        )
    undated = sum(entry.published is None for entry in chosen.values())
    if newer_than is not None and undated and any(entry.published for entry in candidates):  # a mix is odd
        problems.append(
            Problem(
                ProblemKind.UNDATED_ENTRIES,
                f"kept {undated} entries without a date: the window cannot judge them",
            )
        )
    return [chosen[index] for index in sorted(chosen)]


def _recency_rank(entry: SitemapEntry, index: int) -> tuple[int, float]:
    """Dated entries first, newest first; then undated ones in document order."""
    return (0, -entry.published.timestamp()) if entry.published else (1, index)
