"""Backfill throughput and memory: a large WARC through `newswatch backfill` vs the bare reader.

    .venv/bin/python bench/backfill.py [--megabytes 500] [--watched-share 0.02]
                                       [--any-site-megabytes 40] [--keep DIR] [--json]

Builds a gzip-per-record WARC (the CC-NEWS layout) of about `--megabytes` on disk, of records
repeating the NAEB pages of the shared corpus under many hosts, with `--watched-share` of the
records on the one watched site (`--keep DIR` keeps the file there and reuses it); then
measures, each on the same file and the same records:

* the bare reader: warcio's ArchiveIterator reading every record's payload, nothing else, run
  before and again after the backfill (the machine's load changes; both are reported, and the
  backfill is compared with their mean);
* newswatch's reader alone (`crawler.sources.warc.ArchiveReader`) with the host filter on;
* the fixed cost: the same `newswatch backfill` command on a WARC of one watched page
  (start-up of Python, Scrapy and the extraction pool, and the summary at the end);
* `newswatch backfill --warc FILE --site HOST` end to end (the host filter on): wall and CPU
  time (the crawling process's exactly, from wait4; the forkserver's and the extraction
  workers' sampled), records per second, peak RSS of the crawling process, and peak RSS and
  PSS of the whole process tree (PSS counts the pages the workers share with the fork server
  once);
* `--any-site` (every page extracted and judged by the topic) on a smaller file, since it runs
  at the extraction pool's speed rather than the reader's.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from datetime import timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import psutil  # noqa: E402

from crawler.core.clock import utcnow  # noqa: E402
from crawler.sources.warc import ArchiveReader  # noqa: E402
from tests.support.cli import cli_command, write_config  # noqa: E402
from tests.support.warcs import Archived, warc_bytes  # noqa: E402

NAEB = REPO.parent / "shared" / "corpus" / "extraction" / "naeb" / "html"
WATCHED = "watched.example.org"
# Records of other hosts are drawn from this many distinct gzip members (compressing each of
# thousands anew would take the build longer than the measurement); every one is still read.
OTHER_MEMBERS = 400


@dataclass(frozen=True)
class BuiltWarc:
    path: Path
    records: int
    watched: int  # records on the watched site
    file_bytes: int


def build_warc(path: Path, megabytes: float, watched_share: float, seed: int = 7) -> dict[str, int]:
    pages = [gzip.decompress(p.read_bytes()) for p in sorted(NAEB.glob("*.html.gz"))]
    if not pages:
        raise SystemExit(f"{NAEB} is absent: the bench needs the shared corpus")
    rng = random.Random(seed)
    captured = utcnow() - timedelta(days=400)

    def member(host: str, number: int) -> bytes:
        url = f"https://{host}/story/{number}-{rng.randrange(10**9)}"
        return warc_bytes([Archived(url, rng.choice(pages), captured)])

    others = [member(f"outlet-{rng.randrange(2000)}.example.com", n) for n in range(OTHER_MEMBERS)]
    records = watched = 0
    with path.open("wb") as out:
        while records == 0 or out.tell() < megabytes * 1e6:
            on_watched = rng.random() < watched_share
            out.write(member(WATCHED, records) if on_watched else rng.choice(others))
            records += 1
            watched += on_watched
    return {"records": records, "watched": watched, "file_bytes": path.stat().st_size}


def bare_reader(path: Path) -> dict[str, float]:
    from warcio.archiveiterator import ArchiveIterator

    started, cpu = time.perf_counter(), time.process_time()
    html = 0
    with path.open("rb") as stream:
        for record in ArchiveIterator(stream):
            if record.rec_type == "response":
                html += len(record.content_stream().read())
    return {
        "seconds": time.perf_counter() - started,
        "cpu_seconds": time.process_time() - cpu,
        "html_bytes": html,
    }


def filtered_reader(path: Path) -> dict[str, float]:
    started, cpu = time.perf_counter(), time.process_time()
    reader = ArchiveReader(lambda offset: path.open("rb"), wanted_host=lambda host: host == WATCHED)
    for _event in reader:
        pass
    return {"seconds": time.perf_counter() - started, "cpu_seconds": time.process_time() - cpu}


def backfill(path: Path, workdir: Path, *extra: str) -> dict[str, float]:
    workdir.mkdir()
    config = write_config(
        workdir, f"sqlite:///{workdir / 'bench.db'}", [{"name": "w", "url": f"https://{WATCHED}/feed"}]
    )
    log = workdir / "backfill.log"
    started = time.perf_counter()
    with log.open("w") as output:
        child = subprocess.Popen(
            cli_command(config, "backfill", "--warc", str(path), *extra),
            cwd=REPO,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        tree = TreeSampler(child.pid)
        # wait4: the crawling process's own CPU time, exactly (the forkserver it starts is
        # not its child to wait for, so its workers are not in it)
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    tree.stop()
    if returncode != 0:
        raise SystemExit(f"backfill failed ({returncode}):\n{log.read_text()[-3000:]}")
    crawler_cpu = usage.ru_utime + usage.ru_stime
    return {
        "seconds": seconds,
        "cpu_seconds": max(tree.cpu_seconds(), crawler_cpu),
        "crawler_cpu_seconds": crawler_cpu,
        # the forkserver and the extraction workers (sampled: each one's last half second is missed)
        "extraction_cpu_seconds": tree.cpu_seconds(exclude=child.pid),
        "crawler_peak_rss_mb": tree.root_rss / 1e6,
        "peak_rss_mb": tree.tree_rss / 1e6,
        "peak_pss_mb": tree.tree_pss / 1e6,
    }


class TreeSampler:
    """Every half second: the crawling process's RSS, the whole tree's summed RSS and PSS, and
    each process's CPU time so far (a process's last half second before it exits is missed)."""

    def __init__(self, pid: int) -> None:
        self.root = psutil.Process(pid)
        self.root_rss = self.tree_rss = self.tree_pss = 0
        self._cpu: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._stop.is_set():
            rss = pss = 0
            with contextlib.suppress(psutil.Error):
                for process in [self.root, *self.root.children(recursive=True)]:
                    with contextlib.suppress(psutil.Error):
                        memory = process.memory_full_info()
                        times = process.cpu_times()
                        self._cpu[process.pid] = times.user + times.system
                        rss, pss = rss + memory.rss, pss + memory.pss
                        if process.pid == self.root.pid:
                            self.root_rss = max(self.root_rss, memory.rss)
            self.tree_rss, self.tree_pss = max(self.tree_rss, rss), max(self.tree_pss, pss)
            time.sleep(0.5)  # sampling costs CPU the backfill needs: keep it rare

    def cpu_seconds(self, exclude: int | None = None) -> float:
        return sum(seconds for pid, seconds in self._cpu.items() if pid != exclude)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=float, default=500, help="the WARC file's size on disk")
    parser.add_argument("--watched-share", type=float, default=0.02)
    parser.add_argument("--any-site-megabytes", type=float, default=40)
    parser.add_argument("--keep", type=Path, help="build the WARC files here once and reuse them")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="nw-backfill-bench-") as tmp:
        report = measure(args, Path(tmp), args.keep or Path(tmp))
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print_report(report)


def measure(args: argparse.Namespace, folder: Path, files: Path) -> dict[str, object]:
    files.mkdir(parents=True, exist_ok=True)
    report: dict[str, object] = {"load_average_before": os.getloadavg()}
    warc = warc_file(files, "big", args.megabytes, args.watched_share, seed=7)
    one = warc_file(files, "one", 0, 1.0, seed=9)  # one record, on the watched site
    small = warc_file(files, "small", args.any_site_megabytes, args.watched_share, seed=8)
    before = bare_reader(warc.path)
    filtered = filtered_reader(warc.path)
    fixed = backfill(one.path, folder / "one", "--site", WATCHED)
    end_to_end = backfill(warc.path, folder / "filtered", "--site", WATCHED)
    after = bare_reader(warc.path)
    bare = (before["seconds"] + after["seconds"]) / 2
    bare_cpu = (before["cpu_seconds"] + after["cpu_seconds"]) / 2
    gigabytes = warc.file_bytes / 1e9
    report["file"] = {**described(warc), "html_bytes": before["html_bytes"]}
    report["bare_reader_before"] = {**before, "records_per_second": warc.records / before["seconds"]}
    report["bare_reader_after"] = {**after, "records_per_second": warc.records / after["seconds"]}
    report["reader_host_filter"] = {
        **filtered,
        "records_per_second": warc.records / filtered["seconds"],
        "vs_bare_reader": filtered["seconds"] / bare,
    }
    report["backfill_one_record"] = fixed
    reading = end_to_end["seconds"] - fixed["seconds"]
    report["backfill_host_filter"] = {
        **end_to_end,
        "records_per_second": warc.records / end_to_end["seconds"],
        "vs_bare_reader": end_to_end["seconds"] / bare,
        "cpu_vs_bare_reader": end_to_end["cpu_seconds"] / bare_cpu,
        "seconds_per_file_gb": end_to_end["seconds"] / gigabytes,
        # past the fixed cost: what each further GB of archive costs
        "seconds_past_fixed_cost": reading,
        "cpu_past_fixed_cost_vs_bare_reader": (end_to_end["cpu_seconds"] - fixed["cpu_seconds"]) / bare_cpu,
        "past_fixed_cost_vs_bare_reader": reading / bare,
        "seconds_per_file_gb_past_fixed_cost": reading / gigabytes,
    }
    any_site = backfill(small.path, folder / "any", "--any-site")
    report["backfill_any_site"] = {
        **any_site,
        "file": described(small),
        "records_per_second": small.records / any_site["seconds"],
    }
    report["load_average_after"] = os.getloadavg()
    return report


def warc_file(folder: Path, name: str, megabytes: float, watched_share: float, seed: int) -> BuiltWarc:
    """The WARC `name` in `folder`, built unless an earlier run with the same options left it."""
    path = folder / f"{name}-{megabytes:g}mb-{watched_share:g}-{seed}.warc.gz"
    facts = path.with_suffix(".json")
    if not (path.exists() and facts.exists()):
        facts.write_text(json.dumps(build_warc(path, megabytes, watched_share, seed)))
    return BuiltWarc(path, **json.loads(facts.read_text()))


def described(warc: BuiltWarc) -> dict[str, object]:
    return {key: value for key, value in asdict(warc).items() if key != "path"}


def print_report(report: dict[str, object]) -> None:
    f: dict[str, float] = report["file"]  # type: ignore[assignment]
    print(f"load average before {report['load_average_before']}, after {report['load_average_after']}")
    print(
        f"WARC: {f['records']:.0f} records, {f['file_bytes'] / 1e6:.0f} MB gzip per record, "
        f"{f['html_bytes'] / 1e6:.0f} MB of HTML, {f['watched']:.0f} on the watched site"
    )
    for key in ("bare_reader_before", "reader_host_filter", "bare_reader_after"):
        row: dict[str, float] = report[key]  # type: ignore[assignment]
        print(
            f"{key:22} {row['seconds']:7.1f} s ({row['cpu_seconds']:5.1f} s CPU) "
            f"{row['records_per_second']:8.0f} records/s"
        )
    one: dict[str, float] = report["backfill_one_record"]  # type: ignore[assignment]
    print(
        f"{'backfill_one_record':22} {one['seconds']:7.1f} s ({one['cpu_seconds']:5.1f} s CPU: crawling "
        f"process {one['crawler_cpu_seconds']:.1f} s, extraction {one['extraction_cpu_seconds']:.1f} s): "
        "the fixed cost"
    )
    row = report["backfill_host_filter"]  # type: ignore[assignment]
    print(
        f"{'backfill_host_filter':22} {row['seconds']:7.1f} s ({row['cpu_seconds']:5.1f} s CPU) "
        f"{row['records_per_second']:8.0f} records/s, {row['vs_bare_reader']:.2f}x the bare reader's time "
        f"({row['cpu_vs_bare_reader']:.2f}x its CPU); past the fixed cost "
        f"{row['past_fixed_cost_vs_bare_reader']:.2f}x "
        f"({row['cpu_past_fixed_cost_vs_bare_reader']:.2f}x its CPU); "
        f"{row['seconds_per_file_gb']:.0f} s per GB "
        f"({row['seconds_per_file_gb_past_fixed_cost']:.0f} s past the fixed cost)"
    )
    print(
        f"{'':22} CPU: crawling process {row['crawler_cpu_seconds']:.1f} s, "
        f"extraction (forkserver and workers) {row['extraction_cpu_seconds']:.1f} s"
    )
    print(
        f"{'':22} peak RSS: crawling process {row['crawler_peak_rss_mb']:.0f} MB, "
        f"process tree {row['peak_rss_mb']:.0f} MB (PSS {row['peak_pss_mb']:.0f} MB)"
    )
    row = report["backfill_any_site"]  # type: ignore[assignment]
    print(
        f"{'backfill_any_site':22} {row['seconds']:7.1f} s  {row['records_per_second']:8.1f} records/s, "
        f"peak RSS: crawling process {row['crawler_peak_rss_mb']:.0f} MB, tree {row['peak_rss_mb']:.0f} MB "
        f"({row['file']['records']} records)"  # type: ignore[index]
    )


if __name__ == "__main__":
    main()
