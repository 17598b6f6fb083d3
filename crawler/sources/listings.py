"""Read any watched source — feed, sitemap, section page — as one list of article links.

The spider routes by a source's `type`; this module hides the differences: what comes back
is always links (with whatever title and date the source gave), child sitemaps still to
fetch, problems worth recording, and the source's own polling hints.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from crawler.core.config import FeedConfig
from crawler.core.errors import NotAFeed, NotAListing, NotASitemap, Problem, Reason
from crawler.sources.aggregators import resolve_aggregator_link
from crawler.sources.feeds import parse_feed
from crawler.sources.polling import server_hint_seconds
from crawler.sources.section_pages import article_links, link_set_hash
from crawler.sources.sitemaps import parse_sitemap, sitemaps_from_robots


@dataclass(frozen=True)
class ListedLink:
    """An article link as the source listed it: what the pending URL keeps (title and date are
    the article's fallback metadata; a news sitemap's keywords are not kept, the store has no
    place for them)."""

    url: str  # publisher URL when an aggregator link could be resolved offline
    title: str | None = None
    published: datetime | None = None


@dataclass
class Listing:
    """What one fetch of a source yielded."""

    links: list[ListedLink]
    children: list[str] = field(default_factory=list)  # sitemaps of an index, robots.txt sitemaps
    problems: list[Problem] = field(default_factory=list)
    hint_seconds: float = 0.0
    link_set_hash: str | None = None  # section pages: equal when the link set did not change
    dated: list[datetime | None] = field(default_factory=list)  # for interval adaptation


def read_listing(
    source: FeedConfig,
    body: bytes,
    text: str | None,
    url: str,
    headers: Mapping[str, str],
    now: datetime,
    max_entries: int,
) -> Listing:
    """Parse a fetched body according to the source's type; raise NotAListing when it is not one."""
    if source.type == "page":
        return _page(source, text, url, max_entries)
    if source.type == "sitemap":
        return _sitemap(source, body, url, headers, now, max_entries)
    return _feed(body, url, headers, max_entries)


def _feed(body: bytes, url: str, headers: Mapping[str, str], max_entries: int) -> Listing:
    try:
        parsed = parse_feed(body, url, headers, max_entries=max_entries)
    except NotAFeed as exc:
        raise NotAListing(exc.reason, str(exc)) from None
    links = [ListedLink(_publisher(entry.link), entry.title, entry.published) for entry in parsed.entries]
    hint = server_hint_seconds(parsed.ttl_seconds, parsed.update_period_seconds, None)
    return Listing(
        links,
        problems=list(parsed.problems),
        hint_seconds=hint,
        dated=[entry.published for entry in parsed.entries],
    )


def _sitemap(
    source: FeedConfig, body: bytes, url: str, headers: Mapping[str, str], now: datetime, max_entries: int
) -> Listing:
    if urlsplit(url).path.rstrip("/").endswith("/robots.txt") or urlsplit(url).path == "/robots.txt":
        return Listing([], children=sitemaps_from_robots(body))
    try:
        parsed = parse_sitemap(
            body, url, headers, max_entries=max_entries, newer_than=now - timedelta(seconds=source.window)
        )
    except NotASitemap as exc:
        if exc.is_feed:  # a feed listed as a sitemap (robots.txt does this): read it as one
            return _feed(body, url, headers, max_entries)
        raise NotAListing(exc.reason, str(exc)) from None
    links = [ListedLink(_publisher(entry.link), entry.title, entry.published) for entry in parsed.entries]
    return Listing(
        links,
        children=parsed.children,
        problems=list(parsed.problems),
        dated=[entry.published for entry in parsed.entries],
    )


def _page(source: FeedConfig, text: str | None, url: str, max_entries: int) -> Listing:
    if text is None:
        raise NotAListing(Reason.NOT_HTML, "a section page must be HTML")
    found = article_links(text, url, allow=source.allow, deny=source.deny, max_links=max_entries)
    return Listing(
        [ListedLink(link.url, link.text or None) for link in found],
        link_set_hash=link_set_hash(found),
    )


def _publisher(link: str) -> str:
    """The publisher's URL behind an aggregator link when it can be read off the link itself.

    Otherwise the link stays as it is: fetching it follows the aggregator's redirect, and the
    article is stored under the publisher's canonical URL (see the spider's parse_article).
    """
    return resolve_aggregator_link(link) or link
