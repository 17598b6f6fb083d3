"""The whole cycle against a local server: feed → articles → extraction → relevance → store → export."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from tests.support.cli import newswatch, write_config
from tests.support.dates import monday_of
from tests.support.mockserver import MockServer, Page
from tests.support.pages import Story, article_html, rss
from tests.support.stories import DEPORTATION, FEED_LAST_MODIFIED, HOCKEY, RAID, RAID_PUBLISHED, publish


def export_records(config: Path, *args: str) -> list[dict[str, object]]:
    result = newswatch("export", "--format", "jsonl", *args, config=config)
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


@pytest.mark.slow
def test_cycle_stores_relevant_articles_field_by_field(server: MockServer, tmp_path: Path, database_url: str):
    publish(server, [RAID, DEPORTATION, HOCKEY])
    config = write_config(tmp_path, database_url, [{"name": "valley", "url": server.url("/feed.xml")}])

    result = newswatch("run", config=config)

    assert result.returncode == 0, result.stderr
    assert "new" in result.stdout and "Cycle" in result.stdout
    records = {r["title"]: r for r in export_records(config)}
    assert set(records) == {RAID.title, DEPORTATION.title}  # the hockey story is off-topic
    raid = records[RAID.title]
    assert raid["url"] == server.url(RAID.path) + "?utm_source=rss&utm_medium=feed"
    assert raid["canonical_url"] == "https://127.0.0.1:{}{}".format(
        server.url("").rsplit(":", 1)[1], RAID.path
    )
    assert raid["source"] == "valley"
    assert raid["site"] == "127.0.0.1"
    assert raid["authors"] == ["Maria Lopez"]
    assert raid["published"].startswith(RAID_PUBLISHED.date().isoformat())
    assert raid["language"] == "en"
    assert raid["duplicate_of"] is None
    assert 0.5 <= raid["relevance"] <= 1.0
    assert raid["matched_terms"], "relevance must say which terms matched"
    assert len(raid["content_hash"]) == 64
    text = raid["text"]
    assert text.startswith("Federal immigration agents detained at least 120 workers")
    assert "more charges could follow" in text
    for furniture in ("Subscribe", "Most read", "All rights reserved", "Weekend forecast"):
        assert furniture not in text
    for stamp in ("first_seen", "fetched_at"):
        assert datetime.fromisoformat(raid[stamp]).tzinfo is not None


@pytest.mark.slow
def test_second_cycle_sends_conditional_get_and_requests_no_articles(
    server: MockServer, tmp_path: Path, database_url: str
):
    publish(server, [RAID, DEPORTATION, HOCKEY])
    config = write_config(
        tmp_path, database_url, [{"name": "valley", "url": server.url("/feed.xml"), "interval": "1m"}]
    )
    assert newswatch("run", config=config).returncode == 0
    first_count = len(export_records(config))
    server.clear_log()

    result = newswatch("run", "--feed", "valley", config=config)

    assert result.returncode == 0, result.stderr
    feed_hits = server.requests_to("/feed.xml")
    assert len(feed_hits) == 1
    assert feed_hits[0].headers.get("If-None-Match") == '"feed-v1"'
    assert feed_hits[0].headers.get("If-Modified-Since") == FEED_LAST_MODIFIED
    assert feed_hits[0].status == 304
    article_paths = [p for p in server.paths_requested() if p.startswith(("/news", "/sports"))]
    assert article_paths == []
    assert len(export_records(config)) == first_count


@pytest.mark.slow
def test_feed_not_due_is_not_polled(server: MockServer, tmp_path: Path, sqlite_url: str):
    publish(server, [RAID])
    config = write_config(
        tmp_path, sqlite_url, [{"name": "valley", "url": server.url("/feed.xml"), "interval": "1h"}]
    )
    assert newswatch("run", config=config).returncode == 0
    server.clear_log()

    assert newswatch("run", config=config).returncode == 0

    assert server.requests_to("/feed.xml") == []


def test_cycle_opens_no_remote_code_console(server: MockServer, tmp_path: Path, sqlite_url: str):
    # Scrapy's telnet console and (2.19+) RemoteControl HTTP server both execute code sent to them
    publish(server, [RAID])
    config = write_config(tmp_path, sqlite_url, [{"name": "valley", "url": server.url("/feed.xml")}])
    result = newswatch("run", "--verbose", config=config)
    assert result.returncode == 0, result.stderr[-2000:]
    enabled = next(line for line in result.stderr.splitlines() if "Enabled extensions" in line)
    assert "corestats.CoreStats" in result.stderr  # the list itself is logged on following lines
    assert "RemoteControl" not in result.stderr and "TelnetConsole" not in result.stderr, enabled


@pytest.mark.slow
def test_exact_copy_under_another_url_is_linked_to_the_first(
    server: MockServer, tmp_path: Path, sqlite_url: str
):
    copy = Story(
        path="/partner/ice-raid-copy",
        title="Raid at meatpacking plant: 120 detained",
        paragraphs=RAID.paragraphs,
        author=RAID.author,
        published=RAID.published,
    )
    publish(server, [RAID])
    server.serve(copy.path, Page(article_html(copy, site_name="Partner News")))
    config = write_config(tmp_path, sqlite_url, [{"name": "valley", "url": server.url("/feed.xml")}])
    assert newswatch("run", config=config).returncode == 0
    server.serve(
        "/feed.xml",
        Page(
            rss("Valley", server.base, [(copy.title, server.url(copy.path), None)]),
            content_type="application/rss+xml",
        ),
    )

    assert newswatch("run", "--feed", "valley", config=config).returncode == 0

    records = export_records(config)
    assert len(records) == 2
    original, duplicate = records
    assert original["duplicate_of"] is None
    assert duplicate["duplicate_of"] == original["id"]
    assert duplicate["content_hash"] == original["content_hash"]
    assert duplicate["text"] == original["text"]  # exported in full, stored once


@pytest.mark.slow
def test_export_filters_and_state_week_report_from_a_real_cycle(
    server: MockServer, tmp_path: Path, sqlite_url: str
):
    for story in (RAID, DEPORTATION):
        server.serve(story.path, Page(article_html(story)))
    server.serve(
        "/feed.xml",
        Page(
            rss("f", server.base, [(s.title, server.url(s.path), s.published) for s in (RAID, DEPORTATION)]),
            content_type="application/rss+xml",
        ),
    )
    config = write_config(tmp_path, sqlite_url, [{"name": "valley", "url": server.url("/feed.xml")}])
    assert newswatch("run", config=config).returncode == 0

    exported = newswatch("export", "--state", "MS", config=config)
    titles = [json.loads(line)["title"] for line in exported.stdout.splitlines()]
    assert titles == [RAID.title]
    by_action = newswatch("export", "--action", "raid", "--agency", "ICE", config=config)
    assert [json.loads(line)["title"] for line in by_action.stdout.splitlines()] == [RAID.title]

    report = newswatch("report", config=config)
    assert report.returncode == 0
    table = list(csv.DictReader(io.StringIO(report.stdout)))
    # The raid was "on Thursday" in a story published on a Friday: the week of the Monday before.
    raid_week = monday_of(RAID_PUBLISHED.date() - timedelta(days=1)).isoformat()
    assert {"week": raid_week, "state": "MS", "stories": "1"} in table
    assert [r["state"] for r in table if r["state"] != "MS"] == ["LA"]
