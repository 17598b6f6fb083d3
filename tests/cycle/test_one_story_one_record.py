"""Issue 5 end to end: the same article under several URLs is stored once; a syndicated copy is
linked to the original; an edited article is stored as a new version with its history."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.cli import newswatch, write_config
from tests.support.database import query
from tests.support.mockserver import MockServer, Page
from tests.support.pages import Story, article_html, numbered_story, rss
from tests.support.stories import RAID

pytestmark = pytest.mark.slow


def serve_feed(server: MockServer, links: list[str], path: str = "/feed.xml") -> None:
    server.serve(
        path,
        Page(
            rss("f", server.base, [(f"item {i}", link, None) for i, link in enumerate(links)]),
            content_type="application/rss+xml",
        ),
    )


def records(config: Path) -> list[dict]:
    result = newswatch("export", config=config)
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_same_article_under_several_urls_is_stored_once(server: MockServer, tmp_path: Path, sqlite_url: str):
    canonical = server.url(RAID.path)
    declared = Story(RAID.path, RAID.title, RAID.paragraphs, canonical=canonical)
    page = Page(article_html(declared))
    for path in (RAID.path, RAID.path + "/amp", "/amp" + RAID.path, "/m" + RAID.path):
        server.serve(path, page)
    links = [
        canonical + "?utm_source=twitter&fbclid=xyz",
        canonical + "#comments",
        canonical + "/",
        canonical + "/amp",
        server.url("/amp" + RAID.path),
        server.url("/m" + RAID.path),
    ]
    serve_feed(server, links)
    config = write_config(tmp_path, sqlite_url, [{"name": "valley", "url": server.url("/feed.xml")}])

    assert newswatch("run", config=config).returncode == 0

    stored = records(config)
    assert len(stored) == 1
    assert stored[0]["canonical_url"].endswith(RAID.path)
    rows = query(sqlite_url, "SELECT status, article_id FROM urls")
    assert {status for status, _ in rows} <= {"stored", "duplicate"}  # nothing pending, nothing lost
    assert {article_id for _, article_id in rows} == {stored[0]["id"]}  # every URL leads to the one record


def test_syndicated_copy_with_local_furniture_is_linked_to_the_original(
    server: MockServer, tmp_path: Path, sqlite_url: str
):
    server.serve(RAID.path, Page(article_html(RAID)))
    copy = Story("/wire/raid", "ICE raid: 120 detained at meatpacking plant", RAID.paragraphs, author="AP")
    server.serve(copy.path, Page(article_html(copy, site_name="KXYZ Channel 4 News")))
    serve_feed(server, [server.url(RAID.path)], "/local.xml")
    serve_feed(server, [server.url(copy.path)], "/wire.xml")
    config = write_config(tmp_path, sqlite_url, [{"name": "local", "url": server.url("/local.xml")}])
    assert newswatch("run", config=config).returncode == 0
    config = write_config(
        tmp_path,
        sqlite_url,
        [
            {"name": "local", "url": server.url("/local.xml")},
            {"name": "wire", "url": server.url("/wire.xml")},
        ],
    )

    assert newswatch("run", "--feed", "wire", config=config).returncode == 0

    original, duplicate = records(config)
    assert duplicate["duplicate_of"] == original["id"] and duplicate["source"] == "wire"
    stories = newswatch("stories", config=config)
    assert stories.returncode == 0
    assert "2 copies" in stories.stdout and "wire" in stories.stdout and "local" in stories.stdout


def test_edited_article_is_stored_as_a_new_version_with_history(
    server: MockServer, tmp_path: Path, sqlite_url: str
):
    server.serve(RAID.path, Page(article_html(RAID)))
    serve_feed(server, [server.url(RAID.path)])
    config = write_config(
        tmp_path, sqlite_url, [{"name": "valley", "url": server.url("/feed.xml"), "interval": "1h"}]
    )
    assert newswatch("run", config=config).returncode == 0
    edited = Story(
        RAID.path,
        RAID.title.replace("120", "160"),
        (RAID.paragraphs[0].replace("at least 120", "at least 160"), *RAID.paragraphs[1:]),
        author=RAID.author,
        published=RAID.published,
    )
    server.serve(RAID.path, Page(article_html(edited)))
    # A controlled clock: make the re-check due now instead of waiting recheck.every.
    query_write(sqlite_url, "UPDATE articles SET next_recheck_at = '2000-01-01 00:00:00.000000'")

    result = newswatch("run", config=config)

    assert result.returncode == 0
    [record] = records(config)
    assert record["version_count"] == 2
    assert "at least 160" in record["text"] and "160" in record["title"]
    history = newswatch("article", str(record["id"]), "--history", config=config)
    assert "version 1" in history.stdout and "headline changed" in history.stdout
    assert "-Federal immigration agents detained at least 120" in history.stdout
    assert "+Federal immigration agents detained at least 160" in history.stdout

    query_write(sqlite_url, "UPDATE articles SET next_recheck_at = '2000-01-01 00:00:00.000000'")
    assert newswatch("run", config=config).returncode == 0
    assert records(config)[0]["version_count"] == 2  # unchanged: no new version


def query_write(database_url: str, sql: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    with engine.begin() as conn:
        conn.execute(text(sql))
    engine.dispose()


def test_edited_syndicated_copy_is_a_near_duplicate_and_a_different_story_is_not(
    server: MockServer, tmp_path: Path, sqlite_url: str
):
    original = numbered_story(3)
    local_take = Story(
        "/local/raid-coverage",
        "Local families wait for news after federal raid",  # a new headline
        (
            "KXYZ has reached out to the plant's owner and will update this story.",  # a local paragraph
            *original.paragraphs[:-1],
        ),  # and the last paragraph cut off
    )
    other = numbered_story(4)  # same topic, same template, different facts
    for story in (original, local_take, other):
        server.serve(story.path, Page(article_html(story)))
    serve_feed(server, [server.url(original.path)], "/wire.xml")
    serve_feed(server, [server.url(local_take.path), server.url(other.path)], "/local.xml")
    feeds = [{"name": "wire", "url": server.url("/wire.xml"), "keep": "all"}]
    config = write_config(tmp_path, sqlite_url, feeds)
    assert newswatch("run", config=config).returncode == 0
    config = write_config(
        tmp_path, sqlite_url, [*feeds, {"name": "local", "url": server.url("/local.xml"), "keep": "all"}]
    )

    assert newswatch("run", "--feed", "local", config=config).returncode == 0

    by_path = {record["url"].removeprefix(server.base): record for record in records(config)}
    assert by_path[local_take.path]["duplicate_of"] == by_path[original.path]["id"]
    assert "KXYZ has reached out" in by_path[local_take.path]["text"]  # its own version is kept
    assert by_path[other.path]["duplicate_of"] is None
