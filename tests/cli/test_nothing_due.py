"""A cycle with nothing to do answers from the store: no Scrapy, no workers, no requests, and
(once a full run has validated the configuration) neither SQLAlchemy nor pydantic.

The command runs in a child process that reports, after `main()` returned, which of the
frameworks' modules it had imported. Each test keeps its built indexes in a folder of its own
(NEWSWATCH_CACHE_DIR), so other tests' indexes never push its own out.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import REPO
from tests.support.cli import newswatch, write_config
from tests.support.database import query
from tests.support.dates import clock_later
from tests.support.mockserver import MockServer, Page
from tests.support.pages import article_html, rss
from tests.support.stories import DEPORTATION, RAID

pytestmark = pytest.mark.slow

REPORTING_RUN = """
import json, sys
from crawler.app.cli import main
status = main(["--config", sys.argv[1], "run"])
heavy = ("scrapy", "twisted", "trafilatura", "sqlalchemy", "pydantic")
frameworks = sorted({m.split(".")[0] for m in sys.modules if m.split(".")[0] in heavy})
print(json.dumps({"status": status, "frameworks": frameworks}))
"""


def run_reporting_imports(config: Path, env: dict[str, str] | None = None) -> dict[str, object]:
    result = subprocess.run(
        [sys.executable, "-c", REPORTING_RUN, str(config)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=180,
        env={**os.environ, "PYTHONPATH": str(REPO), **cache_of(config), **(env or {})},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    report: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])
    report["output"] = result.stdout
    return report


def cache_of(config: Path) -> dict[str, str]:
    return {"NEWSWATCH_CACHE_DIR": str(config.parent / "cache")}


def full_run(config: Path) -> None:
    result = newswatch("run", config=config, timeout=180, env=cache_of(config))
    assert result.returncode == 0, result.stderr[-2000:]


def serve(server: MockServer, pages: dict[str, Page]) -> None:
    for path, page in pages.items():
        server.serve(path, page)
    items = [(f"story {path}", server.url(path), None) for path in pages]
    server.serve("/feed.xml", Page(rss("quiet", server.base, items), content_type="application/rss+xml"))


@pytest.fixture
def config(server: MockServer, tmp_path: Path, sqlite_url: str) -> Path:
    return write_config(
        tmp_path,
        sqlite_url,
        [{"name": "quiet", "url": server.url("/feed.xml"), "keep": "all", "interval": "1h"}],
    )


def test_cycle_with_nothing_due_never_imports_scrapy(server: MockServer, config: Path, sqlite_url: str):
    serve(server, {RAID.path: Page(article_html(RAID))})
    full_run(config)
    requests_before = len(server.paths_requested())

    report = run_reporting_imports(config)

    assert report["status"] == 0
    assert report["frameworks"] == []
    assert len(server.paths_requested()) == requests_before
    last = query(sqlite_url, "SELECT status, finish_reason, feeds_due FROM runs ORDER BY id DESC LIMIT 1")
    assert last == [("finished", "nothing-due", 0)]
    assert "nothing-due" in str(report["output"])


def test_due_feed_still_starts_a_crawl(server: MockServer, config: Path):
    serve(server, {RAID.path: Page(article_html(RAID))})
    full_run(config)

    report = run_reporting_imports(config, clock_later("2h"))  # past the feed's interval

    assert "scrapy" in report["frameworks"]
    assert len(server.requests_to("/feed.xml")) == 2


def test_article_still_owed_starts_a_crawl(server: MockServer, config: Path):
    serve(server, {RAID.path: Page(article_html(RAID)), DEPORTATION.path: Page(b"busy", status=500)})
    full_run(config)
    tries = len(server.requests_to(DEPORTATION.path))
    assert tries >= 1

    report = run_reporting_imports(config)  # the feed is not due, but the article is pending

    assert "scrapy" in report["frameworks"]
    assert len(server.requests_to(DEPORTATION.path)) > tries


def test_feed_added_to_the_configuration_is_polled_at_once(
    server: MockServer, config: Path, tmp_path: Path, sqlite_url: str
):
    serve(server, {RAID.path: Page(article_html(RAID))})
    full_run(config)
    server.serve("/other.xml", Page(rss("other", server.base, []), content_type="application/rss+xml"))
    feeds = [
        {"name": "quiet", "url": server.url("/feed.xml"), "keep": "all", "interval": "1h"},
        {"name": "other", "url": server.url("/other.xml"), "keep": "all", "interval": "1h"},
    ]
    assert write_config(tmp_path, sqlite_url, feeds) == config  # the same file, edited

    report = run_reporting_imports(config)

    assert "scrapy" in report["frameworks"]
    assert len(server.requests_to("/other.xml")) == 1
    assert len(server.requests_to("/feed.xml")) == 1  # not due: polled by the first cycle only
