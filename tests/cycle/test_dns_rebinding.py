"""The private-address guard judges the very DNS answer each connection uses, end to end.

Real cycles (the CLI's crawl, in a child process) with the guard on, whose DNS upstream is
scripted per name (tests/support/scripted_dns.py): a public-looking name that answers loopback,
a name whose answer turns from public to loopback between lookups (rebinding), and a redirect
and a robots.txt that lead to a name answering loopback. "Public" is an address outside every
private range, added to this machine's loopback interface for the test (root only), so nothing
ever leaves the machine.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tests.support import REPO
from tests.support.database import query
from tests.support.mockserver import MockServer, Page, redirect
from tests.support.pages import article_html, rss
from tests.support.scripted_dns import lookups
from tests.support.stories import RAID

pytestmark = pytest.mark.slow


@pytest.fixture
def public_address() -> Iterator[str]:
    """An address the guard counts as public, routed to this machine (added to `lo`)."""
    address = f"45.45.45.{random.randint(2, 250)}"
    added = subprocess.run(
        ["ip", "addr", "add", f"{address}/32", "dev", "lo"], capture_output=True, text=True
    )
    if added.returncode != 0:
        pytest.skip(
            f"cannot add a test address to the loopback interface (needs root): {added.stderr.strip()}"
        )
    try:
        yield address
    finally:
        subprocess.run(["ip", "addr", "del", f"{address}/32", "dev", "lo"], capture_output=True)


def scripted_cycle(tmp_path: Path, feeds: list[dict[str, str]], script: dict[str, list[list[str]]]):
    """Run one guarded cycle with this DNS script; (database path, the lookups it made)."""
    database = tmp_path / "nw.db"
    config = tmp_path / "newswatch.yaml"
    config.write_text(
        yaml.safe_dump(
            {
                "storage": {"url": f"sqlite:///{database}"},
                "feeds": feeds,
                "crawl": {"download_delay": 0, "retry_times": 0, "allow_private_addresses": False},
                "extraction": {"workers": 1},
                "relevance": {"topic": str(REPO / "config" / "topics" / "immigration-enforcement.yaml")},
            }
        )
    )
    script_file, log = tmp_path / "dns.json", tmp_path / "dns.log"
    script_file.write_text(json.dumps(script))
    result = subprocess.run(
        [sys.executable, "-m", "tests.support.scripted_cycle", str(config), str(script_file), str(log)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    return database, lookups(log)


def feed_of(server_base: str, links: list[str]) -> Page:
    return Page(
        rss("f", server_base, [(RAID.title, link, None) for link in links]),
        content_type="application/rss+xml",
    )


def test_hostile_23_a_public_looking_name_that_answers_loopback_is_refused_and_recorded(
    server: MockServer, tmp_path: Path
):
    port = server.base.rsplit(":", 1)[1]
    server.serve("/feed.xml", feed_of(server.base, [server.url(RAID.path)]))
    server.serve(RAID.path, Page(article_html(RAID)))

    database, looked_up = scripted_cycle(
        tmp_path,
        [{"name": "news", "url": f"http://news.example.com:{port}/feed.xml"}],
        {"news.example.com": [["127.0.0.1"]]},
    )

    assert server.paths_requested() == []  # not the feed, not robots.txt
    assert looked_up and {lookup["name"] for lookup in looked_up} == {"news.example.com"}
    failures = query(database, "SELECT reason, detail FROM failures")
    assert failures and {reason for reason, _ in failures} == {"blocked-address"}
    assert all(
        "news.example.com resolves to non-public address 127.0.0.1" in detail for _, detail in failures
    )
    assert query(database, "SELECT last_error_reason FROM feeds") == [("blocked-address",)]


def test_hostile_23_a_name_rebinding_from_public_to_loopback_never_reaches_loopback(
    public_address: str, tmp_path: Path
):
    with MockServer(address=public_address) as public:
        port = int(public.base.rsplit(":", 1)[1])
        with MockServer(port=port) as loopback:  # the same port on 127.0.0.1: what rebinding would reach
            close = {"Connection": "close"}  # every request needs a new connection, so a new lookup
            for site in (public, loopback):
                feed = feed_of(f"http://rebind.example.com:{port}", [])
                feed.headers = close
                site.serve("/feed.xml", feed)
                site.serve("/robots.txt", Page(b"User-agent: *\nAllow: /\n", "text/plain", headers=close))

            # First lookup public, every later one loopback: a guard that looked the name up on its
            # own, then let the connection look it up again, would send the second request to loopback.
            database, looked_up = scripted_cycle(
                tmp_path,
                [{"name": "rebind", "url": f"http://rebind.example.com:{port}/feed.xml"}],
                {"rebind.example.com": [[public_address], ["127.0.0.1"]]},
            )

            assert loopback.paths_requested() == []
            assert len(public.paths_requested()) == 1  # the one request whose lookup answered public
    assert [lookup["answer"] for lookup in looked_up][:2] == [[public_address], ["127.0.0.1"]]
    reasons = {reason for (reason,) in query(database, "SELECT reason FROM failures")}
    assert reasons == {"blocked-address"}


def test_hostile_23_25_a_redirect_and_a_robots_txt_leading_to_loopback_are_refused(
    public_address: str, server: MockServer, tmp_path: Path
):
    inside = f"http://internal.example.com:{server.base.rsplit(':', 1)[1]}"
    server.serve("/secret", Page(article_html(RAID)))
    server.serve("/robots.txt", Page(b"User-agent: *\nDisallow: /\n", content_type="text/plain"))
    with MockServer(address=public_address) as public:
        outside = f"http://pub.example.com:{public.base.rsplit(':', 1)[1]}"
        public.serve("/robots.txt", redirect(f"{inside}/robots.txt", 302))
        public.serve("/feed.xml", feed_of(outside, [f"{outside}/news/story"]))
        public.serve("/news/story", redirect(f"{inside}/secret", 302))

        database, _ = scripted_cycle(
            tmp_path,
            [{"name": "pub", "url": f"{outside}/feed.xml"}],
            {"pub.example.com": [[public_address]], "internal.example.com": [["127.0.0.1"]]},
        )

        assert server.paths_requested() == []  # neither the robots.txt nor the article behind the redirects
        # robots.txt that cannot be fetched fails open (Scrapy's policy): the feed and the story are requested
        assert public.requests_to("/feed.xml") and public.requests_to("/news/story")
    assert query(database, "SELECT status, reason FROM urls") == [("failed", "blocked-address")]
    details = [
        detail
        for (detail,) in query(database, "SELECT detail FROM failures WHERE reason = 'blocked-address'")
    ]
    assert details and all(
        "internal.example.com resolves to non-public address 127.0.0.1" in d for d in details
    )
    assert query(database, "SELECT count(*) FROM articles") == [(0,)]
