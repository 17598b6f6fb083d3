"""Chaos: the real daemon for 100 cycles over 50 loopback feeds whose servers misbehave at random,
while the daemon and its cycles are SIGKILLed and restarted. Is anything lost, stored twice or
damaged, and does the daemon's memory stay flat?

    .venv/bin/python bench/chaos.py [--cycles 100] [--kills 20] [--seed N] [--feeds 50] [--json]

Ten loopback hosts (127.0.0.2 onwards, port 0; nothing else is contacted) serve five RSS feeds
each and their article pages. Before every cycle the bench publishes a new article in a few
feeds and makes every feed due (feed intervals cannot go below 60 s, so, as bench/soak.py does,
it clears ``feeds.next_check_at`` instead of waiting). Every response the servers send is, at
random (``random.Random(seed)``; the seed is printed and ``--seed`` replays the faults, though
not where a loaded machine puts each kill), one of:

- reset: the connection closed with a TCP RST before any answer;
- stall: headers, a few bytes, then silence past the download timeout;
- drip: the body trickled a byte at a time, some fast enough to finish, most not;
- 5xx: 500, 502 or 503 without Retry-After;
- 429 or 503 with Retry-After (2 s, or an absurd 10^9 s that newswatch must cap);
- gzip cut: ``Content-Encoding: gzip`` with the compressed body cut in half;
- and for feeds, two lies about validators: a new ETag on unchanged content (every entry must be
  recognised as known), and new entries under the old ETag (the server answers 304 to the old
  validator, so they stay hidden until the next honest change).

An article page is given at most ``ARTICLE_FAULTS`` faulty answers over the whole run and
``crawl.max_url_attempts`` is above that, so every offered article can in the end be fetched:
an article newswatch gives up on is then a real loss, not the bench's doing.

Meanwhile, on ``--kills`` cycles chosen at random, the bench waits a random moment into the
cycle and SIGKILLs one of: the cycle (`newswatch run`'s own process, as the OOM killer would;
its extraction workers must notice and exit), the daemon alone (its orphaned cycle runs on
holding the cycle lock; the restarted daemon's ticks are skipped until it ends), or the daemon's
whole process group (daemon, cycle and workers at once, as systemd stopping the unit with
SIGKILL would). A killed daemon is restarted at once. Kills of the daemon land only before the
last 40 cycles, so the last 20 cycles are those of a daemon that has already run 20.

Then faults stop, every feed is republished under a fresh ETag, and the daemon runs until a
cycle leaves nothing pending (at most ``SETTLE_CYCLES``), and is stopped with SIGTERM. The
verdict (exit 0 only if all hold): every article any feed ever listed is stored exactly once
and no other article is; `newswatch check` passes; the daemon's peak RSS over the last 20
cycles is at most 10 % above its peak over the first 20.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import os
import random
import signal
import socket
import sqlite3
import struct
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psutil

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.support.cli import child_env, cli_command, newswatch, write_config  # noqa: E402
from tests.support.mockserver import MockServer, Page, encoded, stall_after_headers, trickle  # noqa: E402
from tests.support.pages import Story, article_html, generated_paragraphs, rss  # noqa: E402
from tests.support.slow_stories import canonical  # noqa: E402

HOSTS = 10
ENTRIES_AT_START = 3
NEW_ARTICLES_PER_CYCLE = 4
FEED_FAULT_SHARE = 0.3  # of feed responses
ARTICLE_FAULT_SHARE = 0.25  # of article responses, until a page has had ARTICLE_FAULTS
ARTICLE_FAULTS = 3
MAX_URL_ATTEMPTS = 10  # above ARTICLE_FAULTS: only newswatch can give up on an offered article
DOWNLOAD_TIMEOUT = 2
RSS_WINDOW = 20
FLAT_TOLERANCE = 0.10
QUIET_TAIL = 2 * RSS_WINDOW  # no daemon kill in the last 40 cycles
SETTLE_CYCLES = 8
SETTLE_MINUTES = 15  # on top of --max-minutes
SAMPLE_SECONDS = 0.2
MB = 2**20
KINDS = (
    "reset",
    "stall",
    "drip",
    "5xx",
    "retry-after",
    "gzip-cut",
    "new-etag-same-body",
    "new-body-same-etag",
)


# -- the misbehaving sites ----------------------------------------------------------------------


def reset(handler: Any) -> None:
    """Close the connection with a TCP RST (SO_LINGER 0) before answering: 'connection reset by peer'."""
    with contextlib.suppress(OSError):
        handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    handler.close_connection = True
    with contextlib.suppress(OSError):
        handler.connection.close()


@dataclass
class Faults:
    """Chooses, under one lock, whether and how a response misbehaves; counts what it injected."""

    rng: random.Random
    enabled: bool = True
    injected: Counter[str] = field(default_factory=Counter)
    per_article: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def pick(self, path: str, is_feed: bool) -> tuple[str | None, float]:
        """(fault kind or None, a random number for the fault's own parameters)."""
        with self.lock:
            roll, parameter = self.rng.random(), self.rng.random()
            if not self.enabled:
                return None, parameter
            if is_feed:
                if roll >= FEED_FAULT_SHARE:
                    return None, parameter
            elif roll >= ARTICLE_FAULT_SHARE or self.per_article[path] >= ARTICLE_FAULTS:
                return None, parameter
            kind = self.rng.choice(KINDS[:6])
            self.injected[kind] += 1
            if not is_feed:
                self.per_article[path] += 1
            return kind, parameter

    def count(self, kind: str) -> None:
        with self.lock:
            self.injected[kind] += 1


def faulty(page: Page, kind: str, parameter: float) -> Any:
    """The behaviour answering with `page` spoiled by `kind`, reusing the test servers' own faults."""
    if kind == "reset":
        return reset
    if kind == "stall":
        return stall_after_headers(page.content_type)
    if kind == "drip":  # 0.2-3 ms a byte: a 3 KB page in 0.6-9 s, against a 2 s timeout
        return trickle(page.body, 0.0002 + parameter * 0.0028, page.content_type)
    if kind == "5xx":
        status = (500, 502, 503)[int(parameter * 3)]
        return lambda handler: handler.send_simple(status, b"server error", "text/plain")
    if kind == "retry-after":
        status = 429 if parameter < 0.5 else 503
        wait = "1000000000" if parameter > 0.8 else "2"
        return lambda handler: handler.send_simple(status, b"slow down", "text/plain", {"Retry-After": wait})
    if kind == "gzip-cut":
        compressed = gzip.compress(page.body)
        return encoded(compressed[: len(compressed) // 2], "gzip", page.content_type)
    raise ValueError(kind)


class Site:
    """One loopback host with its feeds; every article any feed lists stays listed (nothing rotates
    out), so 'offered' is simply everything the feeds list by the end."""

    def __init__(self, address: str, feeds: list[int], faults: Faults) -> None:
        self.server = MockServer(address)
        self.feeds = feeds
        self.faults = faults
        self.entries: dict[int, list[int]] = {feed: [] for feed in feeds}
        self.feed_pages: dict[int, Page] = {}
        self.etag_version: Counter[int] = Counter()
        self.last_paragraphs: dict[str, str] = {}  # canonical URL -> the article's last paragraph
        self.lock = threading.Lock()

    def feed_path(self, feed: int) -> str:
        return f"/feeds/{feed}.xml"

    def article_path(self, feed: int, number: int) -> str:
        return f"/a/{feed}/{number}"

    def publish(self, feed: int, number: int, honest_etag: bool = True) -> None:
        """A new article in `feed`; its feed changes, under a new ETag unless `honest_etag` is False."""
        path = self.article_path(feed, number)
        paragraphs = generated_paragraphs(f"{feed}/{number}")  # distinct per article, the same every run
        story = Story(path=path, title=f"Story {number} of feed {feed}", paragraphs=paragraphs)
        self.server.serve(path, self._chaotic(path, Page(article_html(story)), is_feed=False))
        with self.lock:
            self.last_paragraphs[canonical(self.server.url(path))] = paragraphs[-1]
            self.entries[feed].append(number)
            if honest_etag or feed not in self.feed_pages:
                self.etag_version[feed] += 1
        self.republish(feed)

    def republish(self, feed: int, new_etag: bool = False) -> None:
        with self.lock:
            if new_etag:
                self.etag_version[feed] += 1
            started = datetime(2026, 1, 1, tzinfo=UTC)
            items: list[tuple[str, str, datetime | None]] = [
                (
                    f"Story {number} of feed {feed}",
                    self.server.url(self.article_path(feed, number)),
                    started + timedelta(hours=number),
                )
                for number in self.entries[feed]
            ]
            body = rss(f"feed {feed}", self.server.base, items)
            self.feed_pages[feed] = Page(
                body, content_type="application/rss+xml", etag=f'"{feed}-v{self.etag_version[feed]}"'
            )
        path = self.feed_path(feed)
        self.server.serve(path, self._chaotic(path, None, is_feed=True, feed=feed))

    def _chaotic(self, path: str, page: Page | None, is_feed: bool, feed: int = 0) -> Any:
        def behave(handler: Any) -> None:
            current = self.feed_pages[feed] if is_feed else page
            assert current is not None
            kind, parameter = self.faults.pick(path, is_feed)
            if kind is None:
                handler.send_page(current)
            else:
                faulty(current, kind, parameter)(handler)

        return behave

    def offered(self) -> set[str]:
        with self.lock:
            return {
                canonical(self.server.url(self.article_path(feed, number)))
                for feed, numbers in self.entries.items()
                for number in numbers
            }


class Sites:
    """All hosts; `change()` is what happens between two cycles."""

    def __init__(self, feeds: int, faults: Faults, rng: random.Random) -> None:
        self.faults = faults
        self.rng = rng
        per_host = -(-feeds // HOSTS)
        self.sites = [
            Site(
                f"127.0.0.{2 + host}", list(range(host * per_host, min(feeds, (host + 1) * per_host))), faults
            )
            for host in range(HOSTS)
        ]
        self.by_feed = {feed: site for site in self.sites for feed in site.feeds}
        self.next_number: Counter[int] = Counter()

    @contextlib.contextmanager
    def serving(self) -> Iterator[Sites]:
        with contextlib.ExitStack() as stack:
            for site in self.sites:
                stack.enter_context(site.server)
            for feed, site in self.by_feed.items():
                for _ in range(ENTRIES_AT_START):
                    site.publish(feed, self._number(feed))
            yield self

    def _number(self, feed: int) -> int:
        number = self.next_number[feed]
        self.next_number[feed] += 1
        return number

    def feed_urls(self) -> dict[int, str]:
        return {feed: site.server.url(site.feed_path(feed)) for feed, site in self.by_feed.items()}

    def change(self) -> None:
        """New articles in some feeds (a few under a stale ETag); a new ETag on unchanged feeds."""
        for feed in self.rng.sample(sorted(self.by_feed), NEW_ARTICLES_PER_CYCLE):
            honest = not self.faults.enabled or self.rng.random() >= 0.25
            if not honest:
                self.faults.count("new-body-same-etag")
            self.by_feed[feed].publish(feed, self._number(feed), honest_etag=honest)
        if self.faults.enabled:
            for feed in self.rng.sample(sorted(self.by_feed), 2):
                self.faults.count("new-etag-same-body")
                self.by_feed[feed].republish(feed, new_etag=True)

    def settle(self) -> None:
        """Faults off; every feed honest again under a fresh ETag."""
        self.faults.enabled = False
        for feed, site in self.by_feed.items():
            site.republish(feed, new_etag=True)

    def offered(self) -> set[str]:
        return set().union(*(site.offered() for site in self.sites))

    def last_paragraphs(self) -> dict[str, str]:
        return {url: text for site in self.sites for url, text in site.last_paragraphs.items()}


# -- the daemon, watched and killed ---------------------------------------------------------------


def make_all_feeds_due(database: Path) -> None:
    """What a minute's wait would do: every feed's next check has come."""
    with contextlib.suppress(sqlite3.Error):  # not created yet, or busy for longer than a minute
        connection = sqlite3.connect(f"file:{database}?mode=rw", uri=True, timeout=60)
        try:
            with connection:
                connection.execute("UPDATE feeds SET next_check_at = NULL")
        finally:
            connection.close()


def run_rows(database: Path) -> list[tuple[int, int, str]]:
    """(id, pid, status) of every cycle that got as far as writing its run row."""
    try:
        connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=60)
    except sqlite3.Error:
        return []
    try:
        return connection.execute("SELECT id, pid, status FROM runs ORDER BY id").fetchall()
    except sqlite3.Error:
        return []
    finally:
        connection.close()


@dataclass
class Daemon:
    """One `newswatch daemon` process in a session (process group) of its own."""

    config: Path
    log: Path
    process: subprocess.Popen[bytes] = field(init=False)

    def __post_init__(self) -> None:
        with self.log.open("ab") as output:
            self.process = subprocess.Popen(
                cli_command(self.config, "daemon", "--log-format", "json"),
                cwd=REPO,
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                env=child_env(),
                start_new_session=True,
            )

    @property
    def pid(self) -> int:
        return self.process.pid

    def cycle_child(self) -> psutil.Process | None:
        """The running `newswatch run` child, if any."""
        with contextlib.suppress(psutil.Error):
            for child in psutil.Process(self.pid).children():
                if child.cmdline()[-1:] == ["run"]:
                    return child
        return None

    def stop(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=120)
        except subprocess.TimeoutExpired:
            os.killpg(self.pid, signal.SIGKILL)
            self.process.wait()
            return -9


def live_members(group: int) -> list[psutil.Process]:
    members = []
    for process in psutil.process_iter(["status"]):
        with contextlib.suppress(ProcessLookupError, psutil.Error):
            if os.getpgid(process.pid) == group and process.info["status"] != psutil.STATUS_ZOMBIE:
                members.append(process)
    return members


@dataclass
class Chaos:
    """The bench's state: cycles seen, kills done, memory samples."""

    config: Path
    database: Path
    folder: Path
    sites: Sites
    rng: random.Random
    cycles: int
    kill_at: dict[int, str]  # cycle number -> kind of kill
    kills: Counter[str] = field(default_factory=Counter)
    kill_log: list[str] = field(default_factory=list)
    daemon_rss: dict[int, int] = field(default_factory=dict)  # cycle number -> the daemon's peak RSS in it
    daemon_starts: list[int] = field(default_factory=list)  # cycle number at each (re)start
    groups: set[int] = field(default_factory=set)
    settling: bool = False  # faults off, nothing new published

    def run(self, deadline: float) -> Daemon:
        daemon = self.start_daemon()
        while self.started_cycles() < self.cycles and time.monotonic() < deadline:
            daemon = self.watch_one_cycle(daemon, deadline)
        return daemon

    def start_daemon(self) -> Daemon:
        daemon = Daemon(self.config, self.folder / "daemon.log")
        self.groups.add(daemon.pid)
        self.daemon_starts.append(self.started_cycles())
        return daemon

    def started_cycles(self) -> int:
        return len(run_rows(self.database))

    def between_cycles(self) -> None:
        if not self.settling:
            self.sites.change()
        make_all_feeds_due(self.database)

    def watch_one_cycle(self, daemon: Daemon, deadline: float) -> Daemon:
        """Wait for the next cycle to start, kill it if chosen, wait for it to end; sample RSS meanwhile."""
        number = self.started_cycles()
        kill = self.kill_at.pop(number + 1, None)
        delay = 0.3 + self.rng.random() * 4.0
        started_at: float | None = None
        while time.monotonic() < deadline:
            self.sample(daemon, number)
            rows = run_rows(self.database)
            if daemon.process.poll() is not None:
                print(f"daemon {daemon.pid} exited by itself ({daemon.process.returncode}); restarting")
                return self.start_daemon()
            if len(rows) > number:
                started_at = started_at or time.monotonic()
                if kill and time.monotonic() - started_at >= delay:
                    return self.kill(daemon, kill, number + 1, time.monotonic() - started_at)
                if rows[-1][2] != "running":
                    print(
                        f"cycle {len(rows)} {rows[-1][2]}; kills so far {sum(self.kills.values())}",
                        file=sys.stderr,
                        flush=True,
                    )
                    if kill:  # the cycle ended before the kill came: the next one gets it
                        self.kill_at.setdefault(number + 2, kill)
                    self.between_cycles()
                    return daemon
            time.sleep(SAMPLE_SECONDS / 2)
        return daemon

    def sample(self, daemon: Daemon, number: int) -> None:
        with contextlib.suppress(psutil.Error):
            rss = psutil.Process(daemon.pid).memory_info().rss
            self.daemon_rss[number + 1] = max(self.daemon_rss.get(number + 1, 0), rss)

    def kill(self, daemon: Daemon, kind: str, number: int, after: float) -> Daemon:
        child = daemon.cycle_child()
        if kind == "cycle":
            if child is None:  # between the run row and... the cycle ended: kill the next one
                self.kill_at[number + 1] = kind
                self.between_cycles()
                return daemon
            with contextlib.suppress(psutil.Error):
                child.send_signal(signal.SIGKILL)
        elif kind == "daemon":
            daemon.process.send_signal(signal.SIGKILL)
        else:
            os.killpg(daemon.pid, signal.SIGKILL)
        self.kills[kind] += 1
        self.kill_log.append(f"cycle {number}: SIGKILL {kind} after {after:.1f}s")
        if kind == "cycle":
            with contextlib.suppress(psutil.Error):
                child.wait(timeout=30)  # type: ignore[union-attr]
        else:
            daemon.process.wait(timeout=30)
        self.between_cycles()
        return daemon if kind == "cycle" else self.start_daemon()

    def settle(self, daemon: Daemon, offered: set[str]) -> tuple[Daemon, int]:
        """Faults off: cycles until one ends with everything stored and nothing pending."""
        self.sites.settle()
        self.settling = True
        self.kill_at.clear()
        make_all_feeds_due(self.database)
        deadline = time.monotonic() + SETTLE_MINUTES * 60
        for extra in range(1, SETTLE_CYCLES + 1):
            daemon = self.watch_one_cycle(daemon, deadline)
            make_all_feeds_due(self.database)
            if self.pending() == 0 and offered <= self.stored_urls():
                return daemon, extra
        return daemon, SETTLE_CYCLES

    def pending(self) -> int:
        return int(query(self.database, "SELECT count(*) FROM urls WHERE status = 'pending'")[0][0])

    def stored_urls(self) -> set[str]:
        return {url for (url,) in query(self.database, "SELECT canonical_url FROM articles")}

    def cleanup(self) -> None:
        """Orphaned cycles of killed daemons, and anything else left in their groups."""
        for group in self.groups:
            for member in live_members(group):
                with contextlib.suppress(psutil.Error):
                    member.kill()


def query(database: Path, sql: str) -> list[tuple[Any, ...]]:
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=60)
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


def choose_kills(rng: random.Random, cycles: int, kills: int) -> dict[int, str]:
    """`kills` distinct cycles; kills of the daemon itself only before the quiet tail."""
    chosen = rng.sample(range(2, cycles + 1), kills)
    plan = {}
    for number in chosen:
        kind = rng.choice(("cycle", "daemon", "group"))
        plan[number] = kind if number <= cycles - QUIET_TAIL or kind == "cycle" else "cycle"
    return plan


def make_config(folder: Path, sites: Sites) -> Path:
    config = write_config(
        folder,
        f"sqlite:///{folder / 'chaos.db'}",
        [
            {"name": f"feed-{feed}", "url": url, "interval": "60s", "keep": "all"}
            for feed, url in sites.feed_urls().items()
        ],
        crawl={
            "autothrottle": False,
            "download_timeout": f"{DOWNLOAD_TIMEOUT}s",
            "retry_times": 1,
            "max_url_attempts": MAX_URL_ATTEMPTS,
            "cycle_time_limit": "120s",
        },
        extraction={"workers": 1},  # a few pages a cycle: one worker, one start-up less per cycle
    )
    config.write_text(config.read_text() + "daemon:\n  tick: 1s\n  stop_grace: 10s\n  metrics_port: 0\n")
    return config


# -- verdict --------------------------------------------------------------------------------------


def verdict(chaos: Chaos, offered: set[str], settle_cycles: int, seconds: float) -> dict[str, Any]:
    database = chaos.database
    rows = query(database, "SELECT canonical_url, count(*) FROM articles GROUP BY canonical_url")
    stored = {url for url, _ in rows}
    twice = sorted(url for url, count in rows if count > 1)
    check = newswatch("check", config=chaos.config, timeout=600)
    statuses = dict(query(database, "SELECT status, count(*) FROM urls GROUP BY status"))
    failed = query(database, "SELECT canonical_url, reason, attempts FROM urls WHERE status = 'failed'")
    runs = dict(query(database, "SELECT status, count(*) FROM runs GROUP BY status"))
    cycles = [number for number in sorted(chaos.daemon_rss) if number <= chaos.cycles]
    first = max(chaos.daemon_rss[n] for n in cycles[:RSS_WINDOW]) / MB
    last = max(chaos.daemon_rss[n] for n in cycles[-RSS_WINDOW:]) / MB
    missing = sorted(offered - stored)
    # A stored article must be the whole article: a fragment (a body cut short) is damage too.
    endings = chaos.sites.last_paragraphs()
    texts = query(database, "SELECT canonical_url, text FROM articles WHERE duplicate_of IS NULL")
    fragments = sorted(url for url, text in texts if endings.get(url, "") not in (text or ""))
    result = {
        "seed": None,
        "seconds": round(seconds, 1),
        "cycles": chaos.started_cycles(),
        "chaos_cycles": chaos.cycles,
        "settle_cycles": settle_cycles,
        "runs_by_status": runs,
        "faults_injected": dict(sorted(chaos.sites.faults.injected.items())),
        "kills": dict(sorted(chaos.kills.items())),
        "kills_total": sum(chaos.kills.values()),
        "daemon_starts_at_cycle": chaos.daemon_starts,
        "articles_offered": len(offered),
        "articles_stored": len(stored),
        "missing": missing[:20],
        "stored_twice": twice[:20],
        "stored_incomplete": fragments[:20],
        "stored_incomplete_count": len(fragments),
        "not_offered_but_stored": sorted(stored - offered)[:20],
        "urls_by_status": statuses,
        "failed_urls": [list(row) for row in failed[:20]],
        "check_exit": check.returncode,
        "check_output": check.stdout.strip().splitlines()[-1:] + check.stderr.strip().splitlines()[-3:],
        "daemon_rss_mb_first_20_peak": round(first, 1),
        "daemon_rss_mb_last_20_peak": round(last, 1),
        "daemon_rss_ratio": round(last / first, 3),
    }
    result["ok"] = (
        not missing
        and not twice
        and not fragments
        and not result["not_offered_but_stored"]
        and check.returncode == 0
        and last <= first * (1 + FLAT_TOLERANCE)
    )
    return result


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cycles", type=int, default=100, help="daemon cycles under faults (default 100)")
    parser.add_argument(
        "--kills", type=int, default=20, help="SIGKILLs, each in a different cycle (default 20)"
    )
    parser.add_argument("--feeds", type=int, default=50, help="loopback feeds (default 50)")
    parser.add_argument("--seed", type=int, default=None, help="replay the faults of an earlier run")
    parser.add_argument("--max-minutes", type=float, default=40, help="time bound of the run (default 40)")
    parser.add_argument("--json", action="store_true", help="print only the JSON line")
    args = parser.parse_args()
    if args.kills > args.cycles - 1:
        parser.error("--kills must be below --cycles")
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(10**6)
    print(f"chaos seed {seed} (replay the faults with --seed {seed})", flush=True)
    rng = random.Random(seed)
    faults = Faults(random.Random(rng.random()))
    with (
        tempfile.TemporaryDirectory(prefix="newswatch-chaos-") as name,
        Sites(args.feeds, faults, rng).serving() as sites,
    ):
        folder = Path(name)
        config = make_config(folder, sites)
        chaos = Chaos(
            config,
            folder / "chaos.db",
            folder,
            sites,
            random.Random(rng.random()),
            args.cycles,
            choose_kills(rng, args.cycles, args.kills),
        )
        started = time.monotonic()
        deadline = started + args.max_minutes * 60
        daemon = None
        try:
            daemon = chaos.run(deadline)
            offered = sites.offered()
            daemon, settled = chaos.settle(daemon, offered)
            stopped = daemon.stop()
            if stopped != 0:
                print(f"the daemon's SIGTERM stop exited {stopped}")
            result = verdict(chaos, offered, settled, time.monotonic() - started)
        finally:
            chaos.cleanup()
        result["seed"] = seed
        result["daemon_stop_exit"] = stopped
        result["ok"] = result["ok"] and stopped == 0
        if not args.json:
            print("\n".join(chaos.kill_log))
            for key, value in result.items():
                print(f"{key:30} {value}")
        print(json.dumps(result))
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
