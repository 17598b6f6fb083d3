"""The feeds spider: one cycle over the sources that are due.

It builds and routes requests and nothing else. What is due, what a response changes and what
a failure costs are the cycle ledger's decisions (``crawler.cycle.ledger``); reading a listing
is ``crawler.sources.listings``; extraction, relevance, canonical URLs and storage are the
pipelines'. Ledger calls and parsing run in threads (``asyncio.to_thread``): a database busy
with another writer must never stall the reactor that is downloading.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable
from typing import Any

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.http import Response, TextResponse
from scrapy.settings import BaseSettings
from sqlalchemy.exc import SQLAlchemyError
from twisted.python.failure import Failure

from crawler.core.clock import utcnow
from crawler.core.errors import NotAListing, Reason, reason_for_status
from crawler.core.secrets import without_credentials
from crawler.core.urls import canonical_url, host_of
from crawler.cycle.host_share import HostShare, HostWork
from crawler.cycle.item import ArticleItem
from crawler.cycle.ledger import FollowUp
from crawler.cycle.responses import (
    DEPTH_META,
    FEED_META,
    HOST_META,
    PENDING_META,
    RECHECK_META,
    content_type,
    headers,
    html_page,
)
from crawler.cycle.runtime import CycleRuntime, runtime_for
from crawler.scrapy_components.download_failures import reason_for_failure
from crawler.scrapy_components.settings import apply_config
from crawler.sources.listings import Listing, read_listing
from crawler.store import FeedState, PendingUrl, RecheckTarget

# Let error statuses reach the callbacks (to be recorded) but keep redirects with Scrapy.
HANDLED_STATUSES = [304, *range(400, 600)]


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
        if spider.runtime.host_share is not None:
            # An article's host is given back only once its item is through the pipelines.
            for signal in (signals.item_scraped, signals.item_dropped, signals.item_error):
                crawler.signals.connect(spider._item_settled, signal=signal)
        return spider

    runtime: CycleRuntime

    async def start(self) -> AsyncIterator[Request]:
        config, ledger = self.runtime.config, self.runtime.ledger
        unknown = [name for name in self.feed_names if name not in {f.name for f in config.feeds}]
        if unknown:
            self.logger.error("unknown feed name(s): %s", ", ".join(unknown))
            return
        if self.runtime.host_share is not None:
            async for request in self._leased_start(self.runtime.host_share):
                yield request
            return
        selected, due = await asyncio.to_thread(ledger.feeds_to_poll, self.feed_names)
        # What earlier cycles still owe is read before any feed is requested: read later, it
        # would also hold the entries this cycle's first feeds have just recorded as pending
        # and already requested, and each of those would be fetched (and counted) twice.
        owed = await asyncio.to_thread(ledger.pending_articles, selected)
        for feed in due:
            yield self._feed_request(feed)
        for pending, owner in owed:
            yield self._article_request(pending, owner)
        for target in await asyncio.to_thread(ledger.due_rechecks, bool(self.feed_names)):
            yield self._recheck_request(target)

    async def _leased_start(self, share: HostShare) -> AsyncIterator[Request]:
        """On a shared store: claim hosts, request their work, give them back, claim more, until
        no host with work is left that another worker does not hold."""
        store = self.runtime.store
        try:
            await asyncio.to_thread(store.sync_feeds, self.runtime.config.feeds, utcnow())
            await asyncio.to_thread(share.register)
        except SQLAlchemyError as exc:
            self.runtime.stop_for_store(exc)
            return
        renewing = asyncio.ensure_future(share.keep_renewed())
        try:
            while True:
                try:
                    claimed = await asyncio.to_thread(share.next_work, self.feed_names)
                except SQLAlchemyError as exc:
                    self.runtime.stop_for_store(exc)
                    return
                for work in claimed:
                    for request in self._host_requests(work):
                        yield request
                if not share.held:
                    return
                await share.changed()
        finally:
            renewing.cancel()

    def _host_requests(self, work: HostWork) -> list[Request]:
        """Everything one leased host owes, as requests counted against it."""
        requests = [self._feed_request(feed) for feed in work.feeds]
        requests += [self._article_request(pending, owner) for pending, owner in work.pending]
        requests += [self._recheck_request(target) for target in work.rechecks]
        for request in requests:
            request.meta[HOST_META] = work.host
        return requests

    def _item_settled(self, response: Response, **_: Any) -> None:
        self._settled(response.meta)

    def _settled(self, meta: dict[str, Any]) -> None:
        """One request (or item) of a leased host is through; the share may give the host back."""
        host = meta.get(HOST_META)
        if host is not None and self.runtime.host_share is not None:
            self.runtime.host_share.done(host)

    # -- requests ------------------------------------------------------------------------------

    def _feed_request(self, feed: FeedState) -> Request:
        url, authorization = without_credentials(feed.fetch_url)
        headers = {"If-None-Match": feed.etag, "If-Modified-Since": feed.last_modified}
        headers["Authorization"] = authorization
        return Request(
            url,
            callback=self.parse_feed,
            errback=self.feed_failed,
            headers={name: value for name, value in headers.items() if value},
            dont_filter=True,
            priority=100,
            meta={FEED_META: feed, **self._caps(self.runtime.config.crawl.feed_max_bytes)},
        )

    def _child_request(self, url: str, feed: FeedState, depth: int) -> Request:
        return Request(
            url,
            callback=self.parse_child,
            errback=self.child_failed,
            dont_filter=True,
            priority=90,
            meta={FEED_META: feed, DEPTH_META: depth, **self._caps(self.runtime.config.crawl.feed_max_bytes)},
        )

    def _article_request(self, pending: PendingUrl, feed: FeedState | None) -> Request:
        return Request(
            pending.url,
            callback=self.parse_article,
            errback=self.article_failed,
            # The store already decided this URL is new; Scrapy's dupefilter would otherwise
            # swallow a redirect loop silently instead of letting it fail at the limit.
            dont_filter=True,
            meta={
                PENDING_META: pending,
                FEED_META: feed,
                **self._caps(self.runtime.config.crawl.page_max_bytes),
            },
        )

    def _recheck_request(self, target: RecheckTarget) -> Request:
        return Request(
            target.url,
            callback=self.parse_recheck,
            errback=self.recheck_failed,
            dont_filter=True,
            priority=-10,  # new articles first
            meta={RECHECK_META: target, **self._caps(self.runtime.config.crawl.page_max_bytes)},
        )

    @staticmethod
    def _caps(max_bytes: int) -> dict[str, Any]:
        return {"handle_httpstatus_list": HANDLED_STATUSES, "download_maxsize": max_bytes}

    def _follow(
        self, feed: FeedState, follow_up: FollowUp, depth: int, meta: dict[str, Any]
    ) -> list[Request]:
        children = [self._child_request(url, feed, depth) for url in follow_up.sitemaps]
        articles = [self._article_request(pending, feed) for pending in follow_up.articles]
        share, lease_host = self.runtime.host_share, meta.get(HOST_META)
        if share is not None and lease_host is not None:
            # Child sitemaps are the feed's host's work; the ledger counted each article
            # against its own host, which this worker holds (others stay pending).
            for request in children:
                share.add(lease_host)
                request.meta[HOST_META] = lease_host
            for request in articles:
                request.meta[HOST_META] = host_of(request.meta[PENDING_META].url)
        return children + articles

    # -- feeds and child sitemaps --------------------------------------------------------------

    async def parse_feed(self, response: Response) -> AsyncIterator[Request]:
        try:
            for request in await asyncio.to_thread(self._route_feed, response):
                yield request
        finally:
            self._settled(response.meta)

    def _route_feed(self, response: Response) -> list[Request]:
        feed: FeedState = response.meta[FEED_META]
        ledger = self.runtime.ledger
        if not ledger.feed_answered(feed, response):
            return []
        try:
            listing = self._read(feed, response)
        except NotAListing as exc:
            ledger.feed_unreadable(feed, response.url, exc)
            return []
        return self._follow(feed, ledger.feed_listed(feed, response, listing), 1, response.meta)

    async def feed_failed(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        reason, detail = reason_for_failure(failure)
        try:
            await asyncio.to_thread(
                self.runtime.ledger.feed_failed, request.meta[FEED_META], request.url, reason, detail
            )
        finally:
            self._settled(request.meta)

    async def parse_child(self, response: Response) -> AsyncIterator[Request]:
        try:
            for request in await asyncio.to_thread(self._route_child, response):
                yield request
        finally:
            self._settled(response.meta)

    def _route_child(self, response: Response) -> list[Request]:
        feed: FeedState = response.meta[FEED_META]
        depth: int = response.meta[DEPTH_META]
        ledger = self.runtime.ledger
        if response.status >= 400:
            ledger.child_failed(
                feed, response.url, reason_for_status(response.status), f"HTTP {response.status}"
            )
            return []
        try:
            listing = self._read(feed, response)
        except NotAListing as exc:
            ledger.child_failed(feed, response.url, exc.reason, str(exc))
            return []
        return self._follow(
            feed, ledger.child_listed(feed, response.url, listing, depth), depth + 1, response.meta
        )

    async def child_failed(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        reason, detail = reason_for_failure(failure)
        try:
            await asyncio.to_thread(
                self.runtime.ledger.child_failed, request.meta[FEED_META], request.url, reason, detail
            )
        finally:
            self._settled(request.meta)

    def _read(self, feed: FeedState, response: Response) -> Listing:
        return read_listing(
            self.runtime.config.feed(feed.name),
            response.body,
            response.text if isinstance(response, TextResponse) else None,
            response.url,
            headers(response),
            utcnow(),
            self.runtime.config.crawl.max_entries_per_feed,
        )

    # -- articles ------------------------------------------------------------------------------

    async def _settling(
        self, response: Response, making: Awaitable[ArticleItem | None]
    ) -> AsyncIterator[ArticleItem]:
        """The item a page makes, if any; the page's request is settled whatever happens."""
        try:
            item = await making
            if item is not None:
                share, host = self.runtime.host_share, response.meta.get(HOST_META)
                if share is not None and host is not None:
                    share.add(host)  # settled by the item signals
                yield item
        finally:
            self._settled(response.meta)

    async def parse_article(self, response: Response) -> AsyncIterator[ArticleItem]:
        async for item in self._settling(response, self._article_item(response)):
            yield item

    async def _article_item(self, response: Response) -> ArticleItem | None:
        pending: PendingUrl = response.meta[PENDING_META]
        feed: FeedState | None = response.meta[FEED_META]
        ledger = self.runtime.ledger
        if response.status >= 400:
            reason = reason_for_status(response.status)
            await asyncio.to_thread(ledger.article_failed, pending, reason, f"HTTP {response.status}")
            return None
        page = html_page(response)
        if page is None:
            detail = f"Content-Type {content_type(response)!r}"
            await asyncio.to_thread(ledger.article_failed, pending, Reason.NOT_HTML, detail)
            return None
        # Redirects (an aggregator link, a moved article) may end at a URL stored before:
        # the article is known under its final canonical URL, the pending one is an alias.
        final_url = canonical_url(response.url) or pending.canonical_url
        if final_url != pending.canonical_url and await asyncio.to_thread(
            ledger.alias_if_stored, pending.canonical_url, final_url
        ):
            return None
        return ArticleItem(
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

    async def article_failed(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        reason, detail = reason_for_failure(failure)
        pending: PendingUrl = request.meta[PENDING_META]
        if request.url != pending.url:
            detail += f" (after redirects, at {request.url[:300]})"
        try:
            await asyncio.to_thread(self.runtime.ledger.article_failed, pending, reason, detail)
        finally:
            self._settled(request.meta)

    # -- re-checks for edits -------------------------------------------------------------------

    async def parse_recheck(self, response: Response) -> AsyncIterator[ArticleItem]:
        async for item in self._settling(response, self._recheck_item(response)):
            yield item

    async def _recheck_item(self, response: Response) -> ArticleItem | None:
        target: RecheckTarget = response.meta[RECHECK_META]
        page = html_page(response) if response.status < 400 else None
        if page is None:
            if response.status >= 400:
                reason, detail = reason_for_status(response.status), f"HTTP {response.status}"
            else:
                reason, detail = Reason.NOT_HTML, "no longer HTML"
            await asyncio.to_thread(self.runtime.ledger.recheck_failed, target, reason, detail)
            return None
        return ArticleItem(
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
        meta = failure.request.meta  # type: ignore[attr-defined]
        try:
            await asyncio.to_thread(self.runtime.ledger.recheck_failed, meta[RECHECK_META], reason, detail)
        finally:
            self._settled(meta)
