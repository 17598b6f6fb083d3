"""robots.txt is fetched once per origin and reused by later cycles until it expires.

Each cycle is a separate `newswatch run` process, so what is reused came from the store. Time
passes through the clock offset the code reads (NEWSWATCH_CLOCK_OFFSET), never by sleeping.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.cli import newswatch, write_config
from tests.support.database import query
from tests.support.dates import clock_later
from tests.support.mockserver import MockServer, Page
from tests.support.pages import article_html, rss
from tests.support.stories import DEPORTATION, RAID

pytestmark = pytest.mark.slow

ALLOW_ALL = b"User-agent: *\nAllow: /\n"
LATER = clock_later("25h")  # past the 24-hour lifetime of a stored robots.txt


def serve_robots(server: MockServer, body: bytes, **headers: str) -> None:
    server.serve("/robots.txt", Page(body, content_type="text/plain", headers=headers))


def serve_feed(server: MockServer, *paths: str) -> None:
    for path, story in zip(paths, (RAID, DEPORTATION), strict=False):
        server.serve(path, Page(article_html(story)))
    items = [(f"story {path}", server.url(path), None) for path in paths]
    server.serve("/feed.xml", Page(rss("robots", server.base, items), content_type="application/rss+xml"))


def run_cycle(config: Path, env: dict[str, str] | None = None) -> None:
    result = newswatch("run", "--feed", "robots", config=config, env=env, timeout=180)
    assert result.returncode == 0, result.stderr[-2000:]


@pytest.fixture
def config(server: MockServer, tmp_path: Path, sqlite_url: str) -> Path:
    return write_config(
        tmp_path, sqlite_url, [{"name": "robots", "url": server.url("/feed.xml"), "keep": "all"}]
    )


def test_second_cycle_reuses_the_stored_robots_txt(server: MockServer, config: Path, sqlite_url: str):
    serve_robots(server, ALLOW_ALL)
    serve_feed(server, RAID.path)
    run_cycle(config)
    run_cycle(config)

    assert len(server.requests_to("/feed.xml")) == 2
    assert len(server.requests_to("/robots.txt")) == 1
    assert query(sqlite_url, "SELECT origin, status FROM robots_txt") == [(server.base, 200)]


def test_robots_txt_is_fetched_again_once_it_expires(server: MockServer, config: Path):
    serve_robots(server, ALLOW_ALL)
    serve_feed(server, RAID.path)
    run_cycle(config)
    run_cycle(config, LATER)

    assert len(server.requests_to("/robots.txt")) == 2


def test_robots_txt_own_max_age_shortens_its_lifetime(server: MockServer, config: Path):
    serve_robots(server, ALLOW_ALL, **{"Cache-Control": "max-age=600"})
    serve_feed(server, RAID.path)
    run_cycle(config)
    run_cycle(config, clock_later("5m"))
    assert len(server.requests_to("/robots.txt")) == 1
    run_cycle(config, clock_later("11m"))
    assert len(server.requests_to("/robots.txt")) == 2


def test_server_error_robots_txt_is_not_reused(server: MockServer, config: Path):
    server.serve("/robots.txt", Page(b"oops", content_type="text/plain", status=503))
    serve_feed(server, RAID.path)
    run_cycle(config)
    run_cycle(config)

    assert len(server.requests_to("/robots.txt")) >= 2  # 5xx is retried within a cycle, too
    assert len(server.requests_to(RAID.path)) == 1  # allowed, as Scrapy allows on a server error


def test_changed_disallow_is_obeyed_once_the_stored_copy_expires(
    server: MockServer, config: Path, sqlite_url: str
):
    serve_robots(server, ALLOW_ALL)
    serve_feed(server, RAID.path)
    run_cycle(config)
    assert len(server.requests_to(RAID.path)) == 1

    serve_robots(server, b"User-agent: *\nDisallow: /private/\n")
    serve_feed(server, RAID.path, "/private/story")
    run_cycle(config, LATER)

    assert len(server.requests_to("/robots.txt")) == 2
    assert server.requests_to("/private/story") == []
    reasons = query(sqlite_url, "SELECT url, reason FROM failures")
    assert (server.url("/private/story"), "robots") in reasons
