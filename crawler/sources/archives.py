"""What a backfill reads: archive files (WARC, CC-NEWS) or a site's Wayback captures, and for
which sites."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlsplit

VIA_CC_NEWS = "cc-news"
VIA_WAYBACK = "wayback"
VIA_WARC = "warc"
# Feed hosts often differ from article hosts only by a leading label (feeds.x.com, www.x.com).
_FEED_LABELS = ("www.", "feeds.", "feed.", "rss.", "m.", "amp.")


@dataclass(frozen=True)
class WaybackQuery:
    site: str
    first: date
    last: date
    base: str


@dataclass(frozen=True)
class BackfillPlan:
    """One backfill: the archives to read in order (or a Wayback query), and the sites wanted."""

    via: str
    archives: tuple[str, ...] = ()
    wayback: WaybackQuery | None = None
    sites: frozenset[str] = field(default_factory=frozenset)  # empty with any_site: every host
    any_site: bool = False
    site_names: dict[str, str] = field(default_factory=dict)  # site -> the feed it belongs to

    def wants(self, host: str) -> bool:
        """Whether a record for `host` is worth reading (decided before its payload is)."""
        return self.any_site or self.site_of_host(host) is not None

    def site_of_host(self, host: str) -> str | None:
        host = host.lower().rstrip(".")
        for site in self.sites:
            if host == site or host.endswith("." + site):
                return site
        return None

    def source_name(self, host: str) -> str:
        """The feed a host's article belongs to, or the host itself."""
        site = self.site_of_host(host)
        return self.site_names.get(site, site) if site else host.lower()


def watched_sites(feeds: Iterable[tuple[str, str]]) -> dict[str, str]:
    """site -> feed name for the config's feeds ((name, url) pairs); search and aggregator
    feeds (news.google.com and the like) name no site of their own and are left out."""
    sites: dict[str, str] = {}
    for name, url in feeds:
        host = (urlsplit(url).hostname or "").lower()
        if not host or _is_search_host(host):
            continue
        sites.setdefault(site_of_host_name(host), name)
    return sites


def site_of_host_name(host: str) -> str:
    host = host.lower().rstrip(".")
    for label in _FEED_LABELS:
        if host.startswith(label) and host.count(".") >= 2:
            return host[len(label) :]
    return host


def _is_search_host(host: str) -> bool:
    return host in ("news.google.com", "www.bing.com", "bing.com", "news.yahoo.com")
