"""Scrapy extension: stop a body at its size cap with a typed reason.

Scrapy enforces DOWNLOAD_MAXSIZE too, but a body that streams past the cap without a
Content-Length surfaces as a generic data-loss failure. Counting bytes as they arrive and
stopping the download ourselves, just before Scrapy's own check, makes it ``too-large``.
"""

from __future__ import annotations

import weakref

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import StopDownload

from crawler.core.errors import Reason


class BodyTooLarge(StopDownload):
    """The body grew past the request's download_maxsize."""

    reason = Reason.TOO_LARGE

    def __str__(self) -> str:
        return "the body grew past the size cap"


class SizeGuardExtension:
    """Count received bytes per request and stop at the request's cap."""

    def __init__(self, default_cap: int) -> None:
        self.default_cap = default_cap
        self.received: weakref.WeakKeyDictionary[Request, int] = weakref.WeakKeyDictionary()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SizeGuardExtension:
        guard = cls(crawler.settings.getint("DOWNLOAD_MAXSIZE"))
        crawler.signals.connect(guard.bytes_received, signal=signals.bytes_received)
        return guard

    def bytes_received(self, data: bytes, request: Request) -> None:
        total = self.received.get(request, 0) + len(data)
        self.received[request] = total
        cap = request.meta.get("download_maxsize", self.default_cap)
        if cap and total > cap:
            raise BodyTooLarge(fail=True)
