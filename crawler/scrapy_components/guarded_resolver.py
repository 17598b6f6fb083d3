"""The private-address guard where it cannot be raced: in the name resolution connections use.

Scrapy installs ``TWISTED_DNS_RESOLVER`` on the reactor, and every connection Twisted's
``HostnameEndpoint`` makes (requests, redirects, robots.txt fetches alike) connects to exactly
the addresses the reactor's name resolver hands it. This resolver sits in front of the system
one and hands over nothing when any answer is not a public address, so a name that answers a
public address to one lookup and a private one to the next (DNS rebinding) is checked on the
answer that is connected to. Twisted then fails the connection with ``DNSLookupError``; the
refusal is kept here so the failure is recorded as ``blocked-address``, not as a DNS failure.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from twisted.internet.interfaces import IAddress, IHostnameResolver, IResolutionReceiver
from zope.interface import implementer

from crawler.core.urls import is_private_address


@implementer(IHostnameResolver)
class GuardedResolver:
    """Resolves through the reactor's own resolver (or ``upstream``), refusing non-public answers.

    On until :meth:`configure` says otherwise: the crawl's settings, which say whether the
    guard is on, exist only after the reactor's resolver is installed.
    """

    enabled = True
    refusals: dict[str, str] = {}  # host -> the non-public address it answered (one crawl per process)

    # zope interfaces are typed Any: mypy reads their methods as lacking `self`.
    def __init__(self, reactor: Any, upstream: Any = None) -> None:
        self.reactor = reactor
        self.upstream: Any = upstream or reactor.nameResolver

    @classmethod
    def from_crawler(cls, crawler: Any, reactor: Any) -> GuardedResolver:
        from scrapy.utils.misc import build_from_crawler, load_object

        upstream_path = crawler.settings.get("NEWSWATCH_DNS_UPSTREAM")
        upstream = (
            build_from_crawler(load_object(upstream_path), crawler, reactor=reactor)
            if upstream_path
            else None
        )
        return cls(reactor, upstream)

    @classmethod
    def configure(cls, enabled: bool) -> None:
        cls.enabled = enabled

    @classmethod
    def refused(cls, host: str) -> str | None:
        """The non-public address ``host`` answered, if this resolver refused it."""
        return cls.refusals.get(host)

    def install_on_reactor(self) -> None:
        self.reactor.installNameResolver(self)

    def resolveHostName(
        self,
        resolutionReceiver: Any,
        hostName: str,
        portNumber: int = 0,
        addressTypes: Sequence[type[IAddress]] | None = None,
        transportSemantics: str = "TCP",
    ) -> Any:
        receiver = resolutionReceiver
        if type(self).enabled:
            receiver = _PublicOnly(resolutionReceiver, hostName, type(self).refusals)
        return self.upstream.resolveHostName(receiver, hostName, portNumber, addressTypes, transportSemantics)


@implementer(IResolutionReceiver)
class _PublicOnly:
    """Holds the answers back until all are in; passes them on only if every one is public."""

    def __init__(self, receiver: Any, host: str, refusals: dict[str, str]) -> None:
        self.receiver = receiver
        self.host = host
        self.refusals = refusals
        self.addresses: list[Any] = []

    def resolutionBegan(self, resolution: Any) -> None:
        self.receiver.resolutionBegan(resolution)

    def addressResolved(self, address: Any) -> None:
        self.addresses.append(address)

    def resolutionComplete(self) -> None:
        private = [a for a in self.addresses if _is_private(a)]
        if private:
            self.refusals[self.host] = str(getattr(private[0], "host", private[0]))
        else:
            for address in self.addresses:
                self.receiver.addressResolved(address)
        self.receiver.resolutionComplete()


def _is_private(address: Any) -> bool:
    host = getattr(address, "host", None)
    try:
        return host is None or is_private_address(str(host))
    except ValueError:
        return True  # not an IP address at all: nothing to connect to that could be checked
