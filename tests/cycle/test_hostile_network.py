"""Servers that misbehave. Each case: a typed failure, the cycle goes on, nothing lost."""

from __future__ import annotations

import gzip
import zlib
from pathlib import Path

import pytest
import yaml

from tests.support import REPO
from tests.support.cli import newswatch, write_config
from tests.support.database import query
from tests.support.hostile import GOOD_PATH, cycle_with_bad_articles, cycle_with_feed, outcome_of
from tests.support.mockserver import (
    MockServer,
    Page,
    encoded,
    loopback_name,
    never_answer,
    raw,
    redirect,
    stall_after_headers,
    trickle,
)
from tests.support.pages import Story, article_html, numbered_story, rss
from tests.support.stories import DEPORTATION, RAID

pytestmark = pytest.mark.slow


def assert_good_article_stored(outcome) -> None:
    assert outcome.result.returncode == 0, outcome.result.stderr[-2000:]
    assert RAID.title in outcome.titles


@pytest.mark.parametrize(
    ("behaviour", "reason"),
    [
        (never_answer(), "timeout"),
        (stall_after_headers("text/html"), "timeout"),
        (raw(b""), "connection"),
        (
            raw(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 5000\r\n\r\n<html>short"),
            "data-loss",
        ),
        (
            raw(
                b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n"
                b"zz\r\nbroken"
            ),
            "data-loss",
        ),
        (raw(b"SSH-2.0-OpenSSH_9.6 not http at all\r\n\r\n"), "connection"),
    ],
    ids=[
        "never-answers",
        "stalls-after-headers",
        "drops-connection",
        "short-body",
        "broken-chunking",
        "garbage-status-line",
    ],
)
def test_hostile_18_broken_servers_fail_typed_are_retried_then_given_up(
    server: MockServer, tmp_path: Path, sqlite_url: str, behaviour, reason: str
):
    outcome = cycle_with_bad_articles(server, tmp_path, sqlite_url, {"/bad": behaviour})

    assert_good_article_stored(outcome)
    assert outcome.reasons("/bad") == [reason]
    # retry_times: 1, then given up. Twisted's connection pool may itself resend once when a
    # reused keep-alive connection dies before any response, so each try is one or two hits.
    assert 2 <= len(server.requests_to("/bad")) <= 4
    assert outcome.url_status["/bad"] == "pending"  # a transient failure: the next cycle tries again


def cut_gzip(body: bytes) -> bytes:
    """A gzip body cut in half: what a server or proxy dying mid-body sends under a matching length."""
    compressed = gzip.compress(body)
    return compressed[: len(compressed) // 2]


def test_hostile_18_gzip_body_cut_short_is_data_loss_not_a_stored_fragment(
    server: MockServer, tmp_path: Path, sqlite_url: str
):
    """Scrapy inflates a cut stream leniently, to its first paragraphs: stored, that fragment
    would be the article for good. It is a broken download instead, retried, then pending."""
    story = numbered_story(7, "/cut")
    story = Story(path=story.path, title=story.title, paragraphs=story.paragraphs * 6)
    page = article_html(story)
    outcome = cycle_with_bad_articles(server, tmp_path, sqlite_url, {"/cut": encoded(cut_gzip(page), "gzip")})

    assert_good_article_stored(outcome)
    assert outcome.reasons("/cut") == ["data-loss"]
    assert len(server.requests_to("/cut")) == 2  # retry_times: 1
    assert outcome.url_status["/cut"] == "pending"
    assert story.title not in outcome.titles

    server.serve("/cut", Page(page, gzip=True))
    assert newswatch("run", config=tmp_path / "newswatch.yaml").returncode == 0
    ((text,),) = query(sqlite_url, f"SELECT text FROM articles WHERE url = '{server.url('/cut')}'")
    assert story.paragraphs[-1] in text


def test_hostile_18_feed_cut_short_in_gzip_is_data_loss_not_its_first_entries(
    server: MockServer, tmp_path: Path, sqlite_url: str
):
    items = [(story.title, server.url(story.path), story.published) for story in (RAID, DEPORTATION)]
    feed = rss("cut", server.base, items)
    outcome = cycle_with_feed(
        server, tmp_path, sqlite_url, encoded(cut_gzip(feed), "gzip", "application/rss+xml")
    )

    assert outcome.result.returncode == 0, outcome.result.stderr[-2000:]
    assert outcome.reasons("/feed.xml") == ["data-loss"]
    assert outcome.titles == []


def test_hostile_19_trickled_body_hits_the_total_timeout(server: MockServer, tmp_path: Path, sqlite_url: str):
    page = article_html(RAID)
    outcome = cycle_with_bad_articles(
        server, tmp_path, sqlite_url, {"/slow": trickle(page, 0.2)}, crawl={"retry_times": 0}
    )

    assert_good_article_stored(outcome)
    assert outcome.reasons("/slow") == ["timeout"]


def _gzip_bomb() -> bytes:
    return gzip.compress(b"\0" * 30_000_000, compresslevel=9)


@pytest.mark.parametrize(
    ("body", "encoding"),
    [
        (_gzip_bomb(), "gzip"),
        (zlib.compress(b"\0" * 30_000_000, 9), "deflate"),
        (gzip.compress(_gzip_bomb()), "gzip, gzip"),
    ],
    ids=["gzip", "deflate", "stacked-gzip"],
)
def test_hostile_20_compression_bombs_stop_at_the_decompressed_size_cap(
    server: MockServer, tmp_path: Path, sqlite_url: str, body: bytes, encoding: str
):
    outcome = cycle_with_bad_articles(
        server,
        tmp_path,
        sqlite_url,
        {"/bomb": encoded(body, encoding)},
        crawl={"page_max_bytes": 2_000_000, "feed_max_bytes": 2_000_000},
    )

    assert_good_article_stored(outcome)
    assert outcome.reasons("/bomb") == ["too-large"]
    assert outcome.url_status["/bomb"] == "failed"


def test_hostile_21_redirect_loop_stops_at_the_limit(server: MockServer, tmp_path: Path, sqlite_url: str):
    server.serve("/loop-b", redirect("/loop-a", 302))
    outcome = cycle_with_bad_articles(
        server, tmp_path, sqlite_url, {"/loop-a": redirect("/loop-b", 302)}, crawl={"max_redirects": 5}
    )

    assert_good_article_stored(outcome)
    assert outcome.reasons("/loop-a") == ["too-many-redirects"]
    assert len(server.requests_to("/loop-a")) + len(server.requests_to("/loop-b")) == 6


def test_hostile_21_long_redirect_chain_stops_at_the_limit(
    server: MockServer, tmp_path: Path, sqlite_url: str
):
    for hop in range(1, 25):
        server.serve(f"/hop/{hop}", redirect(f"/hop/{hop + 1}", 301))
    server.serve("/hop/25", Page(article_html(RAID)))
    outcome = cycle_with_bad_articles(
        server, tmp_path, sqlite_url, {"/hop/0": redirect("/hop/1", 301)}, crawl={"max_redirects": 10}
    )

    assert_good_article_stored(outcome)
    assert outcome.reasons("/hop/0") == ["too-many-redirects"]
    assert server.requests_to("/hop/25") == []


def test_hostile_21_meta_refresh_loop_stops_at_the_limit(server: MockServer, tmp_path: Path, sqlite_url: str):
    refresh = b'<html><head><meta http-equiv="refresh" content="0; url=/refresh"></head><body>x</body></html>'
    outcome = cycle_with_bad_articles(
        server, tmp_path, sqlite_url, {"/refresh": Page(refresh)}, crawl={"max_redirects": 4}
    )

    assert_good_article_stored(outcome)
    assert outcome.reasons("/refresh") == ["too-many-redirects"]
    assert len(server.requests_to("/refresh")) == 5


@pytest.mark.parametrize(
    "target", ["file:///etc/passwd", "gopher://127.0.0.1:70/", "data:text/html,<p>x</p>"]
)
def test_hostile_22_redirects_to_other_schemes_are_never_followed(
    server: MockServer, tmp_path: Path, sqlite_url: str, target: str
):
    outcome = cycle_with_bad_articles(server, tmp_path, sqlite_url, {"/away": redirect(target, 302)})

    assert_good_article_stored(outcome)
    assert outcome.reasons("/away") in (["blocked-address"], ["too-many-redirects"], ["ignored"])
    assert outcome.url_status["/away"] == "failed"
    assert not any("root:" in (title or "") for title in outcome.titles)


def test_hostile_24_rate_limited_host_waits_while_others_go_on(
    server: MockServer, tmp_path: Path, sqlite_url: str
):
    """The server under the name localhost says 429 + Retry-After; under 127.0.0.1 it goes on."""
    limited = Page(b"slow down", content_type="text/plain", status=429, headers={"Retry-After": "600"})
    paths = [f"/limited/{i}" for i in range(3)]
    for path in paths:
        server.serve(path, limited)
    server.serve(GOOD_PATH, Page(article_html(RAID)))
    other_host = server.base.replace("127.0.0.1", "localhost")
    items = [(RAID.title, server.url(GOOD_PATH), None)] + [(p, other_host + p, None) for p in paths]
    server.serve("/feed.xml", Page(rss("limited", server.base, items), content_type="application/rss+xml"))
    config = write_config(
        tmp_path,
        sqlite_url,
        [{"name": "limited", "url": server.url("/feed.xml"), "keep": "all"}],
        crawl={"concurrent_requests_per_host": 1},
    )

    outcome = outcome_of(newswatch("run", config=config), sqlite_url, other_host)

    assert_good_article_stored(outcome)
    assert sum(len(server.requests_to(path)) for path in paths) == 1  # the host was left alone after
    assert all(outcome.url_status[path] == "pending" for path in paths)  # nothing lost: next cycle
    reasons = sorted(reason for path in paths for reason in outcome.reasons(path))
    assert reasons == ["host-backoff", "host-backoff", "http-429"]


def test_hostile_25_robots_txt_that_errors_is_treated_as_allow_all(
    server: MockServer, tmp_path: Path, sqlite_url: str
):
    server.serve("/robots.txt", Page(b"oops", content_type="text/plain", status=500))
    outcome = cycle_with_bad_articles(server, tmp_path, sqlite_url, {}, crawl={"obey_robots_txt": True})

    assert_good_article_stored(outcome)
    assert len(server.requests_to("/robots.txt")) >= 1


def test_hostile_25_robots_txt_disallow_is_obeyed_and_recorded(
    server: MockServer, tmp_path: Path, sqlite_url: str
):
    server.serve("/robots.txt", Page(b"User-agent: *\nDisallow: /private/\n", content_type="text/plain"))
    outcome = cycle_with_bad_articles(
        server,
        tmp_path,
        sqlite_url,
        {"/private/story": Page(article_html(RAID))},
        crawl={"obey_robots_txt": True},
    )

    assert_good_article_stored(outcome)
    assert outcome.reasons("/private/story") == ["robots"]
    assert server.requests_to("/private/story") == []


def test_hostile_25_huge_robots_txt_is_capped_and_the_cycle_goes_on(
    server: MockServer, tmp_path: Path, sqlite_url: str
):
    server.serve("/robots.txt", Page(b"# " + b"x" * 3_000_000, content_type="text/plain"))
    outcome = cycle_with_bad_articles(
        server,
        tmp_path,
        sqlite_url,
        {},
        crawl={"obey_robots_txt": True, "page_max_bytes": 1_000_000, "feed_max_bytes": 1_000_000},
    )

    assert_good_article_stored(outcome)
    assert GOOD_PATH not in outcome.failures


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
