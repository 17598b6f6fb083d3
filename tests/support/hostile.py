"""Shared scaffolding for the hostile-input suites: one good article beside each bad thing."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from subprocess import CompletedProcess

from tests.support.cli import newswatch, write_config
from tests.support.database import query
from tests.support.mockserver import Behaviour, MockServer, Page
from tests.support.pages import article_html, rss
from tests.support.stories import DEPORTATION, RAID

GOOD_PATH = RAID.path


@dataclass
class Outcome:
    """What a cycle did: its process result, typed failures by URL path, stored titles."""

    result: CompletedProcess[str]
    failures: dict[str, list[str]]
    titles: list[str]
    url_status: dict[str, str]

    def reasons(self, path: str) -> list[str]:
        return self.failures.get(path, [])


def outcome_of(result: CompletedProcess[str], database_url: str, base: str) -> Outcome:
    failures: dict[str, list[str]] = {}
    for url, reason in query(database_url, "SELECT url, reason FROM failures ORDER BY id"):
        failures.setdefault(url.removeprefix(base), []).append(reason)
    titles = [row[0] for row in query(database_url, "SELECT title FROM articles ORDER BY id")]
    status = {url.removeprefix(base): s for url, s in query(database_url, "SELECT url, status FROM urls")}
    return Outcome(result, failures, titles, status)


def cycle_with_bad_articles(
    server: MockServer,
    tmp_path: Path,
    database_url: str,
    bad: dict[str, Page | Behaviour],
    crawl: dict[str, object] | None = None,
    extraction: dict[str, object] | None = None,
) -> Outcome:
    """Serve a feed listing one good article and the bad paths; run one cycle (keep: all)."""
    server.serve(GOOD_PATH, Page(article_html(RAID)))
    for path, page in bad.items():
        server.serve(path, page)
    items = [(RAID.title, server.url(GOOD_PATH), RAID.published)]
    items += [(f"bad {path}", server.url(path), None) for path in bad]
    server.serve("/feed.xml", Page(rss("hostile", server.base, items), content_type="application/rss+xml"))
    config = write_config(
        tmp_path,
        database_url,
        [{"name": "hostile", "url": server.url("/feed.xml"), "keep": "all"}],
        crawl={"download_timeout": "3s", "retry_times": 1, **(crawl or {})},
        extraction=extraction,
    )
    result = newswatch("run", config=config, timeout=180)
    return outcome_of(result, database_url, server.base)


def cycle_with_feed(
    server: MockServer,
    tmp_path: Path,
    database_url: str,
    feed: Page | Behaviour,
    crawl: dict[str, object] | None = None,
) -> Outcome:
    """Serve this feed (plus the two good article pages it may link to) and run one cycle."""
    for story in (RAID, DEPORTATION):
        server.serve(story.path, Page(article_html(story)))
    server.serve("/feed.xml", feed)
    config = write_config(
        tmp_path,
        database_url,
        [{"name": "hostile", "url": server.url("/feed.xml"), "keep": "all"}],
        crawl={"download_timeout": "5s", "retry_times": 0, **(crawl or {})},
    )
    result = newswatch("run", config=config, timeout=180)
    return outcome_of(result, database_url, server.base)
