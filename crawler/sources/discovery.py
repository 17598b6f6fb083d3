"""Finding a site's feeds and sitemaps, for ``newswatch feeds discover URL``.

The command fetches (through Scrapy, like everything else: ``spiders/discover.py``) the page,
the COMMON_FEED_PATHS candidates and robots.txt (``sitemaps_from_robots``); this module judges
what came back. Turning what was found into configuration is ``crawler.app.config_editing``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urljoin, urlsplit

from lxml.html import HtmlElement

from crawler.core.errors import NotAFeed, NotASitemap
from crawler.core.urls import canonical_url, is_fetchable_url
from crawler.sources.feeds import parse_feed
from crawler.sources.section_pages import base_url, parse_html
from crawler.sources.sitemaps import parse_sitemap

SourceType = Literal["feed", "sitemap", "page"]

MAX_DISCOVERED = 50
MAX_TITLE_CHARS = 100

# Where sites commonly publish feeds and news sitemaps, relative to the site root.
COMMON_FEED_PATHS: tuple[tuple[str, SourceType], ...] = (
    ("/feed", "feed"),
    ("/rss", "feed"),
    ("/rss.xml", "feed"),
    ("/feed.xml", "feed"),
    ("/atom.xml", "feed"),
    ("/index.xml", "feed"),
    ("/feeds/posts/default", "feed"),
    ("/sitemap_news.xml", "sitemap"),
    ("/news-sitemap.xml", "sitemap"),
    ("/sitemap-news.xml", "sitemap"),
    ("/sitemap.xml", "sitemap"),
    ("/sitemap_index.xml", "sitemap"),
)

_FEED_MEDIA_TYPES = frozenset(
    {"application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/feed+json"}
)
_FEED_LINK_PATH = re.compile(r"(?:/feed|/rss|/atom|\.rss|\.atom)/?$", re.IGNORECASE)
_FEEDISH = re.compile(r"rss|feed|atom", re.IGNORECASE)
_COMMENTS_FEED = re.compile(r"comments", re.IGNORECASE)


@dataclass(frozen=True)
class DiscoveredSource:
    """A source found on a site, ready to become a ``feeds:`` entry."""

    url: str
    type: SourceType
    title: str | None = None


def feed_links_in_html(html: str, page_url: str) -> list[DiscoveredSource]:
    """Feeds and sitemaps a page announces: ``<link rel=alternate|sitemap>`` and feed-like ``<a>``.

    Comment feeds and WordPress's ``application/json`` REST links are skipped. In
    document order, one per canonical URL, at most MAX_DISCOVERED.
    """
    document = parse_html(html)
    if document is None:
        return []
    base = base_url(document, page_url)
    candidates: list[DiscoveredSource | None] = []
    for element in document.iter("link", "a"):
        href, title = (element.get("href") or "").strip(), clean_title(element.get("title"))
        if not href:
            continue
        try:
            url = urljoin(base, href)
        except ValueError:
            continue
        if element.tag == "link":
            candidates.append(_announced(element, url, title))
        else:
            candidates.append(_linked(url, clean_title(element.text_content()) or title))
    return _unique(source for source in candidates if source and is_fetchable_url(source.url))


def common_source_candidates(site_url: str) -> list[DiscoveredSource]:
    """The COMMON_FEED_PATHS on the site of ``site_url``, to be fetched and judged."""
    parts = urlsplit(site_url)
    root = f"{parts.scheme}://{parts.netloc}"
    return [DiscoveredSource(root + path, kind) for path, kind in COMMON_FEED_PATHS]


def classify_response(
    body: bytes, url: str, headers: Mapping[str, str] | None = None
) -> DiscoveredSource | None:
    """What a fetched candidate is: a sitemap, a feed (with its title), or None."""
    try:
        sitemap = parse_sitemap(body, url, headers, max_entries=50)
    except NotASitemap:
        pass
    else:
        is_news = any(entry.title for entry in sitemap.entries)
        label = "sitemap index" if sitemap.kind == "index" else "news sitemap" if is_news else "sitemap"
        return DiscoveredSource(url, "sitemap", label)
    try:
        feed = parse_feed(body, url, headers, max_entries=50)
    except NotAFeed:
        return None
    return DiscoveredSource(url, "feed", clean_title(feed.title))


def _announced(element: HtmlElement, url: str, title: str | None) -> DiscoveredSource | None:
    """A ``<link>`` that announces a feed (rel=alternate) or a sitemap (rel=sitemap)."""
    rel = {token.lower() for token in (element.get("rel") or "").split()}
    media_type = (element.get("type") or "").split(";")[0].strip().lower()
    if "sitemap" in rel:
        return DiscoveredSource(url, "sitemap", title)
    if "alternate" not in rel or _is_comments_feed(url, title):
        return None
    if media_type in _FEED_MEDIA_TYPES:
        return DiscoveredSource(url, "feed", title)
    feedish_json = _FEEDISH.search(url + " " + (title or "")) and "wp-json" not in url
    return DiscoveredSource(url, "feed", title) if media_type == "application/json" and feedish_json else None


def _linked(url: str, text: str | None) -> DiscoveredSource | None:
    """An ``<a>`` whose target looks like a feed: /feed, /rss, .rss, .atom, or feed-ish .xml."""
    path = urlsplit(url).path
    if _is_comments_feed(url, text):
        return None
    if _FEED_LINK_PATH.search(path) or (path.lower().endswith(".xml") and _FEEDISH.search(f"{path} {text}")):
        return DiscoveredSource(url, "feed", text)
    return None


def _is_comments_feed(url: str, title: str | None) -> bool:
    return bool(_COMMENTS_FEED.search(urlsplit(url).path) or (title and _COMMENTS_FEED.search(title)))


def _unique(sources: Iterable[DiscoveredSource]) -> list[DiscoveredSource]:
    found: dict[str, DiscoveredSource] = {}
    for source in sources:
        found.setdefault(canonical_url(source.url) or source.url, source)
        if len(found) >= MAX_DISCOVERED:
            break
    return list(found.values())


def clean_title(title: str | None) -> str | None:
    """One printable line: titles come from strangers and end up in YAML comments."""
    if not title:
        return None
    text = " ".join("".join(ch for ch in title if ch.isprintable() or ch.isspace()).split())
    return text[:MAX_TITLE_CHARS] or None
