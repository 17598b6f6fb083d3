"""Soak: the real daemon for 200 cycles over 500 local feeds. Does its memory stay flat, and what
does a cycle cost when nothing changed?

    .venv/bin/python bench/soak.py [--cycles 200] [--feeds 500] [--max-minutes 40] [--json]

A local HTTP server (127.0.0.1, port 0; nothing else is contacted) serves 500 small RSS feeds
of three entries each, with ETags, and their article pages. One `newswatch run` first fills the
store (not measured), then `newswatch daemon` (tick 1s, metrics off) runs until it has finished
200 cycles or the time bound passes, and is stopped with SIGTERM.

Every tick is a real cycle over all 500 feeds. Feed intervals cannot go below 60 s
(``MIN_INTERVAL_SECONDS`` in crawler/core/config.py), so with a 1 s tick most ticks would find
nothing due. Rather than lower the floor, the bench moves the clock's effect instead: as soon
as a cycle ends it clears ``feeds.next_check_at`` in the store, as if the interval had passed,
and publishes one new entry (with a new ETag) in 5% of the feeds. So each cycle polls every
feed, about 95% answer 304, and some 25 new articles flow through extraction and storage.
Politeness is per host and all 500 feeds live on one host here, so the bench lifts the
per-host limits (no autothrottle, no delay, 16 parallel requests): the figures are newswatch's
own cost, not the politeness waits that 500 real sites would each impose.

Measured, sampled every 100 ms with psutil: the daemon's own RSS (peak per cycle), and each
cycle child's peak RSS (the `newswatch run` process alone, and its whole tree: forkserver and
extraction workers). The verdict compares the daemon's peak RSS over the last 50 cycles with
the first 50 (flat: within 10%); the exit status is 1 when it is not flat.

Then, with the daemon stopped, the cost of an unchanged cycle: every feed due, every feed
answering 304, no article to fetch (wall time, CPU, peak RSS of one `newswatch run`, median of
three), and of an idle cycle where no feed is due, which is the fixed cost of starting one.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import resource
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psutil

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.support.cli import cli_command, write_config  # noqa: E402
from tests.support.mockserver import MockServer, Page  # noqa: E402
from tests.support.pages import Story, article_html, generated_paragraphs, rss  # noqa: E402

ENTRIES_PER_FEED = 3
CHANGED_SHARE = 0.05  # of the feeds, between two cycles
FLAT_TOLERANCE = 0.10  # last window's peak daemon RSS may exceed the first window's by this much
WINDOW = 50  # cycles per summary row (fewer when the soak is shorter)
SAMPLE_SECONDS = 0.1
MB = 2**20
RunRow = dict[str, Any]  # a row of the runs table
# A log line of a cycle child: "2026-11-28 01:10:44 [crawler.extract_pool] WARNING: could not ..."
CHILD_COMPLAINT = re.compile(r"^\d{4}-\d\d-\d\d [\d:]+ \[[^]]+\] (WARNING|ERROR|CRITICAL): (.*)")


# -- the local site -----------------------------------------------------------------------------


class FeedSite:
    """500 feeds on one local server; `change()` publishes a new entry in some of them."""

    def __init__(self, server: MockServer, feeds: int) -> None:
        self.server = server
        self.entries: list[list[int]] = [list(range(ENTRIES_PER_FEED)) for _ in range(feeds)]
        self.changes = 0
        for feed in range(feeds):
            for number in self.entries[feed]:
                self._publish_article(feed, number)
            self._publish_feed(feed)

    def feed_url(self, feed: int) -> str:
        return self.server.url(f"/feeds/{feed}.xml")

    def change(self) -> None:
        """One new entry (and so a new ETag) in the next 5% of the feeds, round-robin."""
        count = max(1, round(len(self.entries) * CHANGED_SHARE))
        for offset in range(count):
            feed = (self.changes * count + offset) % len(self.entries)
            number = self.entries[feed][-1] + 1
            self._publish_article(feed, number)
            self.entries[feed] = [*self.entries[feed][1:], number]
            self._publish_feed(feed)
        self.changes += 1

    def _publish_feed(self, feed: int) -> None:
        started = datetime(2026, 1, 1, tzinfo=UTC)
        items: list[tuple[str, str, datetime | None]] = [
            (
                f"Story {number} of feed {feed}",
                self.server.url(f"/a/{feed}/{number}"),
                started + timedelta(hours=number),
            )
            for number in self.entries[feed]
        ]
        body = rss(f"feed {feed}", self.server.base, items)
        self.server.serve(
            f"/feeds/{feed}.xml",
            Page(body, content_type="application/rss+xml", etag=f'"{feed}-{self.entries[feed][-1]}"'),
        )

    def _publish_article(self, feed: int, number: int) -> None:
        paragraphs = generated_paragraphs(f"{feed}/{number}")  # distinct per article, the same every run
        story = Story(
            path=f"/a/{feed}/{number}", title=f"Story {number} of feed {feed}", paragraphs=paragraphs
        )
        self.server.serve(story.path, Page(article_html(story)))


def make_config(folder: Path, site: FeedSite, feeds: int) -> Path:
    config = write_config(
        folder,
        f"sqlite:///{folder / 'soak.db'}",
        [
            {"name": f"feed-{feed}", "url": site.feed_url(feed), "interval": "60s", "keep": "all"}
            for feed in range(feeds)
        ],
        crawl={"autothrottle": False, "concurrent_requests": 16, "concurrent_requests_per_host": 16},
        extraction={"workers": None},  # the default pool: cores + 1
    )
    config.write_text(config.read_text() + "daemon:\n  tick: 1s\n  metrics_port: 0\n")
    return config


def make_all_feeds_due(database: Path) -> None:
    """What a minute's wait would do: every feed's next check has come."""
    connection = sqlite3.connect(database, timeout=60)
    try:
        with connection:
            connection.execute("UPDATE feeds SET next_check_at = NULL")
    finally:
        connection.close()


def runs(database: Path) -> dict[int, RunRow]:
    """Run rows by pid (each cycle is its own process)."""
    connection = sqlite3.connect(database, timeout=60)
    connection.row_factory = sqlite3.Row
    try:
        rows = connection.execute("SELECT * FROM runs ORDER BY id").fetchall()
    finally:
        connection.close()
    return {row["pid"]: dict(row) for row in rows}


# -- watching the daemon ------------------------------------------------------------------------


@dataclass
class CycleSample:
    """One daemon cycle as seen from outside: memory peaks while it ran, and its log event."""

    daemon_rss: int = 0
    child_rss: int = 0  # the `newswatch run` process
    tree_rss: int = 0  # plus its forkserver and extraction workers
    seconds: float = 0.0
    outcome: str = ""
    pid: int = 0
    output: list[str] = field(default_factory=list)  # what the cycle child wrote to stderr (capped)


@dataclass
class DaemonWatch:
    """Follow the daemon's JSON log for cycle ends; sample its memory and its children's meanwhile."""

    pid: int
    log: Path
    on_cycle_done: Callable[[], None]
    cycles: list[CycleSample] = field(default_factory=lambda: [CycleSample()])
    fds: list[int] = field(default_factory=list)
    threads: list[int] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self._workers = [
            threading.Thread(target=self._follow_log, daemon=True),
            threading.Thread(target=self._sample, daemon=True),
        ]
        for worker in self._workers:
            worker.start()

    @property
    def finished(self) -> list[CycleSample]:
        return self.cycles[:-1]  # the last one is still running (or not started)

    def close(self) -> None:
        self.stop.set()
        for worker in self._workers:
            worker.join()

    def _follow_log(self) -> None:
        unfinished = b""  # the daemon may be half-way through writing a line
        with self.log.open("rb") as log:
            while not self.stop.is_set():
                chunk = log.read()
                if not chunk:
                    time.sleep(0.05)
                    continue
                *lines, unfinished = (unfinished + chunk).split(b"\n")
                for line in lines:
                    if not line.startswith(b'{"'):  # not the daemon's own JSON: its child's output
                        output = self.cycles[-1].output
                        if len(output) < 500:
                            output.append(line.decode(errors="replace"))
                    elif b'"cycle_done"' in line:
                        self._cycle_done(json.loads(line))

    def _cycle_done(self, event: dict[str, Any]) -> None:
        current = self.cycles[-1]
        current.seconds, current.outcome, current.pid = event["seconds"], event["outcome"], event["pid"]
        self.on_cycle_done()
        self.cycles.append(CycleSample())

    def _sample(self) -> None:
        daemon = psutil.Process(self.pid)
        while not self.stop.is_set():
            with contextlib.suppress(psutil.Error):
                current = self.cycles[-1]
                current.daemon_rss = max(current.daemon_rss, daemon.memory_info().rss)
                for child in daemon.children():
                    current.child_rss = max(current.child_rss, _rss(child))
                    current.tree_rss = max(current.tree_rss, _tree_rss(child))
                if len(self.fds) < len(self.cycles):  # once per cycle: leaks of descriptors or threads
                    self.fds.append(daemon.num_fds())
                    self.threads.append(daemon.num_threads())
            time.sleep(SAMPLE_SECONDS)


def _rss(process: psutil.Process) -> int:
    try:
        return process.memory_info().rss
    except psutil.Error:
        return 0


def _tree_rss(process: psutil.Process) -> int:
    try:
        descendants = process.children(recursive=True)
    except psutil.Error:
        descendants = []
    return _rss(process) + sum(_rss(child) for child in descendants)


def soak(
    config: Path, database: Path, site: FeedSite, cycles: int, deadline: float, folder: Path
) -> DaemonWatch:
    """Run the daemon until it has finished `cycles` cycles or the deadline passes."""

    def between_cycles() -> None:
        make_all_feeds_due(database)
        site.change()

    between_cycles()
    log = folder / "daemon.log"
    log.touch()
    with log.open("ab") as errors, (folder / "cycles.out").open("ab") as summaries:
        daemon = subprocess.Popen(
            cli_command(config, "daemon", "--log-format", "json"),
            cwd=REPO,
            stdin=subprocess.DEVNULL,
            stdout=summaries,
            stderr=errors,
        )
    watch = DaemonWatch(daemon.pid, log, between_cycles)
    try:
        while len(watch.finished) < cycles and time.monotonic() < deadline and daemon.poll() is None:
            time.sleep(0.5)
            _progress(len(watch.finished), cycles)
    finally:
        daemon.send_signal(signal.SIGTERM)
        try:
            daemon.wait(timeout=90)
        except subprocess.TimeoutExpired:
            daemon.kill()
            daemon.wait()
        watch.close()
        print(file=sys.stderr)
    if daemon.returncode != 0:
        raise SystemExit(f"the daemon exited with status {daemon.returncode}; see {log}")
    return watch


def _progress(done: int, total: int) -> None:
    if sys.stderr.isatty():
        print(f"\r{done}/{total} cycles", end="", file=sys.stderr, flush=True)


# -- one cycle, measured -------------------------------------------------------------------------


@dataclass
class CycleCost:
    wall: float
    crawl: float  # the run row's own start to finish: what the crawl took without process start-up
    cpu_main: float  # exact: the `newswatch run` process and the descendants it reaped
    cpu_tree: float  # sampled: every process of the tree, at its last sample
    rss_main: int
    rss_tree: int
    run: RunRow


def measure_cycle(config: Path, database: Path) -> CycleCost:
    """One `newswatch run`, with wall time, CPU and peak RSS of its process tree."""
    log = database.with_name("measured-cycle.log")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    with log.open("wb") as errors:
        child = subprocess.Popen(
            cli_command(config, "run"),
            cwd=REPO,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=errors,
        )
    peaks, cpu = {"main": 0, "tree": 0}, {}
    root = psutil.Process(child.pid)
    while child.poll() is None:
        with contextlib.suppress(psutil.Error):
            members = [root, *root.children(recursive=True)]
            peaks["main"] = max(peaks["main"], _rss(root))
            peaks["tree"] = max(peaks["tree"], sum(_rss(member) for member in members))
            for member in members:
                with contextlib.suppress(psutil.Error):
                    times = member.cpu_times()
                    cpu[member.pid] = times.user + times.system
        time.sleep(0.05)
    wall = time.perf_counter() - started
    if child.returncode != 0:
        raise SystemExit(f"`newswatch run` failed ({child.returncode}):\n{log.read_text()[-3000:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_main = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    run = runs(database)[child.pid]
    crawl = datetime.fromisoformat(str(run["finished_at"])) - datetime.fromisoformat(str(run["started_at"]))
    return CycleCost(
        wall,
        crawl.total_seconds(),
        cpu_main,
        max(sum(cpu.values()), cpu_main),
        peaks["main"],
        peaks["tree"],
        run,
    )


def unchanged_cycle(config: Path, database: Path, feeds: int, repeat: int = 3) -> CycleCost:
    """Every feed due, every one answering 304: the median of `repeat` cycles."""
    make_all_feeds_due(database)
    measure_cycle(config, database)  # takes in the soak's last changes
    costs = []
    for _ in range(repeat):
        make_all_feeds_due(database)
        cost = measure_cycle(config, database)
        run = cost.run
        if (run["feeds_polled"], run["feeds_not_modified"], run["articles_requested"]) != (feeds, feeds, 0):
            raise SystemExit(f"not an unchanged cycle: {run}")
        costs.append(cost)
    return sorted(costs, key=lambda cost: cost.wall)[len(costs) // 2]


def idle_cycle(config: Path, database: Path) -> CycleCost:
    """No feed due: what starting and closing a cycle costs by itself."""
    cost = measure_cycle(config, database)
    if cost.run["feeds_due"] != 0:
        raise SystemExit(f"not an idle cycle: {cost.run}")
    return cost


# -- report ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WindowSummary:
    """A run of consecutive daemon cycles, summarised for one table row."""

    first: int
    last: int
    daemon_rss_mean: float
    daemon_rss_peak: float
    child_rss_peak: float
    tree_rss_peak: float
    cycle_seconds_median: float
    feeds_polled_mean: float
    not_modified_mean: float
    articles_new: int

    @classmethod
    def of(cls, first: int, samples: list[CycleSample], by_pid: dict[int, RunRow]) -> WindowSummary:
        rows = [by_pid.get(sample.pid, {}) for sample in samples]
        return cls(
            first=first,
            last=first + len(samples) - 1,
            daemon_rss_mean=statistics.mean(sample.daemon_rss for sample in samples) / MB,
            daemon_rss_peak=max(sample.daemon_rss for sample in samples) / MB,
            child_rss_peak=max(sample.child_rss for sample in samples) / MB,
            tree_rss_peak=max(sample.tree_rss for sample in samples) / MB,
            cycle_seconds_median=statistics.median(sample.seconds for sample in samples),
            feeds_polled_mean=statistics.mean(int(row.get("feeds_polled", 0)) for row in rows),
            not_modified_mean=statistics.mean(int(row.get("feeds_not_modified", 0)) for row in rows),
            articles_new=sum(int(row.get("articles_new", 0)) for row in rows),
        )

    def row(self) -> str:
        return (
            f"{self.first:>4}-{self.last:<4}  {self.daemon_rss_mean:7.1f} / {self.daemon_rss_peak:5.1f}  "
            f"{self.child_rss_peak:10.1f}  {self.tree_rss_peak:9.1f}  {self.cycle_seconds_median:8.2f}  "
            f"{self.feeds_polled_mean:6.1f}  {self.not_modified_mean:6.1f}  {self.articles_new:5}"
        )


TABLE_HEADER = (
    f"{'cycles':>9}  {'daemon RSS MB':>15}  {'child MB':>10}  {'tree MB':>9}  {'cycle s':>8}  "
    f"{'polled':>6}  {'304':>6}  {'new':>5}\n"
    f"{'':>9}  {'mean / peak':>15}  {'peak':>10}  {'peak':>9}  {'median':>8}  "
    f"{'mean':>6}  {'mean':>6}  {'sum':>5}"
)


def log_complaints(log: Path) -> dict[str, int]:
    """Warnings and errors by kind: the daemon's own (JSON lines), then its children's (`child` prefix)."""
    complaints: Counter[str] = Counter()
    for line in log.read_text(errors="replace").splitlines():
        if line.startswith('{"'):
            entry = json.loads(line)
            if entry["level"] in ("warning", "error", "critical"):
                complaints[f"{entry['level']}: {entry.get('event') or entry['msg'][:60]}"] += 1
        elif (found := CHILD_COMPLAINT.search(line)) is not None:
            complaints[f"child {found.group(1)}: {found.group(2)[:60]}"] += 1
    return dict(complaints)


def summarise(
    watch: DaemonWatch, database: Path, cycles: int, feeds: int, soak_seconds: float
) -> dict[str, Any]:
    """The soak's figures; `daemon_flat` is the verdict."""
    samples = watch.finished[:cycles]  # not the cycle the stop may have cut short
    if len(samples) < 2:
        raise SystemExit(f"only {len(samples)} cycles finished; nothing to compare")
    by_pid = runs(database)
    size = min(WINDOW, max(1, len(samples) // 4))
    table = [
        WindowSummary.of(start + 1, samples[start : start + size], by_pid)
        for start in range(0, len(samples), size)
    ]
    first_peak = max(sample.daemon_rss for sample in samples[:size]) / MB
    last_peak = max(sample.daemon_rss for sample in samples[-size:]) / MB
    return {
        "cycles": len(samples),
        "feeds": feeds,
        "soak_seconds": round(soak_seconds, 1),
        "outcomes": dict(Counter(sample.outcome for sample in samples)),
        "window": size,
        "daemon_rss_mb_first_window_peak": round(first_peak, 1),
        "daemon_rss_mb_last_window_peak": round(last_peak, 1),
        "daemon_rss_ratio": round(last_peak / first_peak, 3),
        "daemon_flat": last_peak <= first_peak * (1 + FLAT_TOLERANCE),
        "daemon_fds_first_last": [watch.fds[0], watch.fds[-1]],
        "daemon_threads_first_last": [watch.threads[0], watch.threads[-1]],
        "child_rss_mb_peak": round(max(row.child_rss_peak for row in table), 1),
        "child_tree_rss_mb_peak": round(max(row.tree_rss_peak for row in table), 1),
        "cycle_seconds_median": round(statistics.median(sample.seconds for sample in samples), 2),
        "articles_new": sum(row.articles_new for row in table),
        "daemon_log_complaints": log_complaints(watch.log),
        "unfinished": [asdict(sample) for sample in samples if sample.outcome != "finished"],
        "table": [asdict(row) for row in table],
    }


def print_report(result: dict[str, Any], unchanged: CycleCost, idle: CycleCost) -> None:
    print(
        f"soak: {result['cycles']} daemon cycles in {result['soak_seconds']}s over {result['feeds']} feeds "
        f"({CHANGED_SHARE:.0%} changed per cycle); outcomes {result['outcomes']}"
    )
    print(TABLE_HEADER)
    for row in result["table"]:
        print(WindowSummary(**row).row())
    size = result["window"]
    print(
        f"daemon peak RSS, last {size} cycles / first {size}: {result['daemon_rss_mb_last_window_peak']} / "
        f"{result['daemon_rss_mb_first_window_peak']} MB = {result['daemon_rss_ratio']} "
        f"(limit {1 + FLAT_TOLERANCE:.2f}): {'flat' if result['daemon_flat'] else 'GROWING'}"
    )
    print(
        f"daemon descriptors {result['daemon_fds_first_last']}, "
        f"threads {result['daemon_threads_first_last']} (first cycle, last cycle); "
        f"log warnings and errors: {result['daemon_log_complaints']}"
    )
    for sample in result["unfinished"]:
        print(f"cycle of pid {sample['pid']} ended {sample['outcome']!r} after {sample['seconds']}s, saying:")
        print("\n".join(f"    {line}" for line in sample["output"][-40:]) or "    (none)")
    for name, cost in (("unchanged cycle (every feed 304)", unchanged), ("idle cycle (nothing due)", idle)):
        print(
            f"{name}: wall {cost.wall:.2f}s (crawl {cost.crawl:.2f}s), CPU {cost.cpu_main:.2f}s main / "
            f"{cost.cpu_tree:.2f}s tree, peak RSS {cost.rss_main / MB:.0f} MB main / "
            f"{cost.rss_tree / MB:.0f} MB tree"
        )


def _cost_fields(cost: CycleCost) -> dict[str, float]:
    return {
        "wall_seconds": round(cost.wall, 2),
        "crawl_seconds": round(cost.crawl, 2),
        "cpu_seconds_main": round(cost.cpu_main, 2),
        "cpu_seconds_tree": round(cost.cpu_tree, 2),
        "rss_mb_main": round(cost.rss_main / MB, 1),
        "rss_mb_tree": round(cost.rss_tree / MB, 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cycles", type=int, default=200, help="daemon cycles to soak (default 200)")
    parser.add_argument("--feeds", type=int, default=500, help="local feeds (default 500)")
    parser.add_argument("--max-minutes", type=float, default=40, help="time bound of the soak (default 40)")
    parser.add_argument("--json", action="store_true", help="print only the JSON line")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="newswatch-soak-") as name, MockServer() as server:
        folder = Path(name)
        site = FeedSite(server, args.feeds)
        config = make_config(folder, site, args.feeds)
        database = folder / "soak.db"
        measure_cycle(config, database)  # fills the store: every article of every feed, once
        started = time.monotonic()
        watch = soak(config, database, site, args.cycles, started + args.max_minutes * 60, folder)
        soak_seconds = time.monotonic() - started
        unchanged = unchanged_cycle(config, database, args.feeds)
        idle = idle_cycle(config, database)
        result = summarise(watch, database, args.cycles, args.feeds, soak_seconds)
    result |= {"unchanged_cycle": _cost_fields(unchanged), "idle_cycle": _cost_fields(idle)}
    if not args.json:
        print_report(result, unchanged, idle)
    result["unfinished"] = [{**sample, "output": len(sample["output"])} for sample in result["unfinished"]]
    print(json.dumps({key: value for key, value in result.items() if key != "table"}))
    return 0 if result["daemon_flat"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
