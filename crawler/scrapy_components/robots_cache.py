"""robots.txt obeyed as Scrapy's RobotsTxtMiddleware obeys it, fetched once a day per origin.

Scrapy fetches every host's robots.txt again in every crawl, and a newswatch cycle is one
crawl: a cron setup polling 500 feeds would double its requests for files that rarely change.
This middleware keeps each origin's robots.txt in the store (status, body, fetch time) and
reuses it across cycles and processes until it expires: 24 hours after the fetch (RFC 9309
lets a crawler cache it that long), sooner when its own ``Cache-Control``/``Expires`` say so.

What a response means is Scrapy's policy, unchanged: the body of whatever response arrives
(after redirects and retries) is parsed, so a 404 usually allows everything; a fetch that
fails (unreachable, timed out, too large, blocked by the address guard) allows everything for
this cycle. What is kept: 2xx and 4xx answers for their lifetime; a 5xx answer or a failed
fetch is not reused, so the next cycle asks again. The robots.txt request goes through the
whole downloader chain, so the private-address guard and the size cap apply to it.

It overrides ``RobotsTxtMiddleware.robot_parser``, whose in-memory per-netloc parsers (and
their Deferred placeholders) it keeps; a Scrapy release that renames it breaks the reuse,
which ``tests/cycle/test_robots_cache.py`` would show.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response
from scrapy.http.request import NO_CALLBACK
from scrapy.robotstxt import RobotParser
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.misc import build_from_crawler
from sqlalchemy.exc import SQLAlchemyError
from twisted.internet.defer import Deferred

from crawler.core.clock import utcnow
from crawler.cycle.runtime import STAT_PREFIX, runtime_for
from crawler.sources.polling import parse_max_age
from crawler.store import Store, StoredRobotsTxt

logger = logging.getLogger(__name__)

MAX_LIFETIME = timedelta(hours=24)
REUSED_STAT = STAT_PREFIX + "robotstxt/reused"


class StoredRobotsTxtMiddleware(RobotsTxtMiddleware):
    """RobotsTxtMiddleware whose robots.txt comes from the store while it is fresh."""

    def __init__(self, crawler: Crawler, store: Store) -> None:
        super().__init__(crawler)
        self._store = store

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StoredRobotsTxtMiddleware:
        return cls(crawler, runtime_for(crawler).store)

    async def robot_parser(self, request: Request) -> RobotParser | None:
        netloc = urlparse_cached(request).netloc
        if netloc not in self._parsers:
            waiting: Deferred[RobotParser | None] = Deferred()
            self._parsers[netloc] = waiting  # later requests to this host wait on it
            parser = await self._load(request)
            self._parsers[netloc] = parser
            waiting.callback(parser)
        known = self._parsers[netloc]
        if isinstance(known, Deferred):
            return await maybe_deferred_to_future(known)
        return known

    async def _load(self, request: Request) -> RobotParser | None:
        """The stored robots.txt when fresh, else a fetched one (None: the fetch failed; allow all)."""
        url = urlparse_cached(request)
        origin = f"{url.scheme}://{url.netloc}"
        stored = await self._stored(origin)
        if stored is not None and stored.is_fresh(utcnow()):
            self._stats.inc_value(REUSED_STAT)
            return build_from_crawler(self._parserimpl, self.crawler, stored.body)
        robots_request = Request(
            f"{origin}/robots.txt",
            priority=self.DOWNLOAD_PRIORITY,
            meta={"dont_obey_robotstxt": True},
            callback=NO_CALLBACK,
        )
        self._stats.inc_value("robotstxt/request_count")
        try:
            assert self.crawler.engine is not None
            response = await self.crawler.engine.download_async(robots_request)
        except Exception as exc:
            if not isinstance(exc, IgnoreRequest):
                self._stats.inc_value(f"robotstxt/exception_count/{type(exc)}")
            logger.info("robots.txt of %s not fetched (%s); every path allowed this cycle", origin, exc)
            return None
        self._stats.inc_value("robotstxt/response_count")
        self._stats.inc_value(f"robotstxt/response_status_count/{response.status}")
        parser = build_from_crawler(self._parserimpl, self.crawler, response.body)
        await self.crawler.signals.send_catch_log_async(
            signal=signals.robots_parsed, robotparser=parser, request=request
        )
        fetched_at = utcnow()
        expires_at = fetched_at + robots_lifetime(response, fetched_at)
        await self._keep(StoredRobotsTxt(origin, response.status, response.body, fetched_at, expires_at))
        return parser

    async def _stored(self, origin: str) -> StoredRobotsTxt | None:
        try:
            return await asyncio.to_thread(self._store.robots_txt, origin)
        except SQLAlchemyError as exc:  # the cycle's own writes report an outage; fetch instead
            logger.warning("could not read the stored robots.txt of %s: %s", origin, exc)
            return None

    async def _keep(self, fetched: StoredRobotsTxt) -> None:
        if fetched.expires_at <= fetched.fetched_at:
            return
        try:
            await asyncio.to_thread(self._store.save_robots_txt, fetched)
        except SQLAlchemyError as exc:
            logger.warning("could not keep the robots.txt of %s: %s", fetched.origin, exc)


def robots_lifetime(response: Response, now: datetime) -> timedelta:
    """How long a robots.txt answer may be reused: zero for a 5xx or a no-store/no-cache answer,
    else its max-age or Expires, never more than MAX_LIFETIME."""
    if response.status >= 500:
        return timedelta(0)
    cache_control = _header(response, b"Cache-Control")
    if cache_control and any(
        directive.strip().lower() in ("no-store", "no-cache") for directive in cache_control.split(",")
    ):
        return timedelta(0)
    max_age = parse_max_age(cache_control)
    if max_age is not None:
        return min(timedelta(seconds=max_age), MAX_LIFETIME)
    expires_header = _header(response, b"Expires")
    if expires_header is None:
        return MAX_LIFETIME
    expires = _http_date(expires_header)
    if expires is None:
        return timedelta(0)  # "Expires: 0" and other invalid dates mean already expired
    # Measured against the server's own Date when it sends one: clocks differ.
    served = _http_date(_header(response, b"Date")) or now
    return max(min(expires - served, MAX_LIFETIME), timedelta(0))


def _header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


def _http_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return moment if moment.tzinfo is not None else None
