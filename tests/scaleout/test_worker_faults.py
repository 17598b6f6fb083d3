"""Workers that die, lose the database, or start together on an empty one, on a shared store."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import threading
import uuid
from pathlib import Path

import psycopg
import pytest

from crawler.core.clock import utcnow
from crawler.store import migrate
from tests.conftest import POSTGRES_ADMIN_URL
from tests.support import REPO
from tests.support.cli import child_env, cli_command, newswatch, write_config
from tests.support.database import query
from tests.support.host_farm import HostFarm
from tests.support.waiting import wait_for

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
LOGS: dict[int, Path] = {}

# Two hosts per worker; a short lease so that a dead worker's hosts come free within the test;
# held answers must not time out (a retry would be a second request the test did not cause).
CRAWL = {
    "concurrent_requests": 4,
    "concurrent_requests_per_host": 2,
    "host_lease": "6s",
    "download_timeout": "5m",
}


def start(config: Path, *args: str) -> subprocess.Popen[bytes]:
    """The CLI in a session of its own (SIGKILL to the group takes a daemon and its cycle, as a
    power cut would), its output in a file (a daemon's log would fill a pipe nobody reads yet)."""
    log = config.parent / f"{args[0]}-{uuid.uuid4().hex[:8]}.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            cli_command(config, *args),
            cwd=REPO,
            env=child_env(),
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    LOGS[process.pid] = log
    return process


def leases_still_valid(postgres_url: str) -> list[str]:
    """Hosts whose lease has not expired by the code's clock (leases are written from it, and a
    suite run under NEWSWATCH_CLOCK_OFFSET moves it away from the server's now())."""
    now = utcnow()
    rows = query(postgres_url, "SELECT host, lease_expires_at FROM hosts WHERE lease_expires_at IS NOT NULL")
    return [host for host, expires in rows if expires > now]


def output_of(process: subprocess.Popen[bytes]) -> str:
    return LOGS[process.pid].read_text()


def worker_name(process: subprocess.Popen[bytes]) -> str:
    return f"{socket.gethostname()}:{process.pid}"


def leased_hosts(database: str, worker: str) -> set[str]:
    try:
        rows = query(database, f"SELECT host FROM hosts WHERE lease_owner = '{worker}'")
    except Exception:  # the schema is not there yet
        return set()
    return {host for (host,) in rows}


def stored_count(database: str) -> int:
    try:
        return query(database, "SELECT count(*) FROM articles")[0][0]
    except Exception:
        return 0


def unsettled(database: str, farm: HostFarm, hosts: set[str]) -> set[str]:
    """Articles of these hosts requested but not stored yet: a worker lost now had them in flight."""
    stored = {url for (url,) in query(database, "SELECT url FROM articles")}
    return {
        url
        for site in farm.sites
        if site.address in hosts
        for url in farm.article_hits()
        if url.startswith(site.base)
    } - stored


def assert_each_article_stored_once(database: str, farm: HostFarm) -> None:
    stored = [url for (url,) in query(database, "SELECT url FROM articles")]
    assert sorted(stored) == sorted(farm.all_article_urls())


def test_killed_daemon_loses_nothing_the_survivor_takes_its_hosts_after_the_lease(
    tmp_path: Path, postgres_url: str
):
    with HostFarm(hosts=4, articles=12) as farm:
        for site in farm.sites:
            site.stall_after, site.hold = 4, threading.Event()
        config = write_config(tmp_path, postgres_url, farm.feeds(), crawl=CRAWL | {"cycle_time_limit": "5m"})
        _set_daemon(config, tick="5s")
        doomed, survivor = start(config, "daemon"), start(config, "daemon")
        try:
            # In the middle of their hosts: each holds two, four articles of each answered, the
            # next ones held on the wire.
            wait_for(
                lambda: (
                    len(leased_hosts(postgres_url, worker_name(doomed))) == 2
                    and len(leased_hosts(postgres_url, worker_name(survivor))) == 2
                    and all(site.stalled() for site in farm.sites)
                ),
                timeout=240,
                what="both daemons in the middle of two hosts each",
            )
            orphaned = leased_hosts(postgres_url, worker_name(doomed))
            os.killpg(doomed.pid, signal.SIGKILL)
            in_flight = unsettled(postgres_url, farm, orphaned)
            doomed.wait(30)
            for site in farm.sites:
                site.hold.set()
            wait_for(lambda: stored_count(postgres_url) >= 48, timeout=240, what="every article stored")
        finally:
            for process in (doomed, survivor):
                if process.poll() is None:
                    os.killpg(process.pid, signal.SIGTERM)
            survivor.wait(120)
        assert survivor.returncode == 0, output_of(survivor)[-3000:]
        assert_each_article_stored_once(postgres_url, farm)
        hits = farm.article_hits()
        repeated = sorted(url for url, count in hits.items() if count > 1)
        # Only what the dead worker had in flight is asked for again, and only once more.
        assert set(repeated) <= set(in_flight) and max(hits.values()) <= 2, (repeated, in_flight)
    taken = query(postgres_url, f"SELECT sum(hosts_taken) FROM runs WHERE worker = '{worker_name(survivor)}'")
    assert taken[0][0] >= 4  # its own two, then the dead worker's two


def test_worker_that_loses_the_database_gives_up_and_the_next_cycle_finishes(
    tmp_path: Path, postgres_url: str
):
    database = postgres_url.rsplit("/", 1)[1]
    with HostFarm(hosts=2, articles=10) as farm:
        for site in farm.sites:
            site.stall_after, site.hold = 3, threading.Event()
        config = write_config(tmp_path, postgres_url, farm.feeds(), crawl=CRAWL)
        worker = start(config, "run")
        wait_for(
            lambda: stored_count(postgres_url) >= 2 and all(site.stalled() for site in farm.sites),
            timeout=240,
            what="the worker in the middle of both hosts",
        )
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS false')
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (database,)
            )
            for site in farm.sites:
                site.hold.set()
            worker.wait(180)
            admin.execute(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS true')
        output = output_of(worker)
        assert worker.returncode == 3, output[-3000:]
        assert output.strip().splitlines()[-1].startswith("newswatch: the store became unavailable")
        # What it had requested without storing: only these may be requested again.
        in_flight = unsettled(postgres_url, farm, {site.address for site in farm.sites})
        assert len(in_flight) < 20

        # Its leases could not be given back; they expire, and the next cycle takes the hosts.
        wait_for(
            lambda: not leases_still_valid(postgres_url),
            timeout=60,
            what="the lost worker's leases to expire",
        )
        result = newswatch("run", config=config, timeout=300)
        assert result.returncode == 0, result.stderr[-3000:]
        assert_each_article_stored_once(postgres_url, farm)
        hits = farm.article_hits()
        assert {url for url, count in hits.items() if count > 1} <= set(in_flight)
        assert max(hits.values()) <= 2


def test_two_workers_starting_on_an_empty_database_one_migrates_both_work(tmp_path: Path, postgres_url: str):
    with HostFarm(hosts=4, articles=5) as farm:
        config = write_config(tmp_path, postgres_url, farm.feeds(), crawl=CRAWL)
        workers = [start(config, "run") for _ in range(2)]
        for worker in workers:
            worker.wait(300)
            assert worker.returncode == 0, output_of(worker)[-3000:]
        assert set(farm.article_hits().values()) == {1}
    assert query(postgres_url, "SELECT version_num FROM alembic_version") == [(migrate.HEAD_REVISION,)]
    assert_each_article_stored_once(postgres_url, farm)


def test_an_article_listed_on_another_host_is_fetched_by_whoever_holds_that_host(
    tmp_path: Path, postgres_url: str
):
    with HostFarm(hosts=3, articles=4) as farm:
        aggregator, publisher, feedless = farm.sites
        aggregator.foreign_links = [publisher.base + "/a/0.html", feedless.base + "/a/1.html"]
        # Only the aggregator and the publisher have feeds; the third host is reached only
        # through the aggregator's link, as pending work for whoever takes that host.
        config = write_config(
            tmp_path, postgres_url, farm.feeds([0, 1]), crawl=CRAWL | {"concurrent_requests": 2}
        )
        result = newswatch("run", config=config, timeout=300)
        assert result.returncode == 0, result.stderr[-3000:]
        hits = farm.article_hits()
        assert set(hits.values()) == {1}
        assert feedless.base + "/a/1.html" in hits
    stored = {url: source for url, source in query(postgres_url, "SELECT url, source FROM articles")}
    assert stored[feedless.base + "/a/1.html"] == "site-0"  # found by the aggregator's feed
    assert len(stored) == 4 + 4 + 1


def _set_daemon(config: Path, tick: str) -> None:
    import yaml

    document = yaml.safe_load(config.read_text())
    document["daemon"] = {"tick": tick, "metrics_port": 0, "stop_grace": "20s"}
    config.write_text(yaml.safe_dump(document, sort_keys=False))


def test_a_host_that_asked_to_wait_is_left_alone_by_every_worker_until_then(
    tmp_path: Path, postgres_url: str
):
    with HostFarm(hosts=2, articles=5) as farm:
        limited, other = farm.sites
        assert other.retry_after is None
        limited.retry_after = 3600
        config = write_config(tmp_path, postgres_url, farm.feeds(), crawl=CRAWL)
        first = newswatch("run", config=config, timeout=300)
        assert first.returncode == 0, first.stderr[-3000:]
        asked_once = limited.requested()
        assert asked_once >= 1
        assert query(
            postgres_url, f"SELECT count(*) FROM urls WHERE status = 'pending' AND host = '{limited.address}'"
        ) == [(5,)]

        # Another worker (another process) does not touch the host while the pause lasts.
        second = newswatch("run", "--feed", "site-0", config=config, timeout=300)
        assert second.returncode == 0, second.stderr[-3000:]
        assert limited.requested() == asked_once
        status = newswatch("feeds", "status", config=config)
        assert "host asked to wait" in status.stdout
    # Written from the code's clock (which a suite run under NEWSWATCH_CLOCK_OFFSET moves), so
    # measured from it, not from the server's now().
    [(until,)] = query(postgres_url, f"SELECT backoff_until FROM hosts WHERE host = '{limited.address}'")
    assert 3000 < (until - utcnow()).total_seconds() <= 3600
    assert len(query(postgres_url, "SELECT id FROM articles")) == 5  # the other host's articles
