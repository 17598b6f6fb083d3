"""Backfill throughput and memory: a large WARC through `newswatch backfill` vs the bare reader.

    .venv/bin/python bench/backfill.py [--megabytes 500] [--watched-share 0.02] [--any-site-megabytes 40]

Builds a gzip-per-record WARC (the CC-NEWS layout) of about `--megabytes` of HTML records,
repeating the NAEB pages of the shared corpus under many hosts, with `--watched-share` of the
records on the one watched site; then measures, each on the same file:

* the bare reader: warcio's ArchiveIterator reading every record's payload, nothing else;
* newswatch's reader alone (`crawler.sources.warc.ArchiveReader`) with the host filter on;
* `newswatch backfill --warc FILE --site HOST` end to end (the host filter on), wall time,
  records per second and peak RSS of the whole process tree (crawler plus extraction workers);
* `--any-site` (every page extracted and judged by the topic) on a smaller file, since it runs
  at the extraction pool's speed rather than the reader's.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import subprocess
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import psutil  # noqa: E402

from bench.throughput import PeakMemory  # noqa: E402
from crawler.core.clock import utcnow  # noqa: E402
from crawler.sources.warc import ArchiveReader  # noqa: E402
from tests.support.cli import cli_command, write_config  # noqa: E402
from tests.support.warcs import Archived, warc_bytes  # noqa: E402

NAEB = REPO.parent / "shared" / "corpus" / "extraction" / "naeb" / "html"
WATCHED = "watched.example.org"


def build_warc(path: Path, megabytes: float, watched_share: float, seed: int = 7) -> dict[str, int]:
    pages = [gzip.decompress(p.read_bytes()) for p in sorted(NAEB.glob("*.html.gz"))]
    if not pages:
        raise SystemExit(f"{NAEB} is absent: the bench needs the shared corpus")
    rng = random.Random(seed)
    captured = utcnow() - timedelta(days=400)
    written = records = watched = 0
    with path.open("wb") as out:
        while written < megabytes * 1e6:
            batch = []
            for _ in range(50):
                body = rng.choice(pages)
                on_watched = rng.random() < watched_share
                host = WATCHED if on_watched else f"outlet-{rng.randrange(2000)}.example.com"
                batch.append(
                    Archived(f"https://{host}/story/{records}-{rng.randrange(10**9)}", body, captured)
                )
                written += len(body)
                records += 1
                watched += on_watched
            out.write(warc_bytes(batch))
    return {"records": records, "watched": watched, "html_bytes": written, "file_bytes": path.stat().st_size}


def bare_reader(path: Path) -> float:
    from warcio.archiveiterator import ArchiveIterator

    started = time.perf_counter()
    with path.open("rb") as stream:
        for record in ArchiveIterator(stream):
            if record.rec_type == "response":
                record.content_stream().read()
    return time.perf_counter() - started


def filtered_reader(path: Path) -> float:
    started = time.perf_counter()
    reader = ArchiveReader(lambda offset: path.open("rb"), wanted_host=lambda host: host == WATCHED)
    for _event in reader:
        pass
    return time.perf_counter() - started


def backfill(path: Path, workdir: Path, *extra: str) -> dict[str, float]:
    config = write_config(
        workdir, f"sqlite:///{workdir / 'bench.db'}", [{"name": "w", "url": f"https://{WATCHED}/feed"}]
    )
    started = time.perf_counter()
    child = subprocess.Popen(
        cli_command(config, "backfill", "--warc", str(path), *extra),
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    memory = PeakMemory(child.pid)
    reader = ProcessPeak(child.pid)
    _stdout, stderr = child.communicate()
    seconds = time.perf_counter() - started
    peak = memory.stop()
    if child.returncode != 0:
        raise SystemExit(f"backfill failed ({child.returncode}):\n{stderr[-3000:]}")
    return {"seconds": seconds, "peak_rss_mb": peak / 1e6, "crawler_peak_rss_mb": reader.stop() / 1e6}


class ProcessPeak:
    """Peak RSS of the crawling process alone (it reads the archive; the workers only extract)."""

    def __init__(self, pid: int) -> None:
        self.process = psutil.Process(pid)
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._stop.is_set():
            try:
                self.peak = max(self.peak, self.process.memory_info().rss)
            except psutil.Error:
                return
            time.sleep(0.25)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=float, default=500)
    parser.add_argument("--watched-share", type=float, default=0.02)
    parser.add_argument("--any-site-megabytes", type=float, default=40)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    report: dict[str, object] = {}
    with tempfile.TemporaryDirectory(prefix="nw-backfill-bench-") as tmp:
        folder = Path(tmp)
        warc = folder / "big.warc.gz"
        report["file"] = built = build_warc(warc, args.megabytes, args.watched_share)
        records = built["records"]
        bare = bare_reader(warc)
        filtered = filtered_reader(warc)
        (folder / "filtered").mkdir()
        end_to_end = backfill(warc, folder / "filtered", "--site", WATCHED)
        report["bare_reader"] = {"seconds": bare, "records_per_second": records / bare}
        report["reader_host_filter"] = {"seconds": filtered, "records_per_second": records / filtered}
        report["backfill_host_filter"] = {
            **end_to_end,
            "records_per_second": records / end_to_end["seconds"],
            "vs_bare_reader": end_to_end["seconds"] / bare,
            "seconds_per_file_gb": end_to_end["seconds"] / (built["file_bytes"] / 1e9),
        }
        small = folder / "small.warc.gz"
        small_built = build_warc(small, args.any_site_megabytes, args.watched_share, seed=8)
        (folder / "any").mkdir()
        any_site = backfill(small, folder / "any", "--any-site")
        report["backfill_any_site"] = {
            **any_site,
            "file": small_built,
            "records_per_second": small_built["records"] / any_site["seconds"],
        }
    if args.json:
        print(json.dumps(report, indent=2))
        return
    f = report["file"]
    assert isinstance(f, dict)
    print(
        f"WARC: {f['records']} records, {f['html_bytes'] / 1e6:.0f} MB of HTML, "
        f"{f['file_bytes'] / 1e6:.0f} MB gzip, {f['watched']} on the watched site"
    )
    for key in ("bare_reader", "reader_host_filter", "backfill_host_filter"):
        row = report[key]
        assert isinstance(row, dict)
        extra = ""
        if "peak_rss_mb" in row:
            extra = (
                f", peak RSS {row['peak_rss_mb']:.0f} MB, {row['vs_bare_reader']:.2f}x the bare reader's time"
            )
        print(f"{key:22} {row['seconds']:7.1f} s  {row['records_per_second']:8.0f} records/s{extra}")
    row = report["backfill_any_site"]
    assert isinstance(row, dict)
    print(
        f"{'backfill_any_site':22} {row['seconds']:7.1f} s  {row['records_per_second']:8.1f} records/s, "
        f"peak RSS {row['peak_rss_mb']:.0f} MB ({row['file']['records']} records)"
    )


if __name__ == "__main__":
    main()
