"""Hostile feeds end to end, served from a local server through a real cycle: each is a typed
failure or a recorded problem, the cycle goes on, and the good articles are stored.

The parser-level cases (dates, GUID collisions, encodings, corpus feeds) are in
tests/unit/test_feedparse.py and tests/unit/test_feed_corpus.py; here each case runs the whole cycle.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.support.hostile import cycle_with_feed
from tests.support.mockserver import MockServer, Page, endless
from tests.support.stories import DEPORTATION, RAID

pytestmark = pytest.mark.slow

LAUGHS = b"""<!DOCTYPE rss [
<!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
<!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
<!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
<!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
<!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">
<!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;">
]>"""


def rss_items(server: MockServer, *extra_items: str, title: str = "&h;") -> bytes:
    items = "".join(
        f"<item><title>{story.title}</title><link>{server.url(story.path)}</link></item>"
        for story in (RAID, DEPORTATION)
    )
    return (
        f"<rss version='2.0'><channel><title>{title}</title><link>{server.base}</link>"
        f"{items}{''.join(extra_items)}</channel></rss>"
    ).encode()


def feed_page(body: bytes) -> Page:
    return Page(body, content_type="application/rss+xml")


@pytest.mark.parametrize(
    "padding", [b"", b"<!--" + b"x" * 72_000 + b"-->\n"], ids=["at-start", "after-70KiB"]
)
def test_hostile_01_billion_laughs_is_bounded_and_nothing_expands(
    server: MockServer, tmp_path: Path, sqlite_url: str, padding: bytes
):
    body = b"<?xml version='1.0'?>\n" + padding + LAUGHS + rss_items(server)
    started = time.monotonic()
    outcome = cycle_with_feed(server, tmp_path, sqlite_url, feed_page(body))

    assert outcome.result.returncode == 0
    assert time.monotonic() - started < 60
    assert sorted(outcome.titles) == sorted([RAID.title, DEPORTATION.title])
    assert not any("aaaaaaaaaa" in (t or "") for t in outcome.titles)


def test_hostile_02_external_entities_read_nothing_and_fetch_nothing(
    server: MockServer, tmp_path: Path, sqlite_url: str
):
    server.serve("/secret", Page(b"SECRET-PAYLOAD", content_type="text/plain"))
    doctype = (
        f'<!DOCTYPE rss [<!ENTITY file SYSTEM "file:///etc/passwd">'
        f'<!ENTITY web SYSTEM "{server.url("/secret")}">]>'
    ).encode()
    body = b"<?xml version='1.0'?>\n" + doctype + rss_items(server, title="&file;&web;")

    outcome = cycle_with_feed(server, tmp_path, sqlite_url, feed_page(body))

    assert outcome.result.returncode == 0
    assert server.requests_to("/secret") == []
    assert len(outcome.titles) == 2
    assert "root:" not in outcome.result.stdout + outcome.result.stderr


def test_hostile_03_ill_formed_feed_keeps_recoverable_entries_and_records_the_problem(
    server: MockServer, tmp_path: Path, sqlite_url: str
):
    body = rss_items(server, "<item><title>broken <b>tag</title></item>", title="x").replace(
        b"</channel>", b""
    )
    outcome = cycle_with_feed(server, tmp_path, sqlite_url, feed_page(body))

    assert outcome.result.returncode == 0
    assert sorted(outcome.titles) == sorted([RAID.title, DEPORTATION.title])
    assert "feed-problem" in outcome.reasons("/feed.xml")


def test_hostile_03_wrong_declared_encoding_and_invalid_bytes_do_not_stop_the_feed(
    server: MockServer, tmp_path: Path, sqlite_url: str
):
    body = b"<?xml version='1.0' encoding='bogus-8'?>\n" + rss_items(server, title="caf\xe9 \xff\xfe x")
    outcome = cycle_with_feed(server, tmp_path, sqlite_url, feed_page(body))

    assert outcome.result.returncode == 0
    assert len(outcome.titles) == 2


def test_hostile_04_pathological_author_field_is_cheap(server: MockServer, tmp_path: Path, sqlite_url: str):
    author = "<author>" + "a@" * 20_000 + "</author>"
    body = rss_items(server, title="x").replace(b"</title><link>", f"</title>{author}<link>".encode(), 1)
    started = time.monotonic()
    outcome = cycle_with_feed(server, tmp_path, sqlite_url, feed_page(body))

    assert outcome.result.returncode == 0
    assert time.monotonic() - started < 60
    assert len(outcome.titles) == 2


def test_hostile_05_never_ending_feed_stops_at_the_feed_size_cap(
    server: MockServer, tmp_path: Path, sqlite_url: str
):
    outcome = cycle_with_feed(server, tmp_path, sqlite_url, endless(), crawl={"feed_max_bytes": 2_000_000})

    assert outcome.result.returncode == 0
    assert outcome.reasons("/feed.xml") == ["too-large"]


def test_hostile_06_unfetchable_entry_links_are_dropped_before_any_request(
    server: MockServer, tmp_path: Path, sqlite_url: str
):
    bad = "".join(
        f"<item><title>bad</title><link>{link}</link></item>"
        for link in (
            "javascript:alert(1)",
            "file:///etc/passwd",
            "data:text/html,hi",
            "ftp://127.0.0.1/x",
            "gopher://127.0.0.1/",
        )
    )
    outcome = cycle_with_feed(server, tmp_path, sqlite_url, feed_page(rss_items(server, bad, title="x")))

    assert outcome.result.returncode == 0
    assert len(outcome.titles) == 2
    assert set(outcome.url_status) == {RAID.path, DEPORTATION.path}
    assert set(server.paths_requested()) <= {"/feed.xml", "/robots.txt", RAID.path, DEPORTATION.path}


def test_hostile_07_huge_feed_with_colliding_guids_is_capped_and_idempotent(
    server: MockServer, tmp_path: Path, sqlite_url: str
):
    filler = "".join(
        f"<item><guid>same-guid</guid><title>t{i}</title><link>{server.url(f'/n/{i}')}</link></item>"
        for i in range(50_000)
    )
    outcome = cycle_with_feed(
        server,
        tmp_path,
        sqlite_url,
        feed_page(rss_items(server, filler, title="x")),
        crawl={"max_entries_per_feed": 40},
    )

    assert outcome.result.returncode == 0
    assert len(outcome.url_status) == 40
    assert "feed-problem" in outcome.reasons("/feed.xml")  # "entries capped at 40 of 50002"
