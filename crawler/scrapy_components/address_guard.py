"""The private-address guard's first line: a downloader middleware, on by default.

Only http(s) is ever fetched. A URL whose host is an address (whatever numeric disguise it
uses: ``2130706433``, ``0x7f.1``, ``[::ffff:127.0.0.1]``) or ``localhost`` is judged here,
before any connection. Names are judged where they cannot be raced, by the resolver the
connection itself uses (:mod:`crawler.scrapy_components.guarded_resolver`); this middleware
switches that resolver on or off with the guard and refuses to crawl unguarded when the guard
is on and another resolver was installed.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest

from crawler.core.errors import Reason
from crawler.core.urls import is_private_address, parse_ip_disguise
from crawler.scrapy_components.guarded_resolver import GuardedResolver


class BlockedAddress(IgnoreRequest):
    """A request to a private, loopback or reserved address while the guard is on."""

    reason = Reason.BLOCKED_ADDRESS


class PrivateAddressGuardMiddleware:
    """Refuse requests to non-HTTP schemes and to non-public address literals."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PrivateAddressGuardMiddleware:
        enabled = crawler.settings.getbool("NEWSWATCH_ADDRESS_GUARD_ENABLED", True)
        GuardedResolver.configure(enabled)
        return cls(enabled)

    async def process_request(self, request: Request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme not in ("http", "https"):
            raise BlockedAddress(f"scheme {parts.scheme!r} is never fetched: {request.url[:200]}")
        if not self.enabled:
            return
        if not _resolver_is_guarded():
            # Scrapy installs its resolver only when the reactor starts, after this was built.
            raise BlockedAddress(
                "the private-address guard is on but TWISTED_DNS_RESOLVER is not "
                "crawler.scrapy_components.guarded_resolver.GuardedResolver: nothing is fetched"
            )
        host = parts.hostname or ""
        address = literal_address(host)
        if address is not None and is_private_address(address):
            raise BlockedAddress(f"{host} is the non-public address {address}")


def _resolver_is_guarded() -> bool:
    from twisted.internet import reactor

    return isinstance(getattr(reactor, "nameResolver", None), GuardedResolver)


def literal_address(host: str) -> str | None:
    """The address a host names without a lookup: an IP in any disguise, or localhost's."""
    literal = parse_ip_disguise(host)
    if literal:
        return literal
    if host == "localhost" or host.endswith(".localhost"):
        return "127.0.0.1"
    return None
