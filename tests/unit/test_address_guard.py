"""The private-address guard, on by default: literals in the middleware, names in the resolver.

Only http(s) is fetched, and never from a loopback, private, link-local or reserved address,
whatever numeric disguise the URL uses; a name is judged by the very answer the connection uses."""

from __future__ import annotations

import asyncio

import pytest
from scrapy import Request
from twisted.internet.address import IPv4Address

from crawler.scrapy_components import address_guard
from crawler.scrapy_components.address_guard import BlockedAddress, PrivateAddressGuardMiddleware
from crawler.scrapy_components.guarded_resolver import GuardedResolver


@pytest.fixture(autouse=True)
def guarded_resolver_installed(monkeypatch):
    # A crawl installs GuardedResolver on the reactor as it starts; these tests start none.
    monkeypatch.setattr(address_guard, "_resolver_is_guarded", lambda: True)


def test_without_the_guarded_resolver_nothing_is_fetched(monkeypatch):
    monkeypatch.setattr(address_guard, "_resolver_is_guarded", lambda: False)
    with pytest.raises(BlockedAddress, match="TWISTED_DNS_RESOLVER"):
        check("http://93.184.216.34/x")


def check(url: str, enabled: bool = True) -> None:
    asyncio.run(PrivateAddressGuardMiddleware(enabled).process_request(Request(url)))


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/x",
        "http://localhost:8080/x",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.7/x",
        "http://172.16.5.4/x",
        "http://192.168.1.1/x",
        "http://2130706433/x",
        "http://0x7f.1/x",
        "http://0177.0.0.1/x",
        "http://[::1]/x",
        "http://[::ffff:127.0.0.1]/x",
        "http://[fd12:3456::1]/x",
        "http://[fe80::1]/x",
        "http://0.0.0.0/x",
    ],
)
def test_hostile_23_private_addresses_are_blocked_after_resolution(url: str):
    with pytest.raises(BlockedAddress):
        check(url)


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://example.org/x", "gopher://example.org/", "data:text/html,hi"]
)
def test_hostile_22_non_http_schemes_are_blocked_even_with_the_guard_off(url: str):
    with pytest.raises(BlockedAddress):
        check(url, enabled=False)


def test_public_literal_address_passes():
    check("http://93.184.216.34/x")  # a literal: no lookup, no network


def test_guard_off_lets_loopback_through():
    check("http://127.0.0.1/x", enabled=False)


def test_a_name_is_left_to_the_resolver_the_connection_uses():
    check("http://news.example.com/x")  # no lookup here: GuardedResolver judges the answer


class ScriptedUpstream:
    """A resolver whose answers change between calls, as a rebinding name's do."""

    def __init__(self, answers: list[list[str]]) -> None:
        self.answers = answers
        self.calls = 0

    def resolveHostName(self, receiver, host, port=0, types=None, semantics="TCP"):
        answer = self.answers[min(self.calls, len(self.answers) - 1)]
        self.calls += 1
        receiver.resolutionBegan(object())
        for address in answer:
            receiver.addressResolved(IPv4Address("TCP", address, port))
        receiver.resolutionComplete()
        return receiver


class Receiver:
    def __init__(self) -> None:
        self.addresses: list[str] = []
        self.complete = False

    def resolutionBegan(self, resolution) -> None:
        pass

    def addressResolved(self, address) -> None:
        self.addresses.append(address.host)

    def resolutionComplete(self) -> None:
        self.complete = True


def resolve(resolver: GuardedResolver, host: str) -> Receiver:
    receiver = Receiver()
    resolver.resolveHostName(receiver, host, 80)
    assert receiver.complete
    return receiver


def test_hostile_23_each_answer_is_judged_as_it_is_handed_to_the_connection(monkeypatch):
    monkeypatch.setattr(GuardedResolver, "refusals", {})
    monkeypatch.setattr(GuardedResolver, "enabled", True)
    upstream = ScriptedUpstream([["93.184.216.34"], ["127.0.0.1"], ["93.184.216.34", "10.0.0.7"]])
    resolver = GuardedResolver(reactor=None, upstream=upstream)

    assert resolve(resolver, "rebind.example").addresses == ["93.184.216.34"]
    assert resolve(resolver, "rebind.example").addresses == []  # the second answer is loopback
    assert GuardedResolver.refused("rebind.example") == "127.0.0.1"
    assert resolve(resolver, "rebind.example").addresses == []  # one private answer spoils all
    assert upstream.calls == 3


def test_guard_off_passes_every_answer(monkeypatch):
    monkeypatch.setattr(GuardedResolver, "refusals", {})
    monkeypatch.setattr(GuardedResolver, "enabled", False)
    resolver = GuardedResolver(reactor=None, upstream=ScriptedUpstream([["127.0.0.1"]]))
    assert resolve(resolver, "local.example").addresses == ["127.0.0.1"]
    assert GuardedResolver.refused("local.example") is None
