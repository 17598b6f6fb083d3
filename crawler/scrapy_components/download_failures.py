"""The typed reason of a failed download: Scrapy's and Twisted's errors, and our own refusals."""

from __future__ import annotations

from urllib.parse import urlsplit

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

from crawler.core.errors import Reason
from crawler.scrapy_components.address_guard import BlockedAddress
from crawler.scrapy_components.guarded_resolver import GuardedResolver
from crawler.scrapy_components.host_backoff import HostBackedOff
from crawler.scrapy_components.size_guard import BodyTooLarge

_BY_TYPE: tuple[tuple[type[BaseException] | tuple[type[BaseException], ...], Reason], ...] = (
    ((DownloadTimeoutError, TwistedTimeoutError, TCPTimedOutError), Reason.TIMEOUT),
    ((CannotResolveHostError, DNSLookupError), Reason.DNS),
    (DownloadConnectionRefusedError, Reason.CONNECTION_REFUSED),
    (DownloadCancelledError, Reason.TOO_LARGE),
    (ResponseDataLossError, Reason.DATA_LOSS),
    ((DownloadFailedError, ResponseFailed, ResponseNeverReceived, ConnectionLost), Reason.CONNECTION),
)


def reason_for_failure(failure: Failure) -> tuple[Reason, str]:
    """Map a download failure to (reason, human detail)."""
    error = failure.value
    detail = f"{type(error).__name__}: {error}"[:500]
    if isinstance(error, BlockedAddress | HostBackedOff | BodyTooLarge):
        return error.reason, detail
    if isinstance(error, CannotResolveHostError | DNSLookupError):
        request = getattr(failure, "request", None)
        host = urlsplit(request.url).hostname if request is not None else None
        refused = GuardedResolver.refused(host) if host else None
        if refused:
            return Reason.BLOCKED_ADDRESS, f"{host} resolves to non-public address {refused}"
    for kinds, reason in _BY_TYPE:
        if isinstance(error, kinds):
            return reason, detail
    if isinstance(error, IgnoreRequest):
        # Scrapy's own refusals carry no type of their own, only their message.
        text = str(error).lower()
        if "robots.txt" in text:
            return Reason.ROBOTS, detail
        if "max redirections" in text:
            return Reason.TOO_MANY_REDIRECTS, detail
        if "download_maxsize" in text or "exceeded" in text:
            return Reason.TOO_LARGE, detail
        return Reason.IGNORED, detail
    return Reason.NETWORK, detail
