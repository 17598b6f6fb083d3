"""Typed failure reasons: every failure is counted and shown under one of these names."""

from __future__ import annotations

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from twisted.internet.error import ConnectionLost, DNSLookupError, TCPTimedOutError
from twisted.internet.error import TimeoutError as TwistedTimeoutError
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseFailed, ResponseNeverReceived

from crawler.size_guard import BodyTooLarge

# Reasons after which retrying the same URL is pointless; the others are retried next cycle.
PERMANENT_REASONS = frozenset(
    {
        "http-4xx",
        "gone",
        "not-html",
        "not-a-feed",
        "too-large",
        "no-text",
        "blocked-address",
        "robots",
        "extract-timeout",
        "extract-crash",
        "bad-url",
        "too-many-redirects",
        "ignored",
    }
)
# Reasons that say little about the feed itself; they weigh less in polling backoff.
SOFT_REASONS = frozenset(
    {
        "timeout",
        "dns",
        "connection",
        "connection-refused",
        "data-loss",
        "http-5xx",
        "http-429",
        "host-backoff",
    }
)


class BlockedAddress(IgnoreRequest):
    """A request to a private, loopback or reserved address while the guard is on."""


def reason_for_status(status: int) -> str:
    """http-4xx, http-5xx, http-429 (rate limited) or gone (410)."""
    if status == 410:
        return "gone"
    if status == 429:
        return "http-429"
    return "http-5xx" if status >= 500 else "http-4xx"


def reason_for_failure(failure: Failure) -> tuple[str, str]:
    """Map a download failure to (reason, human detail)."""
    error = failure.value
    detail = f"{type(error).__name__}: {error}"[:500]
    table: tuple[tuple[type[BaseException] | tuple[type[BaseException], ...], str], ...] = (
        (BlockedAddress, "blocked-address"),
        (BodyTooLarge, "too-large"),
        ((DownloadTimeoutError, TwistedTimeoutError, TCPTimedOutError), "timeout"),
        ((CannotResolveHostError, DNSLookupError), "dns"),
        (DownloadConnectionRefusedError, "connection-refused"),
        (DownloadCancelledError, "too-large"),
        (ResponseDataLossError, "data-loss"),
        ((DownloadFailedError, ResponseFailed, ResponseNeverReceived, ConnectionLost), "connection"),
    )
    for kinds, reason in table:
        if isinstance(error, kinds):
            return reason, detail
    if isinstance(error, IgnoreRequest):
        text = str(error).lower()
        if "robots.txt" in text:
            return "robots", detail
        if text.startswith("host-backoff"):
            return "host-backoff", detail
        if "max redirections" in text:
            return "too-many-redirects", detail
        if "download_maxsize" in text or "exceeded" in text:
            return "too-large", detail
        return "ignored", detail
    return "network", detail


def is_permanent(reason: str) -> bool:
    return reason in PERMANENT_REASONS
