"""Honour 429/503 Retry-After per host within a cycle.

Scrapy's retry middleware would hammer a rate-limited host again at once. Instead, once a host
answers 429 or 503 with Retry-After, further requests to it in this cycle are dropped with the
typed reason ``host-backoff``: their URLs stay pending and the next cycle takes them, while
other hosts go on. The wait is capped, so an absurd header cannot stall the cycle.

On a shared store the pause is also written to the host's row, so no other worker takes the
host before it passes (``Store.back_off_host``); the leases keep everyone else away meanwhile.

Requests already waiting in the host's downloader slot passed this middleware before the 429
arrived, so they are failed from the slot's queue too. That queue is Scrapy internals
(``Downloader.slots[key].queue``); if its shape ever changes, those few requests are simply
sent, which is impolite but loses nothing.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from twisted.internet.threads import deferToThread
from twisted.python.failure import Failure

from crawler.core.clock import utcnow
from crawler.core.errors import Reason
from crawler.cycle.runtime import existing_runtime
from crawler.sources.polling import MAX_RETRY_AFTER_SECONDS, parse_retry_after

logger = logging.getLogger(__name__)


class HostBackedOff(IgnoreRequest):
    """The host asked us to wait (Retry-After) and the wait has not passed."""

    reason = Reason.HOST_BACKOFF


class HostBackoffMiddleware:
    """Downloader middleware: remember hosts that asked for a pause; skip them until it passes."""

    def __init__(self, crawler: Crawler | None = None) -> None:
        self.crawler = crawler
        self.paused_until: dict[str, float] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> HostBackoffMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        host = urlsplit(request.url).hostname or ""
        until = self.paused_until.get(host)
        if until is not None and time.monotonic() < until:
            raise HostBackedOff(f"host-backoff: {host} asked to wait {until - time.monotonic():.0f}s more")

    def process_response(self, request: Request, response: Response) -> Response:
        if response.status in (429, 503):
            header = response.headers.get(b"Retry-After")
            wait = parse_retry_after(header.decode("latin-1") if header else None, utcnow())
            if wait is not None:
                host = urlsplit(request.url).hostname or ""
                wait = min(wait, MAX_RETRY_AFTER_SECONDS)
                self.paused_until[host] = time.monotonic() + wait
                self._fail_queued(request, host)
                self._share_pause(
                    host,
                    wait,
                    f"HTTP {response.status}, Retry-After: {header.decode('latin-1') if header else ''}",
                )
        return response

    def _share_pause(self, host: str, wait: float, detail: str) -> None:
        runtime = existing_runtime(self.crawler) if self.crawler is not None else None
        if runtime is None or runtime.host_share is None:
            return
        until = utcnow() + timedelta(seconds=wait)
        # A store write never runs on the reactor; a failed one only costs the other workers a 429.
        deferToThread(runtime.store.back_off_host, host, until, detail[:500]).addErrback(
            lambda failure: logger.warning("could not record %s's pause: %s", host, failure.value)
        )

    def _fail_queued(self, request: Request, host: str) -> None:
        """Fail the requests for `host` that already wait in its downloader slot."""
        engine = getattr(self.crawler, "engine", None)
        downloader = getattr(engine, "downloader", None)
        slots = getattr(downloader, "slots", None)
        if downloader is None or not isinstance(slots, dict):
            return
        slot = slots.get(downloader.get_slot_key(request))
        queue = getattr(slot, "queue", None)
        if queue is None:
            return
        waiting = list(queue)
        queue.clear()
        for queued_request, deferred in waiting:
            if (urlsplit(queued_request.url).hostname or "") == host:
                deferred.errback(Failure(HostBackedOff(f"host-backoff: {host} asked to wait")))
            else:
                queue.append((queued_request, deferred))
