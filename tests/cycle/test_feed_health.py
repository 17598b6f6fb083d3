"""Feed-level HTTP behaviour against a real local server: 301, 410, 429 + Retry-After, not-a-feed."""

from __future__ import annotations

import base64
from datetime import timedelta
from pathlib import Path

import pytest

from crawler.core.clock import utcnow
from crawler.store import Store
from tests.support.cli import newswatch, write_config
from tests.support.mockserver import MockServer, Page, redirect
from tests.support.pages import article_html, rss
from tests.support.stories import RAID

pytestmark = pytest.mark.slow


def serve_feed(server: MockServer, path: str) -> None:
    server.serve(RAID.path, Page(article_html(RAID)))
    server.serve(
        path,
        Page(
            rss("feed", server.base, [(RAID.title, server.url(RAID.path), RAID.published)]),
            content_type="application/rss+xml",
        ),
    )


def feed_state(database_url: str, name: str):
    store = Store.open(database_url)
    try:
        [state] = store.feeds([name])
        return state
    finally:
        store.close()


def test_permanent_redirect_moves_the_stored_feed_url(server: MockServer, tmp_path: Path, sqlite_url: str):
    serve_feed(server, "/new-feed.xml")
    server.serve("/old-feed.xml", redirect(server.url("/new-feed.xml"), 301))
    config = write_config(tmp_path, sqlite_url, [{"name": "moved", "url": server.url("/old-feed.xml")}])

    assert newswatch("run", config=config).returncode == 0
    assert feed_state(sqlite_url, "moved").fetch_url == server.url("/new-feed.xml")
    server.clear_log()

    assert newswatch("run", "--feed", "moved", config=config).returncode == 0
    assert server.requests_to("/old-feed.xml") == []
    assert len(server.requests_to("/new-feed.xml")) == 1


def test_a_feed_behind_basic_auth_keeps_its_credentials_after_a_permanent_move(
    server: MockServer, tmp_path: Path, sqlite_url: str
):
    serve_feed(server, "/new-feed.xml")
    server.serve("/old-feed.xml", redirect(server.url("/new-feed.xml"), 301))
    scheme, rest = server.url("/old-feed.xml").split("://", 1)
    config = write_config(tmp_path, sqlite_url, [{"name": "private", "url": f"{scheme}://reader:pw@{rest}"}])
    expected = "Basic " + base64.b64encode(b"reader:pw").decode()

    assert newswatch("run", config=config).returncode == 0
    server.clear_log()
    assert newswatch("run", "--feed", "private", config=config).returncode == 0

    assert [hit.headers.get("Authorization") for hit in server.requests_to("/new-feed.xml")] == [expected]
    assert server.requests_to("/old-feed.xml") == []


def test_temporary_redirect_keeps_the_configured_url(server: MockServer, tmp_path: Path, sqlite_url: str):
    serve_feed(server, "/today.xml")
    server.serve("/feed.xml", redirect(server.url("/today.xml"), 302))
    config = write_config(tmp_path, sqlite_url, [{"name": "temp", "url": server.url("/feed.xml")}])

    assert newswatch("run", config=config).returncode == 0

    assert feed_state(sqlite_url, "temp").fetch_url == server.url("/feed.xml")


def test_gone_feed_is_retired_and_never_polled_again(server: MockServer, tmp_path: Path, sqlite_url: str):
    server.serve("/feed.xml", Page(b"gone", content_type="text/plain", status=410))
    config = write_config(tmp_path, sqlite_url, [{"name": "gone", "url": server.url("/feed.xml")}])

    result = newswatch("run", config=config)

    assert result.returncode == 0
    assert "gone" in result.stdout
    assert feed_state(sqlite_url, "gone").retired_at is not None
    server.clear_log()
    assert newswatch("run", "--feed", "gone", config=config).returncode == 0
    assert server.requests_to("/feed.xml") == []
    status = newswatch("feeds", "status", config=config)
    assert "retired" in status.stdout


def test_rate_limited_feed_waits_for_retry_after(server: MockServer, tmp_path: Path, sqlite_url: str):
    server.serve(
        "/feed.xml",
        Page(b"slow down", content_type="text/plain", status=429, headers={"Retry-After": "7200"}),
    )
    config = write_config(
        tmp_path, sqlite_url, [{"name": "limited", "url": server.url("/feed.xml"), "interval": "5m"}]
    )
    before = utcnow()

    result = newswatch("run", config=config)

    assert result.returncode == 0
    assert "http-429" in result.stdout
    state = feed_state(sqlite_url, "limited")
    assert state.last_error_reason == "http-429"
    assert state.next_check_at >= before + timedelta(hours=2)
    assert len(server.requests_to("/feed.xml")) == 1  # not retried at once


def test_absurd_retry_after_is_capped(server: MockServer, tmp_path: Path, sqlite_url: str):
    server.serve(
        "/feed.xml", Page(b"", content_type="text/plain", status=503, headers={"Retry-After": "99999999"})
    )
    config = write_config(tmp_path, sqlite_url, [{"name": "absurd", "url": server.url("/feed.xml")}])

    assert newswatch("run", config=config).returncode == 0

    state = feed_state(sqlite_url, "absurd")
    assert state.next_check_at <= utcnow() + timedelta(hours=6, minutes=1)


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"<html><body><h1>Welcome</h1><p>Not a feed.</p></body></html>", "text/html"),
        (b'{"status": "ok", "items": []}', "application/json"),
        (b"", "application/rss+xml"),
    ],
    ids=["html", "json", "empty"],
)
def test_hostile_09_not_a_feed_is_recorded_and_backs_off(
    server: MockServer, tmp_path: Path, sqlite_url: str, body: bytes, content_type: str
):
    server.serve("/feed.xml", Page(body, content_type=content_type))
    config = write_config(
        tmp_path, sqlite_url, [{"name": "bogus", "url": server.url("/feed.xml"), "interval": "10m"}]
    )
    before = utcnow()

    result = newswatch("run", config=config)

    assert result.returncode == 0
    assert "not-a-feed" in result.stdout
    state = feed_state(sqlite_url, "bogus")
    assert (state.last_error_reason, state.consecutive_failures) == ("not-a-feed", 1)
    assert state.next_check_at >= before + timedelta(minutes=20)  # backed off beyond the interval


def test_hostile_09_304_to_an_unconditional_request_is_not_a_feed(
    server: MockServer, tmp_path: Path, sqlite_url: str
):
    server.serve("/feed.xml", Page(b"", status=304))
    config = write_config(tmp_path, sqlite_url, [{"name": "odd", "url": server.url("/feed.xml")}])

    assert newswatch("run", config=config).returncode == 0

    assert feed_state(sqlite_url, "odd").last_error_reason == "not-a-feed"


def test_one_failing_feed_does_not_stop_the_others(server: MockServer, tmp_path: Path, sqlite_url: str):
    serve_feed(server, "/good.xml")
    server.serve("/bad.xml", Page(b"oops", content_type="text/plain", status=500))
    config = write_config(
        tmp_path,
        sqlite_url,
        [{"name": "bad", "url": server.url("/bad.xml")}, {"name": "good", "url": server.url("/good.xml")}],
        crawl={"retry_times": 1},
    )

    result = newswatch("run", config=config)

    assert result.returncode == 0
    assert "http-5xx" in result.stdout
    assert feed_state(sqlite_url, "good").last_success_at is not None
    assert feed_state(sqlite_url, "bad").last_error_reason == "http-5xx"
    assert len(server.requests_to("/bad.xml")) == 2  # retried by policy, then given up
    export = newswatch("export", config=config)
    assert len(export.stdout.splitlines()) == 1
