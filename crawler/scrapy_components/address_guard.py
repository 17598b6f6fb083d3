"""The private-address guard: a downloader middleware, on by default.

Only http(s) is ever fetched, and never from an address that is not public. Every request,
including redirects and robots.txt fetches (they pass through the same middleware chain), is
checked after name resolution: loopback, link-local, private, reserved and IPv4-mapped
addresses are refused, whatever numeric disguise the URL uses. The check resolves the name
itself, so a DNS answer that changes between this check and the connection (rebinding) is not
covered; that needs a resolver-level hook Scrapy does not offer.
"""

from __future__ import annotations

import asyncio
import socket
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest

from crawler.core.errors import Reason
from crawler.core.urls import is_private_address, parse_ip_disguise


class BlockedAddress(IgnoreRequest):
    """A request to a private, loopback or reserved address while the guard is on."""

    reason = Reason.BLOCKED_ADDRESS


class PrivateAddressGuardMiddleware:
    """Refuse requests to non-public addresses and non-HTTP schemes."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PrivateAddressGuardMiddleware:
        return cls(crawler.settings.getbool("NEWSWATCH_ADDRESS_GUARD_ENABLED", True))

    async def process_request(self, request: Request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme not in ("http", "https"):
            raise BlockedAddress(f"scheme {parts.scheme!r} is never fetched: {request.url[:200]}")
        if not self.enabled:
            return
        host = parts.hostname or ""
        for address in await _addresses(host, parts.port or (443 if parts.scheme == "https" else 80)):
            if is_private_address(address):
                raise BlockedAddress(f"{host} resolves to non-public address {address}")


async def _addresses(host: str, port: int) -> list[str]:
    literal = parse_ip_disguise(host)
    if literal:
        return [literal]
    if host == "localhost" or host.endswith(".localhost"):
        return ["127.0.0.1"]
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return []  # the download itself will fail with a typed DNS error
    return [str(info[4][0]) for info in infos]
