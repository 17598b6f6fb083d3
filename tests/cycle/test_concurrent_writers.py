"""Concurrent writers: a daemon, two ad-hoc crawls and readers on one SQLite file at once.

The cycle lock keeps two `newswatch run` apart, so the ad-hoc crawls are `scrapy crawl feeds`
(which does not take it). The three writers poll overlapping feeds: the same articles are
reachable from two or three of them, some from one only. The server holds the feed they all
poll until all three have asked for it, so they provably crawl at the same time; readers run
`newswatch export` and `newswatch feeds status` in a loop meanwhile. No "database is locked"
may escape, nothing may be lost, and every article must be stored exactly once.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import threading
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.support import REPO
from tests.support.cli import newswatch, write_config
from tests.support.database import query
from tests.support.mockserver import Behaviour, MockServer, Page
from tests.support.pages import Story, article_html, rss
from tests.support.slow_stories import STORIES, SlowPages, canonical
from tests.support.stories import HOCKEY
from tests.support.waiting import wait_for

SLOW_PAGE_SECONDS = 0.2  # keeps each crawl busy long enough for the others' writes to interleave
# Which stories each feed lists: some articles are in one feed, some in two, some in all three.
FEED_STORIES = {
    "wire": range(0, 20),
    "metro": range(10, 25),
    "state": [*range(0, 5), *range(15, 30)],
}
# The writers, each reading the configuration from $NEWSWATCH_CONFIG; the daemon polls every feed.
WRITERS = {
    "daemon": ["-m", "crawler.app.cli", "daemon", "--log-format", "json"],
    "adhoc-1": ["-m", "scrapy", "crawl", "feeds", "-a", "feed=wire,metro"],
    "adhoc-2": ["-m", "scrapy", "crawl", "feeds", "-a", "feed=wire,state,sports"],
}
CALLERS_OF_WIRE = 3  # the daemon's cycle and both ad-hoc crawls
# A log record starts with a timestamp (Scrapy, `newswatch run`) or a JSON object (the daemon).
RECORD_START = re.compile(r'^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d|\{")')


class Gate:
    """Hold the first `callers` requests for a page until all of them have arrived, then answer all.

    That the crawls overlap is then a fact the test checks (`released`), not timing luck. Later
    requests are answered at once.
    """

    def __init__(self, page: Page, callers: int, timeout: float) -> None:
        self.page = page
        self.barrier = threading.Barrier(callers, timeout=timeout)
        self.arrivals = 0
        self._lock = threading.Lock()

    @property
    def released(self) -> bool:
        return self.arrivals >= self.barrier.parties and not self.barrier.broken

    def behaviour(self) -> Behaviour:
        def behave(handler) -> None:
            with self._lock:
                self.arrivals += 1
                held = self.arrivals <= self.barrier.parties
            if held:
                # On a timeout, answer anyway so no crawl hangs; the test then fails on `released`.
                with contextlib.suppress(threading.BrokenBarrierError):
                    self.barrier.wait()
            handler.send_page(self.page)

        return behave


def publish(server: MockServer) -> Gate:
    """Serve the stories slowly, the overlapping feeds, and an off-topic feed; the wire feed is gated."""
    slow = SlowPages(SLOW_PAGE_SECONDS)
    for story in [*STORIES, HOCKEY]:
        server.serve(story.path, slow.behaviour(Page(article_html(story))))
    gate = None
    for name, indexes in FEED_STORIES.items():
        page = feed_page(server, name, [STORIES[index] for index in indexes])
        if name == "wire":
            gate = Gate(page, CALLERS_OF_WIRE, timeout=60)
            server.serve(f"/{name}.xml", gate.behaviour())
        else:
            server.serve(f"/{name}.xml", page)
    server.serve("/sports.xml", feed_page(server, "sports", [HOCKEY]))
    assert gate is not None
    return gate


def feed_page(server: MockServer, name: str, stories: list[Story]) -> Page:
    # Each feed adds its own tracking parameter: one article under several URLs, one canonical form.
    items = [
        (story.title, server.url(f"{story.path}?utm_source={name}"), story.published) for story in stories
    ]
    return Page(rss(name, server.base, items), content_type="application/rss+xml", etag=f'"{name}-v1"')


@dataclass
class ReaderLoop:
    """`newswatch export` and `newswatch feeds status`, one after the other, until stopped."""

    config: Path
    results: list[tuple[str, subprocess.CompletedProcess[str]]] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self.thread = threading.Thread(target=self._loop, name="readers", daemon=True)

    def _loop(self) -> None:
        commands = [("export", ["export", "--format", "jsonl"]), ("status", ["feeds", "status"])]
        while not self.stop.is_set():
            for kind, args in commands:
                self.results.append((kind, newswatch(*args, config=self.config)))

    def exported_counts(self) -> list[int]:
        counts = []
        for kind, result in self.results:
            found = re.search(r"exported (\d+) articles", result.stderr) if kind == "export" else None
            if found:
                counts.append(int(found.group(1)))
        return counts


def start_process(command: list[str], config: Path, log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as output:
        return subprocess.Popen(
            command,
            cwd=REPO,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONPATH": str(REPO), "NEWSWATCH_CONFIG": str(config)},
        )


def bad_log_records(text: str) -> list[str]:
    """Log records that show a store error, a traceback or an ERROR, with their continuation lines."""
    records: list[list[str]] = []
    for line in text.splitlines():
        if RECORD_START.match(line) or not records:
            records.append([line])
        else:
            records[-1].append(line)
    return [record[:2000] for record in ("\n".join(lines) for lines in records) if _is_bad(record)]


def _is_bad(record: str) -> bool:
    first = record.partition("\n")[0]
    if first.startswith('{"'):  # the daemon's own JSON lines
        entry = json.loads(first)
        return entry["level"] in ("error", "critical") or "database is locked" in first
    error_level = " ERROR: " in first or " CRITICAL: " in first
    return "database is locked" in record or "Traceback" in record or error_level


@pytest.mark.slow
def test_daemon_two_adhoc_crawls_and_readers_share_one_sqlite_file(server: MockServer, tmp_path: Path):
    gate = publish(server)
    database = tmp_path / "shared.db"
    feeds: list[dict[str, object]] = [
        {"name": name, "url": server.url(f"/{name}.xml"), "keep": "all"} for name in FEED_STORIES
    ]
    feeds.append({"name": "sports", "url": server.url("/sports.xml")})  # keep: relevant; hockey is off-topic
    config = write_config(tmp_path, f"sqlite:///{database}", feeds, crawl={"download_timeout": "120s"})
    config.write_text(config.read_text() + "daemon:\n  tick: 1s\n  stop_grace: 10s\n  metrics_port: 0\n")
    logs = {name: tmp_path / f"{name}.log" for name in WRITERS}
    readers = ReaderLoop(config)
    processes: dict[str, subprocess.Popen[bytes]] = {}
    try:
        readers.thread.start()
        for name, arguments in WRITERS.items():
            processes[name] = start_process([sys.executable, *arguments], config, logs[name])
        exits = {name: processes[name].wait(timeout=180) for name in ("adhoc-1", "adhoc-2")}
        wait_for(
            lambda: query(database, "SELECT 1 FROM runs WHERE trigger = 'cli' AND status != 'running'"),
            120,
            "the daemon's first cycle to finish",
        )
        processes["daemon"].send_signal(signal.SIGTERM)
        exits["daemon"] = processes["daemon"].wait(timeout=60)
    finally:
        readers.stop.set()
        for process in processes.values():
            if process.poll() is None:
                process.kill()
                process.wait()
        readers.thread.join(timeout=120)

    # All three polled the wire feed at once: the writers overlapped, and `scrapy crawl` ran while
    # the daemon's cycle held the cycle lock (ad-hoc crawls do not take it).
    assert gate.released, f"only {gate.arrivals} of {CALLERS_OF_WIRE} crawls polled the wire feed together"
    assert exits == {"adhoc-1": 0, "adhoc-2": 0, "daemon": 0}, exits
    for name, log in logs.items():
        text = log.read_text()
        assert bad_log_records(text) == [], f"{name} logged errors"
        if name.startswith("adhoc"):
            assert "log_count/ERROR" not in text and "'finish_reason': 'finished'" in text, text[-3000:]
    assert not readers.thread.is_alive()
    kinds = Counter(kind for kind, _ in readers.results)
    assert kinds["export"] >= 1 and kinds["status"] >= 1, kinds
    for kind, result in readers.results:
        assert result.returncode == 0 and bad_log_records(result.stderr) == [], (kind, result.stderr[-3000:])
    counts = readers.exported_counts()
    assert counts == sorted(counts), f"a reader saw fewer articles than an earlier one: {counts}"

    assert query(database, "PRAGMA integrity_check") == [("ok",)]
    expected = {canonical(server.url(story.path)) for story in STORIES}
    stored = [url for (url,) in query(database, "SELECT canonical_url FROM articles")]
    assert sorted(stored) == sorted(expected), "every article exactly once"
    assert query(database, "SELECT count(text), count(duplicate_of) FROM articles") == [(len(expected), 0)]
    statuses = dict(query(database, "SELECT canonical_url, status FROM urls"))
    off_topic = canonical(server.url(HOCKEY.path))
    assert statuses == {**dict.fromkeys(expected, "stored"), off_topic: "irrelevant"}, "left pending"
    assert query(database, "SELECT reason, url FROM failures") == []
    runs = query(database, "SELECT trigger, status, finish_reason FROM runs")
    assert Counter(trigger for trigger, _, _ in runs)["scrapy"] == 2
    # SIGTERM may catch the daemon between cycles or in one, which then stops cleanly; a daemon
    # cycle that found nothing due finished without crawling.
    clean_ends = {("finished", "finished"), ("finished", "nothing-due"), ("stopped", "shutdown")}
    assert {(status, reason) for _, status, reason in runs} <= clean_ends, runs
    fetched = Counter(path for path in server.paths_requested() if path.startswith("/crash/"))
    print(
        f"articles fetched by more than one writer: {sum(count > 1 for count in fetched.values())} of "
        f"{len(fetched)}; readers ran {dict(kinds)}; export counts {counts}"
    )
