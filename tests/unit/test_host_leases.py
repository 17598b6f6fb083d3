"""Host leases in the store: disjoint claims, expiry, renewal, release, back-off; the migration
that adds them; the configuration key."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text

from crawler.core.config import load_config
from crawler.core.errors import ConfigError
from crawler.core.urls import host_of
from crawler.store import Store, migrate
from tests.support.records import NOW

HOSTS = [f"site{number}.example" for number in range(10)]
LEASE = 60.0
PREVIOUS_REVISION = "0009"  # the newest before host leases


@pytest.fixture
def shared(postgres_url: str):
    opened = Store.open(postgres_url)
    yield opened
    opened.close()


@pytest.mark.postgres
def test_claims_take_the_most_wanted_free_hosts_and_never_one_held_by_another(shared: Store):
    assert shared.claim_hosts("a", HOSTS, 3, NOW, LEASE) == HOSTS[:3]
    assert shared.claim_hosts("b", HOSTS, 3, NOW, LEASE) == HOSTS[3:6]
    # Its own valid lease a worker may take again (a daemon's next cycle).
    assert shared.claim_hosts("a", HOSTS[:2], 5, NOW, LEASE) == HOSTS[:2]
    assert shared.claim_hosts("c", HOSTS[:6], 5, NOW + timedelta(seconds=LEASE - 1), LEASE) == []


@pytest.mark.postgres
def test_an_expired_lease_goes_to_the_next_worker(shared: Store):
    shared.claim_hosts("dead", HOSTS[:2], 2, NOW, LEASE)
    later = NOW + timedelta(seconds=LEASE)
    assert shared.claim_hosts("alive", HOSTS[:2], 2, later, LEASE) == HOSTS[:2]
    assert shared.renew_leases("dead", HOSTS[:2], later, LEASE) == set()  # lost, not renewed
    leases = shared.host_leases()
    assert {leases[host].owner for host in HOSTS[:2]} == {"alive"}


@pytest.mark.postgres
def test_renewal_keeps_the_host_and_release_frees_it(shared: Store):
    shared.claim_hosts("a", HOSTS[:2], 2, NOW, LEASE)
    almost = NOW + timedelta(seconds=LEASE - 1)
    assert shared.renew_leases("a", HOSTS[:2], almost, LEASE) == set(HOSTS[:2])
    assert shared.claim_hosts("b", HOSTS[:2], 2, NOW + timedelta(seconds=LEASE + 1), LEASE) == []
    shared.release_hosts("a", [HOSTS[0]])
    assert shared.claim_hosts("b", HOSTS[:2], 2, almost, LEASE) == [HOSTS[0]]


@pytest.mark.postgres
def test_a_host_that_asked_to_wait_is_taken_by_nobody_until_then(shared: Store):
    shared.back_off_host(HOSTS[0], NOW + timedelta(hours=1), "Retry-After: 3600")
    shared.back_off_host(HOSTS[0], NOW + timedelta(minutes=5), "Retry-After: 300")  # the longer wait stands
    assert shared.claim_hosts("a", HOSTS[:2], 2, NOW, LEASE) == [HOSTS[1]]
    assert shared.host_backoff(HOSTS[0]) == NOW + timedelta(hours=1)
    assert shared.claim_hosts("a", HOSTS[:1], 1, NOW + timedelta(hours=1), LEASE) == [HOSTS[0]]


@pytest.mark.postgres
def test_workers_claiming_at_the_same_moment_get_disjoint_hosts(postgres_url: str):
    stores = [Store.open(postgres_url) for _ in range(4)]
    start = threading.Barrier(len(stores))
    taken: dict[int, list[str]] = {}

    def claim(number: int) -> None:
        start.wait()
        taken[number] = stores[number].claim_hosts(f"w{number}", HOSTS, 3, NOW, LEASE)

    threads = [threading.Thread(target=claim, args=(number,)) for number in range(len(stores))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    for store in stores:
        store.close()
    everything = [host for hosts in taken.values() for host in hosts]
    assert len(everything) == len(set(everything)) == len(HOSTS)  # 4 x 3 wanted, 10 exist


def test_a_database_at_the_previous_revision_migrates_and_its_pending_urls_get_their_host(database_url: str):
    store = Store.open(database_url)
    migrate._UPGRADED.clear()
    with store.engine.begin() as conn:
        config = migrate.alembic_config()
        config.attributes["connection"] = conn
        command.downgrade(config, PREVIOUS_REVISION)
        conn.execute(
            text(
                "INSERT INTO urls (canonical_url, url, status, attempts, first_seen, updated_at) "
                "VALUES ('https://news.example/a', 'https://www.News.example/a?x=1', 'pending', 0, "
                ":now, :now), ('https://news.example/b', 'https://news.example/b', 'stored', 1, :now, :now)"
            ),
            {"now": NOW},
        )
    store.close()
    reopened = Store.open(database_url)
    try:
        assert migrate.stored_revision(reopened.engine) == migrate.HEAD_REVISION
        with reopened.engine.connect() as conn:
            rows = dict(conn.execute(text("SELECT canonical_url, host FROM urls")).all())
        assert rows == {"https://news.example/a": "www.news.example", "https://news.example/b": None}
        assert host_of("https://www.News.example/a?x=1") == "www.news.example"
    finally:
        reopened.close()


@pytest.mark.parametrize(("value", "problem"), [("1s", "between 5s and 6h"), ("7h", "between 5s and 6h")])
def test_host_lease_out_of_range_is_refused_naming_file_and_key(tmp_path: Path, value: str, problem: str):
    path = tmp_path / "newswatch.yaml"
    path.write_text(
        f"crawl:\n  host_lease: {value}\nfeeds:\n  - name: one\n    url: https://example.org/feed\n"
    )
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert str(path) in str(caught.value) and "crawl.host_lease" in str(caught.value)
    assert problem in str(caught.value)


def test_host_lease_defaults_to_five_minutes(tmp_path: Path):
    path = tmp_path / "newswatch.yaml"
    path.write_text("feeds:\n  - name: one\n    url: https://example.org/feed\n")
    assert load_config(path).crawl.host_lease == 300


@pytest.mark.postgres
def test_an_advisory_lock_is_held_by_one_process_at_a_time(postgres_url: str):
    from crawler.store.engine import make_engine, try_advisory_lock

    first, second = make_engine(postgres_url), make_engine(postgres_url)
    try:
        with try_advisory_lock(first, 42) as alone:
            assert alone
            with try_advisory_lock(second, 42) as also:
                assert not also
        with try_advisory_lock(second, 42) as now_alone:
            assert now_alone
    finally:
        first.dispose()
        second.dispose()
