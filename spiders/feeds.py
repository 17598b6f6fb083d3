"""The feeds spider: one cycle over the sources that are due.

It routes and nothing else: which feeds are due and which URLs are new come from the store;
parsing lives in ``crawler.feedparse``; extraction, relevance, dedupe and storage are pipelines.
Store calls and feed parsing run in threads (``asyncio.to_thread``): a database busy with
another writer must never stall the reactor that is downloading.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.http import Response, TextResponse
from scrapy.settings import BaseSettings
from twisted.python.failure import Failure

from crawler.clock import utcnow
from crawler.config import FeedConfig
from crawler.encoded_page import EncodedPage
from crawler.failures import is_permanent, reason_for_failure, reason_for_status
from crawler.items import ArticleItem
from crawler.listings import ListedLink, Listing, NotAListing, read_listing
from crawler.polling import (
    adaptive_interval,
    next_check_after_failure,
    next_check_after_success,
    parse_max_age,
    parse_retry_after,
    server_hint_seconds,
)
from crawler.recheck import next_recheck
from crawler.runtime import CycleRuntime, runtime_for
from crawler.scrapy_settings import apply_config
from crawler.store import FeedState, NewEntry, PendingUrl, PollOutcome, RecheckTarget
from crawler.urls import canonical_url

# Let error statuses reach the callbacks (to be recorded) but keep redirects with Scrapy.
HANDLED_STATUSES = [304, *range(400, 600)]
HTML_TYPES = (b"text/html", b"application/xhtml+xml")
MAX_SITEMAP_DEPTH = 2  # an index of indexes, no deeper
MAX_CHILD_SITEMAPS = 50  # per index document


class FeedsSpider(Spider):
    """Poll due feeds with conditional GET and request the articles never seen before."""

    name = "feeds"

    def __init__(self, feed: str | list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        names = feed.split(",") if isinstance(feed, str) else (feed or [])
        self.feed_names = [name.strip() for name in names if name.strip()]

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        super().update_settings(settings)
        apply_config(settings, with_topic=True)

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> FeedsSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.runtime = runtime_for(crawler)
        return spider

    runtime: CycleRuntime

    async def start(self) -> AsyncIterator[Request]:
        config, store = self.runtime.config, self.runtime.store
        unknown = [name for name in self.feed_names if name not in {f.name for f in config.feeds}]
        if unknown:
            self.logger.error("unknown feed name(s): %s", ", ".join(unknown))
            return
        selected = self.feed_names or [feed.name for feed in config.feeds if feed.enabled]
        now = utcnow()
        await asyncio.to_thread(store.sync_feeds, config.feeds, now)
        # A feed named on the command line is polled now even if it is not due.
        states = await asyncio.to_thread(store.feeds, selected)
        due = [f for f in states if f.retired_at is None and (self.feed_names or _is_due(f, now))]
        self.runtime.count("feeds_due", len(due))
        for feed in due:
            yield self._feed_request(feed)
        # Articles a crashed or interrupted cycle still owes (see Store.record_poll).
        for pending in await asyncio.to_thread(store.pending_urls, [f.id for f in states]):
            yield self._article_request(pending, _feed_by_id(states, pending.feed_id))
        recheck = config.recheck
        if recheck.enabled and not self.feed_names:
            for target in await asyncio.to_thread(store.due_for_recheck, now, recheck.max_per_cycle):
                yield self._recheck_request(target)

    def _feed_request(self, feed: FeedState) -> Request:
        headers = {}
        if feed.etag:
            headers["If-None-Match"] = feed.etag
        if feed.last_modified:
            headers["If-Modified-Since"] = feed.last_modified
        return Request(
            feed.fetch_url,
            callback=self.parse_feed,
            errback=self.feed_failed,
            headers=headers,
            dont_filter=True,
            priority=100,
            meta={
                "newswatch_feed": feed,
                "handle_httpstatus_list": HANDLED_STATUSES,
                "download_maxsize": self.runtime.config.crawl.feed_max_bytes,
            },
        )

    def _article_request(self, pending: PendingUrl, feed: FeedState | None) -> Request:
        self.runtime.count("articles_requested")
        return Request(
            pending.url,
            callback=self.parse_article,
            errback=self.article_failed,
            # The store already decided this URL is new; Scrapy's dupefilter would otherwise
            # swallow a redirect loop silently instead of letting it fail at the limit.
            dont_filter=True,
            meta={
                "newswatch_pending": pending,
                "newswatch_feed": feed,
                "handle_httpstatus_list": HANDLED_STATUSES,
                "download_maxsize": self.runtime.config.crawl.page_max_bytes,
            },
        )

    def _recheck_request(self, target: RecheckTarget) -> Request:
        self.runtime.count("articles_rechecked")
        return Request(
            target.url,
            callback=self.parse_recheck,
            errback=self.recheck_failed,
            dont_filter=True,
            priority=-10,  # new articles first
            meta={
                "newswatch_recheck": target,
                "handle_httpstatus_list": HANDLED_STATUSES,
                "download_maxsize": self.runtime.config.crawl.page_max_bytes,
            },
        )

    # -- feeds ---------------------------------------------------------------------------------

    async def parse_feed(self, response: Response) -> AsyncIterator[Request]:
        for request in await asyncio.to_thread(self._handle_feed, response):
            yield request

    def _handle_feed(self, response: Response) -> list[Request]:
        feed: FeedState = response.meta["newswatch_feed"]
        self.runtime.count("feeds_polled")
        if response.status == 304:
            if not (feed.etag or feed.last_modified):
                return self._feed_failure(
                    feed, response.url, "not-a-feed", "304 to a request without validators"
                )
            self.runtime.count("feeds_not_modified")
            self._record_success(
                feed,
                response,
                [],
                interval=feed.effective_interval,
                etag=feed.etag,
                last_modified=feed.last_modified,
            )
            return []
        if response.status >= 400:
            reason = reason_for_status(response.status)
            retry_after = parse_retry_after(_header(response, b"Retry-After"), utcnow())
            return self._feed_failure(feed, response.url, reason, f"HTTP {response.status}", retry_after)
        source = self.runtime.config.feed(feed.name)
        try:
            listing = self._read(source, response)
        except NotAListing as exc:
            return self._feed_failure(feed, response.url, exc.reason, str(exc))
        self._record_problems(feed, response.url, listing)
        unchanged = (
            listing.link_fingerprint is not None and listing.link_fingerprint == feed.content_fingerprint
        )
        new_entries = [] if unchanged else self._new_entries(listing)
        if unchanged:
            self.runtime.count("feeds_not_modified")  # a section page whose link set did not change
        shortest, longest = source.interval_bounds
        self._record_success(
            feed,
            response,
            new_entries,
            interval=adaptive_interval(listing.dated, utcnow(), shortest, longest),
            etag=_header(response, b"ETag"),
            last_modified=_header(response, b"Last-Modified"),
            hint_seconds=listing.hint_seconds,
            content_fingerprint=listing.link_fingerprint,
        )
        requests = [self._child_request(url, feed, depth=1) for url in listing.children[:MAX_CHILD_SITEMAPS]]
        return requests + [self._article_request(_pending(entry, feed.id), feed) for entry in new_entries]

    def _read(self, source: FeedConfig, response: Response) -> Listing:
        text = response.text if isinstance(response, TextResponse) else None
        return read_listing(
            source,
            response.body,
            text,
            response.url,
            _headers(response),
            utcnow(),
            self.runtime.config.crawl.max_entries_per_feed,
        )

    def _record_problems(self, feed: FeedState, url: str, listing: Listing) -> None:
        for problem in listing.problems:
            # The lenient parse kept what it could; the problem is still the feed's to fix.
            # A feed repeating a link is merely untidy and would be reported on every poll.
            if "repeating an earlier link" not in problem:
                self.runtime.fail(feed.id, url, "feed-problem", problem)

    def _new_entries(self, listing: Listing) -> list[NewEntry]:
        """Links whose canonical URL the store has never seen, one per canonical URL."""
        by_canonical: dict[str, ListedLink] = {}
        for link in listing.links:
            key = canonical_url(link.url)
            if key and key not in by_canonical:
                by_canonical[key] = link
        unseen = self.runtime.store.unseen(by_canonical)
        return [
            NewEntry(canonical_url=key, url=link.url, title=link.title, published=link.published)
            for key, link in by_canonical.items()
            if key in unseen
        ]

    # -- child sitemaps (of an index, or listed in robots.txt) ------------------------------------

    def _child_request(self, url: str, feed: FeedState, depth: int) -> Request:
        return Request(
            url,
            callback=self.parse_child,
            errback=self.child_failed,
            dont_filter=True,
            priority=90,
            meta={
                "newswatch_feed": feed,
                "newswatch_depth": depth,
                "handle_httpstatus_list": HANDLED_STATUSES,
                "download_maxsize": self.runtime.config.crawl.feed_max_bytes,
            },
        )

    async def parse_child(self, response: Response) -> AsyncIterator[Request]:
        for request in await asyncio.to_thread(self._handle_child, response):
            yield request

    def _handle_child(self, response: Response) -> list[Request]:
        feed: FeedState = response.meta["newswatch_feed"]
        depth: int = response.meta["newswatch_depth"]
        if response.status >= 400:
            self.runtime.fail(
                feed.id, response.url, reason_for_status(response.status), f"HTTP {response.status}"
            )
            return []
        try:
            listing = self._read(self.runtime.config.feed(feed.name), response)
        except NotAListing as exc:
            self.runtime.fail(feed.id, response.url, exc.reason, str(exc))
            return []
        self._record_problems(feed, response.url, listing)
        new_entries = self._new_entries(listing)
        self.runtime.store.add_pending(feed.id, new_entries, utcnow())
        children = listing.children[:MAX_CHILD_SITEMAPS] if depth < MAX_SITEMAP_DEPTH else []
        if listing.children and depth >= MAX_SITEMAP_DEPTH:
            self.runtime.fail(
                feed.id,
                response.url,
                "feed-problem",
                f"sitemap index nested deeper than {MAX_SITEMAP_DEPTH}; not followed",
            )
        return [self._child_request(url, feed, depth + 1) for url in children] + [
            self._article_request(_pending(entry, feed.id), feed) for entry in new_entries
        ]

    async def child_failed(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        reason, detail = reason_for_failure(failure)
        await asyncio.to_thread(
            self.runtime.fail, request.meta["newswatch_feed"].id, request.url, reason, detail
        )

    def _record_success(
        self,
        feed: FeedState,
        response: Response,
        new_entries: list[NewEntry],
        *,
        interval: float,
        etag: str | None,
        last_modified: str | None,
        hint_seconds: float = 0.0,
        content_fingerprint: str | None = None,
    ) -> None:
        now = utcnow()
        max_age = parse_max_age(_header(response, b"Cache-Control"))
        hint = max(hint_seconds, server_hint_seconds(None, None, max_age))
        outcome = PollOutcome(
            at=now,
            next_check_at=next_check_after_success(now, interval, hint),
            succeeded=True,
            interval_seconds=interval,
            etag=etag,
            last_modified=last_modified,
            moved_to=_permanent_redirect_target(response),
            content_fingerprint=content_fingerprint,
        )
        self.runtime.store.record_poll(feed.id, outcome, new_entries)

    async def feed_failed(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        reason, detail = reason_for_failure(failure)
        await asyncio.to_thread(
            self._feed_failure, request.meta["newswatch_feed"], request.url, reason, detail
        )

    def _feed_failure(
        self, feed: FeedState, url: str, reason: str, detail: str, retry_after: float | None = None
    ) -> list[Request]:
        now = utcnow()
        self.runtime.count("feeds_failed")
        self.runtime.fail(feed.id, url, reason, detail)
        outcome = PollOutcome(
            at=now,
            next_check_at=next_check_after_failure(
                now, feed.effective_interval, feed.consecutive_failures, reason, retry_after
            ),
            succeeded=False,
            failure_reason=reason,
            failure_detail=detail,
            retire=reason == "gone",
        )
        self.runtime.store.record_poll(feed.id, outcome)
        return []

    # -- articles ------------------------------------------------------------------------------

    async def parse_article(self, response: Response) -> AsyncIterator[ArticleItem]:
        pending: PendingUrl = response.meta["newswatch_pending"]
        feed: FeedState | None = response.meta["newswatch_feed"]
        if response.status >= 400:
            reason, detail = reason_for_status(response.status), f"HTTP {response.status}"
            await asyncio.to_thread(self._article_failure, pending, pending.url, reason, detail)
            return
        page = _html_page(response)
        if page is None:
            detail = f"Content-Type {(response.headers.get(b'Content-Type') or b'').decode('latin-1')!r}"
            await asyncio.to_thread(self._article_failure, pending, pending.url, "not-html", detail)
            return
        # Redirects (an aggregator link, a moved article) may end at a URL stored before:
        # the article is known under its final canonical URL, the pending one is an alias.
        final_url = canonical_url(response.url) or pending.canonical_url
        if final_url != pending.canonical_url and await asyncio.to_thread(
            self.runtime.store.is_stored, final_url
        ):
            self.runtime.count("articles_duplicate")
            await asyncio.to_thread(self.runtime.store.alias_url, pending.canonical_url, final_url, utcnow())
            return
        yield ArticleItem(
            url=response.url,
            canonical_url=final_url,
            frontier_url=pending.canonical_url,
            feed_id=pending.feed_id,
            source=feed.name if feed else "unknown",
            keep=feed.keep if feed else "relevant",
            page=page,
            fetched_at=utcnow(),
            entry_title=pending.entry_title,
            entry_published=pending.entry_published,
        )

    # -- re-checks for edits ---------------------------------------------------------------------

    async def parse_recheck(self, response: Response) -> AsyncIterator[ArticleItem]:
        target: RecheckTarget = response.meta["newswatch_recheck"]
        page = _html_page(response) if response.status < 400 else None
        if page is None:
            detail = f"HTTP {response.status}" if response.status >= 400 else "no longer HTML"
            await asyncio.to_thread(
                self._recheck_failure,
                target,
                reason_for_status(response.status) if response.status >= 400 else "not-html",
                detail,
            )
            return
        yield ArticleItem(
            url=target.url,
            canonical_url=target.canonical_url,
            feed_id=target.feed_id,
            source=target.source,
            keep="all",
            page=page,
            fetched_at=utcnow(),
            recheck=target,
        )

    async def recheck_failed(self, failure: Failure) -> None:
        reason, detail = reason_for_failure(failure)
        target = failure.request.meta["newswatch_recheck"]  # type: ignore[attr-defined]
        await asyncio.to_thread(self._recheck_failure, target, reason, detail)

    def _recheck_failure(self, target: RecheckTarget, reason: str, detail: str) -> None:
        """An article that cannot be re-fetched keeps its stored version; it is tried again later."""
        self.runtime.fail(target.feed_id, target.url, reason, f"re-check: {detail}")
        self.runtime.store.postpone_recheck(target.article_id, next_recheck(self.runtime.config, target))

    async def article_failed(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        reason, detail = reason_for_failure(failure)
        pending: PendingUrl = request.meta["newswatch_pending"]
        if request.url != pending.url:
            detail += f" (after redirects, at {request.url[:300]})"
        await asyncio.to_thread(self._article_failure, pending, pending.url, reason, detail)

    def _article_failure(self, pending: PendingUrl, url: str, reason: str, detail: str) -> None:
        self.runtime.count("articles_failed")
        self.runtime.fail(pending.feed_id, url, reason, detail)
        if reason == "host-backoff":
            return  # never attempted: it stays pending, with no attempt counted, for the next cycle
        self.runtime.store.fail_url(
            pending.canonical_url,
            reason,
            detail,
            utcnow(),
            permanent=is_permanent(reason),
            max_attempts=self.runtime.config.crawl.max_url_attempts,
        )


def _html_page(response: Response) -> EncodedPage | None:
    """The page for the extraction workers to decode, or None when it is not HTML (a PDF, an
    image, a video)."""
    content_type = (response.headers.get(b"Content-Type") or b"").split(b";")[0].strip().lower()
    if not isinstance(response, TextResponse) or (content_type and content_type not in HTML_TYPES):
        return None
    return EncodedPage.of(response)


def _pending(entry: NewEntry, feed_id: int) -> PendingUrl:
    return PendingUrl(entry.canonical_url, entry.url, feed_id, 0, entry.title, entry.published)


def _is_due(feed: FeedState, now: Any) -> bool:
    return feed.next_check_at is None or feed.next_check_at <= now


def _feed_by_id(states: list[FeedState], feed_id: int | None) -> FeedState | None:
    return next((feed for feed in states if feed.id == feed_id), None)


def _header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1")[:500] if value else None


def _headers(response: Response) -> dict[str, str]:
    return {
        key.decode("latin-1").lower(): values[-1].decode("latin-1")
        for key, values in response.headers.items()
        if values
    }


def _permanent_redirect_target(response: Response) -> str | None:
    """The new feed URL when every hop was a permanent redirect (301/308)."""
    reasons = response.meta.get("redirect_reasons") or []
    if reasons and all(reason in (301, 308) for reason in reasons):
        return response.url
    return None
