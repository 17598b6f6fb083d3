"""The real daemon and cron mode: cycles in child processes, hard limits, clean stop, one cycle at a time."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from crawler.app.cycle_lock import CycleLock
from tests.support import REPO
from tests.support.cli import cli_command, newswatch, running_daemon, write_config
from tests.support.database import query_when_ready
from tests.support.mockserver import MockServer, Page, stall_after_headers
from tests.support.pages import article_html, rss
from tests.support.receivers import free_port
from tests.support.stories import RAID
from tests.support.waiting import wait_for


def scrape(port: int, *wanted: str) -> str | None:
    """The metrics text once it shows every wanted line, else None."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
            text = response.read().decode()
    except OSError:
        return None
    return text if all(line in text for line in wanted) else None


def serve_raid_and_hang(server: MockServer) -> None:
    server.serve(RAID.path, Page(article_html(RAID)))
    server.serve(
        "/good.xml",
        Page(
            rss("good", server.base, [(RAID.title, server.url(RAID.path), None)]),
            content_type="application/rss+xml",
        ),
    )
    server.serve("/hang.xml", stall_after_headers())


def cycle_time_limit_for_this_machine(server: MockServer, folder: Path) -> int:
    """A cycle time limit a cycle that stores the article fits in, here and now, with room to spare.

    A fixed few seconds is less than a cycle's start-up on a loaded 2-core machine, and then every
    cycle is killed before it stores anything: time one real cycle of the good feed instead.
    """
    folder.mkdir()
    feeds = [{"name": "good", "url": server.url("/good.xml")}]
    probe = write_config(folder, f"sqlite:///{folder / 'probe.db'}", feeds)
    started = time.monotonic()
    assert newswatch("run", config=probe, timeout=600).returncode == 0
    return max(5, round(3 * (time.monotonic() - started)))


@pytest.mark.slow
def test_daemon_stores_articles_kills_a_hung_cycle_and_stops_cleanly(server: MockServer, tmp_path: Path):
    serve_raid_and_hang(server)
    limit = cycle_time_limit_for_this_machine(server, tmp_path / "probe")
    database = tmp_path / "nw.db"
    config = write_config(
        tmp_path,
        f"sqlite:///{database}",
        [{"name": "good", "url": server.url("/good.xml")}, {"name": "hang", "url": server.url("/hang.xml")}],
        crawl={"cycle_time_limit": f"{limit}s", "download_timeout": "600s", "retry_times": 0},
    )
    metrics_port = free_port()
    document = config.read_text() + f"daemon:\n  tick: 1s\n  stop_grace: 2s\n  metrics_port: {metrics_port}\n"
    config.write_text(document)
    log = tmp_path / "daemon.log"
    with running_daemon(config, log) as daemon:
        wait_for(
            lambda: query_when_ready(database, "SELECT id FROM articles"),
            90 + 2 * limit,
            "a cycle to store the article",
        )
        wait_for(
            lambda: query_when_ready(database, "SELECT id FROM runs WHERE status = 'killed'"),
            60 + 2 * limit,
            "the hung cycle to be killed at its limit",
        )
        killed = query_when_ready(database, "SELECT min(id) FROM runs WHERE status = 'killed'")[0][0]
        wait_for(
            lambda: query_when_ready(database, f"SELECT id FROM runs WHERE id > {killed}"),
            60 + 2 * limit,
            "a cycle after the killed one",
        )
        # whichever cycle stored the article (a slow start can make it a later one), the daemon
        # counts it once that cycle ends, killed or not
        metrics = wait_for(
            lambda: scrape(
                metrics_port,
                'newswatch_cycles_total{outcome="killed"}',
                'newswatch_articles_total{outcome="new"} 1.0',
            ),
            60,
            "the metrics endpoint to report the killed cycle and the stored article",
        )
        assert 'newswatch_feed_lag_seconds{feed="good"}' in metrics
        daemon.send_signal(signal.SIGTERM)
        assert daemon.wait(timeout=60) == 0
    events = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    assert any(e.get("event") == "cycle_timeout" for e in events)
    assert any(e.get("event") == "daemon_stopped" for e in events)
    assert query_when_ready(database, "PRAGMA integrity_check") == [("ok",)]
    assert len(query_when_ready(database, "SELECT id FROM articles")) == 1
    assert query_when_ready(database, "SELECT count(*) FROM runs WHERE status = 'running'") == [(0,)]


