"""The private-address guard, on by default, checked after name resolution.

Only http(s) is fetched, and never from a loopback, private, link-local or reserved address,
whatever numeric disguise the URL uses; a name is judged by what it resolves to."""

from __future__ import annotations

import asyncio

import pytest
from scrapy import Request

from crawler.scrapy_components.address_guard import BlockedAddress, PrivateAddressGuardMiddleware
from tests.support.mockserver import loopback_name


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


def test_hostile_23_a_name_that_resolves_to_loopback_is_blocked():
    with pytest.raises(BlockedAddress):
        check(f"http://{loopback_name()}/x")
