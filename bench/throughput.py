"""Throughput: a full newswatch cycle over corpus pages vs a bare single-process trafilatura loop.

    .venv/bin/python bench/throughput.py [--layout naeb|multi-host] [--pages N] [--rounds 3]
                                         [--workers N] [--start lazy|eager] [--json]

Serves the pages from local HTTP servers (127.0.0.x, port 0) in one of two layouts
(bench/layouts.py): `naeb`, every NAEB development page on one host behind one RSS feed; or
`multi-host`, ~300 NAEB and newspaper4k pages over 18 hosts, one feed each, RSS and Atom.
Runs `newswatch run` on a fresh SQLite store (keep: all, so every page goes through
extraction, relevance, dedupe and storage; politeness off: no delay, no autothrottle, no
robots.txt), and measures wall time and the peak resident memory of the whole process tree
(crawler plus extraction workers), sampled every 250 ms. In the same invocation it times
`trafilatura.extract(html, url=url)` over the same pages in one process, before and after
every cycle, and reports each cycle's speed-up against the mean of the two loops around it,
and their median.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from layouts import NAEB, corpus_pages, served  # noqa: E402

from tests.support.cli import cli_command, write_config  # noqa: E402

BARE_CPU: list[float] = []  # CPU seconds of each bare loop, in order


def bare_loop(pages: list[tuple[str, str]]) -> float:
    import trafilatura

    started, cpu = time.perf_counter(), time.process_time()
    for url, html in pages:
        trafilatura.extract(html, url=url)
    BARE_CPU.append(time.process_time() - cpu)
    return time.perf_counter() - started


class PeakMemory:
    """Peak summed RSS of a process and all its descendants, and the CPU each one had used when
    last sampled (a wall time on a shared machine says little without it)."""

    def __init__(self, pid: int) -> None:
        self.root = psutil.Process(pid)
        self.peak = 0
        self.cpu: dict[int, float] = {}
        self.parent: dict[int, int] = {}  # pid -> parent pid, to tell the forkserver from its workers
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._stop.is_set():
            try:
                processes = [self.root, *self.root.children(recursive=True)]
                total = 0
                for process in processes:
                    with contextlib.suppress(psutil.Error):
                        total += process.memory_info().rss
                        times = process.cpu_times()
                        self.cpu[process.pid] = times.user + times.system
                        if process.pid not in self.parent:
                            self.parent[process.pid] = process.ppid()
                self.peak = max(self.peak, total)
            except psutil.Error:
                pass
            time.sleep(0.25)  # sampling costs CPU the cycle needs: keep it rare

    def roles(self) -> dict[str, list[float]]:
        """CPU seconds by role: the crawling process, its other children (the forkserver, the
        resource tracker) and the workers forked from those children."""
        root = self.root.pid
        helpers = {pid for pid, parent in self.parent.items() if parent == root}
        found: dict[str, list[float]] = {"helpers": [], "workers": []}
        for pid, cpu in self.cpu.items():
            if pid in helpers:
                found["helpers"].append(round(cpu, 2))
            elif pid != root:
                found["workers"].append(round(cpu, 2))
        return found

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


def pipeline_cycle(
    layout: str,
    pages: list[tuple[str, str]],
    workdir: Path,
    workers: int | None = None,
    start: str = "lazy",
) -> dict[str, float]:
    with served(layout, pages) as site:
        config = write_config(
            workdir,
            f"sqlite:///{workdir / 'bench.db'}",
            site.feeds,
            crawl={
                "max_entries_per_feed": 10_000,
                "concurrent_requests": 32,
                "concurrent_requests_per_host": 32,
                "obey_robots_txt": False,
                "autothrottle": False,
            },
            extraction={"workers": workers, "start": start},  # workers None: the default, cores + 1
        )
        started = time.perf_counter()
        child = subprocess.Popen(
            cli_command(config, "run"),
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        memory = PeakMemory(child.pid)
        stdout, stderr = child.communicate()
        seconds = time.perf_counter() - started
        peak = memory.stop()
        crawler_cpu = memory.cpu.get(child.pid, 0.0)
        tree_cpu = sum(memory.cpu.values())
        if child.returncode != 0:
            raise SystemExit(f"cycle failed ({child.returncode}):\n{stderr[-3000:]}")
    export = subprocess.run(
        cli_command(config, "export"),
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    stored = len(export.stdout.splitlines())
    return {
        "seconds": seconds,
        "stored": stored,
        "peak_rss_mb": peak / 2**20,
        "crawler_cpu": crawler_cpu,
        "tree_cpu": tree_cpu,
        "roles": memory.roles(),
        "summary": stdout,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--layout", choices=["naeb", "multi-host"], default="naeb", help="see bench/layouts.py"
    )
    parser.add_argument("--pages", type=int, help="use only the first N pages")
    parser.add_argument("--workers", type=int, help="extraction workers (default: the config default)")
    parser.add_argument(
        "--start", choices=["lazy", "eager"], default="lazy", help="extraction.start (default: lazy)"
    )
    parser.add_argument("--rounds", type=int, default=3, help="cycles to time, each between two bare loops")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if not NAEB.exists():
        raise SystemExit(f"{NAEB} is absent: the benchmark needs ../shared/corpus")
    pages = corpus_pages(args.layout, args.pages)
    # Bare loops bracket every cycle (B C B C ... B): a shared machine's speed drifts over a
    # minute, and a ratio against the mean of the loops before and after a cycle cancels a
    # steady drift instead of crediting it to whichever side ran in the faster half.
    bares = [bare_loop(pages)]
    cycles = []
    for _ in range(args.rounds):
        with tempfile.TemporaryDirectory() as folder:
            cycles.append(pipeline_cycle(args.layout, pages, Path(folder), args.workers, args.start))
        bares.append(bare_loop(pages))
    ratios = [
        (before + after) / 2 / cycle["seconds"]
        for before, after, cycle in zip(bares, bares[1:], cycles, strict=False)
    ]
    cycle_seconds = statistics.median(cycle["seconds"] for cycle in cycles)
    bare_seconds = statistics.median(bares)
    result = {
        "layout": args.layout,
        "pages": len(pages),
        "cores": os.cpu_count(),
        "rounds": args.rounds,
        "workers": args.workers or "default",
        "start": args.start,
        "bare_trafilatura_seconds": [round(seconds, 2) for seconds in bares],
        "cycle_seconds": [round(cycle["seconds"], 2) for cycle in cycles],
        "bare_trafilatura_pages_per_s": round(len(pages) / bare_seconds, 2),
        "cycle_pages_per_s": round(len(pages) / cycle_seconds, 2),
        "cycle_articles_stored": [cycle["stored"] for cycle in cycles],
        "speedup_per_round": [round(ratio, 2) for ratio in ratios],
        "speedup_median": round(statistics.median(ratios), 2),
        "cycle_peak_rss_mb": round(max(cycle["peak_rss_mb"] for cycle in cycles), 1),
        # CPU, sampled every 250 ms: the crawling process, and it with its workers and forkserver
        "bare_trafilatura_cpu_seconds": [round(seconds, 2) for seconds in BARE_CPU],
        "cycle_crawler_cpu_seconds": [round(cycle["crawler_cpu"], 2) for cycle in cycles],
        "cycle_tree_cpu_seconds": [round(cycle["tree_cpu"], 2) for cycle in cycles],
        # the crawling process's other children (forkserver, resource tracker) and the workers
        "cycle_cpu_by_role": [cycle["roles"] for cycle in cycles],
        "load_average": [round(load, 1) for load in os.getloadavg()],
    }
    if args.json:
        print(json.dumps(result))
    else:
        print(cycles[-1]["summary"])
        for key, value in result.items():
            print(f"{key:32} {value}")


if __name__ == "__main__":
    main()
