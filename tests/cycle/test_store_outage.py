"""A store that cannot be used gives a clear error (exit 3, nothing crawled); mid-cycle, the cycle
closes and the next one resumes."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.support.cli import newswatch, write_config
from tests.support.database import query
from tests.support.dates import ago
from tests.support.mockserver import MockServer, Page
from tests.support.pages import article_html, rss
from tests.support.stories import RAID

pytestmark = pytest.mark.slow


def test_hostile_29_database_server_down_is_a_clear_error_and_the_next_cycle_resumes(
    server: MockServer, tmp_path: Path, postgres_url: str
):
    server.serve(RAID.path, Page(article_html(RAID)))
    server.serve(
        "/feed.xml",
        Page(
            rss("f", server.base, [(RAID.title, server.url(RAID.path), None)]),
            content_type="application/rss+xml",
        ),
    )
    feeds = [{"name": "valley", "url": server.url("/feed.xml")}]
    down = write_config(tmp_path, "postgresql://postgres@127.0.0.1:1/newswatch", feeds)

    result = newswatch("run", config=down)

    assert result.returncode == 3
    assert "cannot use the store" in result.stderr and "127.0.0.1:1" in result.stderr
    assert "Traceback" not in result.stderr
    assert server.requests_to("/feed.xml") == []  # nothing crawled into the void

    up = write_config(tmp_path, postgres_url, feeds)
    assert newswatch("run", config=up).returncode == 0
    export = newswatch("export", config=up)
    assert len(export.stdout.splitlines()) == 1


def test_hostile_29_unwritable_sqlite_location_is_a_clear_error(server: MockServer, tmp_path: Path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the database folder should be")
    config = write_config(
        tmp_path,
        f"sqlite:///{blocker / 'newswatch.db'}",
        [{"name": "valley", "url": server.url("/feed.xml")}],
    )

    result = newswatch("run", config=config)

    assert result.returncode == 3
    assert "cannot use the store" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_cycle_that_could_not_crawl_does_not_exit_0(server: MockServer, tmp_path: Path, sqlite_url: str):
    server.serve("/feed.xml", Page(rss("f", server.base, []), content_type="application/rss+xml"))
    config = write_config(tmp_path, sqlite_url, [{"name": "valley", "url": server.url("/feed.xml")}])
    assert newswatch("run", config=config).returncode == 0
    engine = create_engine(sqlite_url)
    with engine.begin() as conn:  # a damaged schema: deciding what is due fails at once
        conn.execute(text("ALTER TABLE feeds RENAME COLUMN etag TO broken"))
    engine.dispose()

    result = newswatch("run", config=config)

    assert result.returncode == 1
    # Found before any crawl starts (what is due is read first): one line naming the damage.
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("newswatch: unexpected error:") and "feeds.etag" in line, result.stderr


def test_hostile_28_runs_left_running_by_a_killed_cycle_are_closed_by_the_next(
    server: MockServer, tmp_path: Path, sqlite_url: str
):
    server.serve("/feed.xml", Page(rss("f", server.base, []), content_type="application/rss+xml"))
    config = write_config(tmp_path, sqlite_url, [{"name": "valley", "url": server.url("/feed.xml")}])
    assert newswatch("run", config=config).returncode == 0
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()  # a pid that is certainly dead now
    engine = create_engine(sqlite_url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO runs (started_at, status, trigger, host, pid, failures) "
                "VALUES (:started, 'running', 'cli', :host, :pid, '{}')"
            ),
            {
                "started": ago(days=3).strftime("%Y-%m-%d %H:%M:%S.%f"),
                "host": socket.gethostname()[:255],
                "pid": gone.pid,
            },
        )
    engine.dispose()

    assert newswatch("run", config=config).returncode == 0

    statuses = dict(query(sqlite_url, "SELECT pid, status || '/' || finish_reason FROM runs"))
    assert statuses[gone.pid] == "killed/process died"