@pytest.mark.slow
def test_run_exits_at_once_when_another_cycle_holds_the_lock(server: MockServer, tmp_path: Path):
    serve_raid_and_hang(server)
    database = tmp_path / "nw.db"
    config = write_config(
        tmp_path, f"sqlite:///{database}", [{"name": "good", "url": server.url("/good.xml")}]
    )

    with CycleLock.for_database(f"sqlite:///{database}"):
        started = time.monotonic()
        result = newswatch("run", config=config)

    assert result.returncode == 75
    assert "another cycle is running" in result.stderr
    assert time.monotonic() - started < 30
    assert server.requests_to("/good.xml") == []


@pytest.mark.slow
def test_two_concurrent_runs_never_run_two_cycles(server: MockServer, tmp_path: Path):
    serve_raid_and_hang(server)
    database = tmp_path / "nw.db"
    config = write_config(
        tmp_path,
        f"sqlite:///{database}",
        [{"name": "hang", "url": server.url("/hang.xml")}],
        crawl={"cycle_time_limit": "60s", "download_timeout": "120s", "retry_times": 0},
    )
    first = subprocess.Popen(
        cli_command(config, "run"),
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for(lambda: server.requests_to("/hang.xml"), 60, "the first cycle to be polling")

        second = newswatch("run", config=config)

        assert second.returncode == 75, second.stderr
        assert "another cycle is running" in second.stderr
        assert len(server.requests_to("/hang.xml")) == 1
        assert query_when_ready(database, "SELECT count(*) FROM runs") == [(1,)]
    finally:
        first.kill()  # its download is stalled on purpose; the kernel releases the lock
        first.communicate(timeout=60)


def cycle_outcomes(log: Path) -> list[str]:
    """The outcome of every cycle the daemon has finished, from its JSON log, in order."""
    outcomes = []
    for line in log.read_text().splitlines():
        if line.startswith("{") and '"cycle_done"' in line:
            outcomes.append(json.loads(line)["outcome"])
    return outcomes


def alter(database: Path, statement: str) -> None:
    """Change the store's schema behind newswatch's back, committed."""
    connection = sqlite3.connect(database, timeout=60)
    try:
        with connection:
            connection.execute(statement)
    finally:
        connection.close()


@pytest.mark.slow
def test_hostile_32_33_after_hours_down_one_catch_up_cycle_and_a_failing_cycle_is_survived(
    server: MockServer, tmp_path: Path
):
    """33: the store was last polled three hours ago (the clock moved back for that cycle), so the
    feed is long overdue: the restarted daemon polls it once, not once per missed tick.
    32: a cycle that fails (its store's feeds table taken away behind its back) is recorded as
    failed, and the daemon goes on to run the next cycle once the table is back."""
    serve_raid_and_hang(server)
    database = tmp_path / "nw.db"
    config = write_config(
        tmp_path, f"sqlite:///{database}", [{"name": "good", "url": server.url("/good.xml")}]
    )
    assert newswatch("run", config=config, env={"NEWSWATCH_CLOCK_OFFSET": "-3h"}).returncode == 0
    assert len(server.requests_to("/good.xml")) == 1
    config.write_text(config.read_text() + "daemon:\n  tick: 1s\n  stop_grace: 5s\n  metrics_port: 0\n")
    log = tmp_path / "daemon.log"
    with running_daemon(config, log) as daemon:
        wait_for(lambda: len(cycle_outcomes(log)) >= 3, 180, "three daemon cycles")
        assert len(server.requests_to("/good.xml")) == 2, "one catch-up poll, then nothing due"

        alter(database, "ALTER TABLE feeds RENAME TO feeds_away")
        failed_after = len(cycle_outcomes(log))
        wait_for(lambda: "failed" in cycle_outcomes(log)[failed_after:], 120, "a failed cycle")
        alter(database, "ALTER TABLE feeds_away RENAME TO feeds")
        recovered_after = len(cycle_outcomes(log))
        wait_for(
            lambda: "finished" in cycle_outcomes(log)[recovered_after + 1 :],
            120,
            "a cycle after the failure",
        )
        assert daemon.poll() is None, "the daemon must outlive a failing cycle"
        daemon.send_signal(signal.SIGTERM)
        assert daemon.wait(timeout=60) == 0
    assert query_when_ready(database, "PRAGMA integrity_check") == [("ok",)]
