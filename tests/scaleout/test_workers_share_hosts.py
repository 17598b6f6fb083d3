"""Several `newswatch run` processes on one PostgreSQL store divide the work by host.

Twelve loopback sites of 25 articles each; each site's server counts requests per URL and the
most it answered at once. Each worker's downloads can keep two hosts busy
(concurrent_requests 4, 2 per host), so the three of them must take turns at the hosts.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.support import REPO
from tests.support.cli import child_env, cli_command, write_config
from tests.support.database import query
from tests.support.host_farm import FEED_PATH, FeedGate, HostFarm

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

HOSTS, ARTICLES, WORKERS = 12, 25, 3
CRAWL = {"concurrent_requests": 4, "concurrent_requests_per_host": 2, "host_lease": "1m"}


def start_workers(config: Path, count: int) -> list[subprocess.Popen[str]]:
    return [
        subprocess.Popen(
            cli_command(config, "run"),
            cwd=REPO,
            env=child_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(count)
    ]


def test_three_workers_request_and_store_every_article_once_within_per_host_limits(
    tmp_path: Path, postgres_url: str
):
    with HostFarm(hosts=HOSTS, articles=ARTICLES, latency=0.05) as farm:
        # The first six feed requests wait for each other: with two hosts per worker, six feeds
        # in flight at once means all three workers hold hosts at the same moment.
        gate = FeedGate(2 * WORKERS, timeout=120)
        for site in farm.sites:
            site.feed_gate = gate
        config = write_config(tmp_path, postgres_url, farm.feeds(), crawl=CRAWL)

        workers = start_workers(config, WORKERS)
        outputs = [worker.communicate(timeout=600) for worker in workers]

        for worker, (_stdout, stderr) in zip(workers, outputs, strict=True):
            assert worker.returncode == 0, stderr[-3000:]
        assert gate.released, "the workers never held six hosts at once"
        hits = farm.article_hits()
        assert sorted(hits) == sorted(farm.all_article_urls())
        assert set(hits.values()) == {1}, {url: n for url, n in hits.items() if n != 1}
        assert all(site.hits[FEED_PATH] == 1 for site in farm.sites), [s.hits[FEED_PATH] for s in farm.sites]
        assert max(farm.most_in_flight().values()) <= CRAWL["concurrent_requests_per_host"], (
            farm.most_in_flight()
        )

    stored = query(postgres_url, "SELECT canonical_url FROM articles")
    assert len(stored) == HOSTS * ARTICLES == len(set(stored))
    assert query(postgres_url, "SELECT count(*) FROM urls WHERE status = 'pending'") == [(0,)]
    taken = query(postgres_url, "SELECT worker, hosts_taken FROM runs ORDER BY id")
    assert len(taken) == WORKERS and all(count > 0 for _, count in taken)
    assert sum(count for _, count in taken) >= HOSTS
    assert query(postgres_url, "SELECT count(*) FROM hosts WHERE lease_owner IS NOT NULL") == [(0,)]
    assert all("hosts taken" in stdout for stdout, _ in outputs)
