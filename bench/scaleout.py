"""Scale-out: 1, 2 and 4 `newswatch run` workers sharing one PostgreSQL store, articles per second.

    .venv/bin/python bench/scaleout.py [--hosts 64] [--articles 8] [--latency 1.0] [--workers 1 2 4]
                                       [--postgres postgresql://postgres@127.0.0.1:5432/postgres]

Serves `--hosts` news sites on loopback (127.0.0.2 onwards, one server per host, so Scrapy's
per-host slots are per site), each with a feed of `--articles` distinct articles, every response
delayed by `--latency` seconds as a distant server would be. Each worker's downloads keep
concurrent_requests / concurrent_requests_per_host = 8 / 2 = 4 hosts busy, far fewer than there
are sites, so waiting on the network, not CPU, limits one worker. For each worker count the
benchmark creates a fresh database, starts the workers together, and times from their start to
the last one's exit (process start-up included); it checks that every article was requested
exactly once and stored once, then reports articles per second and the factor over one worker.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import psycopg

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.support.cli import child_env, cli_command, write_config  # noqa: E402
from tests.support.database import query  # noqa: E402
from tests.support.host_farm import HostFarm  # noqa: E402

CRAWL = {
    "concurrent_requests": 8,
    "concurrent_requests_per_host": 2,
    "autothrottle": False,  # a fixed per-host pace: the latency is the server's, not adapted to
    "host_lease": "2m",
}


def run_workers(admin_url: str, count: int, hosts: int, articles: int, latency: float) -> dict[str, float]:
    name = f"newswatch_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    database = admin_url.rsplit("/", 1)[0] + f"/{name}"
    try:
        with tempfile.TemporaryDirectory() as folder, HostFarm(hosts, articles, latency=latency) as farm:
            config = write_config(
                Path(folder), database, farm.feeds(), crawl=CRAWL, extraction={"workers": 1}
            )
            # The schema is created before the clock starts: migrating is a one-off, not throughput.
            subprocess.run(
                cli_command(config, "feeds", "status"),
                cwd=REPO,
                env=child_env(),
                check=True,
                capture_output=True,
            )
            started = time.monotonic()
            workers = [
                subprocess.Popen(
                    cli_command(config, "run"),
                    cwd=REPO,
                    env=child_env(),
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                    text=True,
                )
                for _ in range(count)
            ]
            errors = [worker.communicate()[1] for worker in workers]
            seconds = time.monotonic() - started
            failed = [
                error[-2000:] for worker, error in zip(workers, errors, strict=True) if worker.returncode != 0
            ]
            if failed:
                raise SystemExit(f"a worker failed: {failed[0]}")
            hits = farm.article_hits()
            expected = hosts * articles
            if len(hits) != expected or set(hits.values()) != {1}:
                raise SystemExit(
                    f"{count} workers: {len(hits)} of {expected} articles requested, "
                    f"counts {set(hits.values())}"
                )
            stored = query(database, "SELECT count(DISTINCT canonical_url), count(*) FROM articles")[0]
            if stored != (expected, expected):
                raise SystemExit(f"{count} workers: stored {stored}, expected {expected} once each")
        return {
            "workers": count,
            "seconds": round(seconds, 2),
            "articles_per_second": round(expected / seconds, 2),
        }
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hosts", type=int, default=64)
    parser.add_argument("--articles", type=int, default=8)
    parser.add_argument("--latency", type=float, default=1.0)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results = [run_workers(args.postgres, n, args.hosts, args.articles, args.latency) for n in args.workers]
    base = results[0]["articles_per_second"]
    for result in results:
        result["factor"] = round(result["articles_per_second"] / base, 2)
    if args.json:
        print(json.dumps(results))
        return
    print(f"{args.hosts} hosts x {args.articles} articles, {args.latency}s server latency per request")
    for result in results:
        print(
            f"  {result['workers']} worker(s): {result['seconds']:7.1f} s  "
            f"{result['articles_per_second']:6.2f} articles/s  x{result['factor']}"
        )


if __name__ == "__main__":
    main()
