"""Each new article of a cycle is requested once and counted once in its summary.

The articles owed by earlier cycles used to be read after the feed requests were handed to
Scrapy; by then the first feeds had recorded their new entries as pending (and requested
them), so those entries were requested again and counted twice ("400 articles requested for
300 pages" in bench/throughput.py's multi-host summary).
"""

from __future__ import annotations

import contextlib
from collections import Counter
from pathlib import Path

import pytest

from tests.support.cli import newswatch, write_config
from tests.support.database import query
from tests.support.mockserver import MockServer, Page
from tests.support.pages import Story, article_html, rss
from tests.support.stories import RAID

pytestmark = pytest.mark.slow

HOSTS = 6  # loopback addresses, each its own download slot
FEEDS = 18
ARTICLES_PER_FEED = 4


def test_each_new_article_is_requested_and_counted_once(tmp_path: Path, sqlite_url: str):
    with contextlib.ExitStack() as stack:
        servers = [stack.enter_context(MockServer(f"127.0.0.{2 + host}")) for host in range(HOSTS)]
        requested = run_cycle_over(servers, tmp_path, sqlite_url)

    assert len(requested) == FEEDS * ARTICLES_PER_FEED
    assert set(requested.values()) == {1}
    assert query(sqlite_url, "SELECT articles_requested FROM runs") == [(FEEDS * ARTICLES_PER_FEED,)]


def run_cycle_over(servers: list[MockServer], tmp_path: Path, sqlite_url: str) -> Counter[str]:
    """One cycle over FEEDS feeds spread over the servers; how often each article was requested."""
    feeds = []
    for feed in range(FEEDS):
        server = servers[feed % len(servers)]
        items = []
        for number in range(ARTICLES_PER_FEED):
            path = f"/f{feed}/a{number}"
            story = Story(path=path, title=f"Story {number} of feed {feed}", paragraphs=RAID.paragraphs)
            server.serve(path, Page(article_html(story)))
            items.append((story.title, server.url(path), None))
        server.serve(
            f"/f{feed}.xml", Page(rss(f"feed {feed}", server.base, items), content_type="application/rss+xml")
        )
        feeds.append({"name": f"feed-{feed}", "url": server.url(f"/f{feed}.xml"), "keep": "all"})
    config = write_config(
        tmp_path,
        sqlite_url,
        feeds,
        crawl={"concurrent_requests_per_host": 16, "download_delay": 0, "autothrottle": False},
    )

    result = newswatch("run", config=config, timeout=180)
    assert result.returncode == 0, result.stderr[-2000:]
    return Counter(path for server in servers for path in server.paths_requested() if "/a" in path)
