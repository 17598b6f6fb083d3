"""HOSTILE.md 22-23: the private-address guard, on by default, checked after name resolution."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from pathlib import Path

import pytest
import yaml
from scrapy import Request

from crawler.scrapy_components.address_guard import PrivateAddressGuard
from crawler.core.errors import BlockedAddress
from tests.conftest import REPO, newswatch
from tests.hostile import query
from tests.mockserver import MockServer, Page
from tests.pages import article_html, rss
from tests.test_cycle_end_to_end import RAID


def check(url: str, enabled: bool = True) -> None:
    asyncio.run(PrivateAddressGuard(enabled).process_request(Request(url)))


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


def loopback_name() -> str:
    """A host name (not an IP literal, not 'localhost') that resolves to loopback here, or skip."""
    name = socket.gethostname()
    try:
        address = socket.getaddrinfo(name, 80, type=socket.SOCK_STREAM)[0][4][0]
    except OSError:
        pytest.skip(f"this machine's name {name!r} does not resolve")
    if not ipaddress.ip_address(address).is_loopback:
        pytest.skip(f"this machine's name {name!r} resolves to {address}, not loopback")
    return name


def test_hostile_23_a_name_that_resolves_to_loopback_is_blocked():
    with pytest.raises(BlockedAddress):
        check(f"http://{loopback_name()}/x")


@pytest.mark.slow
def test_hostile_23_guard_on_blocks_a_real_cycle_and_nothing_reaches_the_server(
    server: MockServer, tmp_path: Path
):
    """The feed's host is a name that only resolves to loopback: config accepts it, the guard
    refuses it after resolution, and the local server never sees a request."""
    server.serve(RAID.path, Page(article_html(RAID)))
    server.serve(
        "/feed.xml",
        Page(
            rss("f", server.base, [(RAID.title, server.url(RAID.path), None)]),
            content_type="application/rss+xml",
        ),
    )
    port = server.base.rsplit(":", 1)[1]
    config = tmp_path / "newswatch.yaml"
    database = f"sqlite:///{tmp_path / 'nw.db'}"
    config.write_text(
        yaml.safe_dump(
            {
                "storage": {"url": database},
                "feeds": [{"name": "sneaky", "url": f"http://{loopback_name()}:{port}/feed.xml"}],
                "crawl": {"download_delay": 0},
                "relevance": {"topic": str(REPO / "config" / "topics" / "immigration-enforcement.yaml")},
            }
        )
    )

    result = newswatch("run", config=config)

    assert result.returncode == 0
    assert "blocked-address" in result.stdout
    assert server.paths_requested() == []
    assert query(database, "SELECT reason FROM failures") == [("blocked-address",)]
