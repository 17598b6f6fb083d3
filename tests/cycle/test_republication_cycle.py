"""The original is the earliest-published copy, through real cycles: fetched together with its
copy, or arriving after it; exports and `newswatch stories` say which one and why."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.cli import newswatch, write_config
from tests.support.dates import ago
from tests.support.mockserver import MockServer, Page
from tests.support.pages import Story, article_html, rss
from tests.support.wire_versions import WIRE, datelined

pytestmark = pytest.mark.slow

ORIGINAL = Story(
    "/wire/iowa-plants-raid",
    "ICE detains 212 workers at three Iowa meatpacking plants",
    tuple(datelined(WIRE)),
    author="Wire staff",
    published=ago(hours=9),
)
# A syndicated copy published hours later, under its own headline, with a local paragraph.
COPY = Story(
    "/news/iowa-raid-local",
    "Hundreds detained in raids at Iowa plants, including Marshalltown",
    (*WIRE, "Check back with KXYZ for updates from Marshalltown as this story develops."),
    author="Wire",
    published=ago(hours=3),
)


def serve(server: MockServer, feed: str, stories: list[Story]) -> None:
    for story in stories:
        server.serve(story.path, Page(article_html(story)))
    items = [(story.title, server.url(story.path), story.published) for story in stories]
    server.serve(feed, Page(rss(feed, server.base, items), content_type="application/rss+xml"))


def exported(config: Path) -> dict[str, dict]:
    result = newswatch("export", config=config)
    assert result.returncode == 0, result.stderr
    return {
        json.loads(line)["url"].rsplit("/", 1)[1]: json.loads(line) for line in result.stdout.splitlines()
    }


def assert_original_then_copy(config: Path) -> None:
    by_path = exported(config)
    original, copy = by_path["iowa-plants-raid"], by_path["iowa-raid-local"]
    assert original["duplicate_of"] is None and original["original_basis"] == "published"
    assert copy["duplicate_of"] == original["id"] and copy["original_basis"] is None
    assert copy["story_id"] == original["story_id"]
    assert "Check back with KXYZ" in copy["text"]  # the copy keeps its own version
    stories = newswatch("stories", config=config)
    assert stories.returncode == 0, stories.stderr
    assert "original (earliest published)" in stories.stdout
    assert f"copy of {original['id']}" in stories.stdout


def test_fetched_together_the_earlier_published_page_is_the_original(
    server: MockServer, tmp_path: Path, sqlite_url: str
):
    # The copy is listed first: whichever page the cycle stores first, the original must win.
    serve(server, "/feed.xml", [COPY, ORIGINAL])
    config = write_config(
        tmp_path, sqlite_url, [{"name": "mixed", "url": server.url("/feed.xml"), "keep": "all"}]
    )

    result = newswatch("run", config=config)

    assert result.returncode == 0, result.stderr
    assert_original_then_copy(config)


def test_an_earlier_original_arriving_in_a_later_cycle_takes_over_from_the_copy(
    server: MockServer, tmp_path: Path, sqlite_url: str
):
    serve(server, "/local.xml", [COPY])
    serve(server, "/wire.xml", [ORIGINAL])
    local = {"name": "local", "url": server.url("/local.xml"), "keep": "all"}
    config = write_config(tmp_path, sqlite_url, [local])
    assert newswatch("run", config=config).returncode == 0
    assert exported(config)["iowa-raid-local"]["duplicate_of"] is None  # alone, it is its own original

    config = write_config(
        tmp_path, sqlite_url, [local, {"name": "wire", "url": server.url("/wire.xml"), "keep": "all"}]
    )
    assert newswatch("run", "--feed", "wire", config=config).returncode == 0

    assert_original_then_copy(config)
