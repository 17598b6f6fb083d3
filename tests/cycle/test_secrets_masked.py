"""Passwords in the configuration (storage.url's, a feed URL's) never appear in anything newswatch
prints, logs, serves or records as an error: every output of a cycle, of the daemon and its
metrics, and of each command is searched for them."""

from __future__ import annotations

import base64
import signal
import urllib.request
from pathlib import Path

import pytest

from tests.support.cli import newswatch, running_daemon, write_config
from tests.support.database import query
from tests.support.mockserver import MockServer
from tests.support.receivers import free_port
from tests.support.stories import DEPORTATION, RAID, publish
from tests.support.waiting import wait_for

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

STORE_PASSWORD = "store-pw-Zq81x"  # trust auth on the local server ignores it
FEED_PASSWORD = "feed-pw-Kd52m"
SECRETS = (STORE_PASSWORD, FEED_PASSWORD)


def with_password(url: str, user: str, password: str) -> str:
    scheme, rest = url.split("://", 1)
    host = rest.split("@", 1)[-1]
    return f"{scheme}://{user}:{password}@{host}"


def assert_no_secret(what: str, text: str) -> None:
    for secret in SECRETS:
        assert secret not in text, f"{what} shows a password:\n{text}"


@pytest.fixture
def secret_config(server: MockServer, tmp_path: Path, postgres_url: str) -> Path:
    publish(server, [RAID, DEPORTATION])
    feeds = [
        {"name": "valley", "url": with_password(server.url("/feed.xml"), "reader", FEED_PASSWORD)},
        # fails (404): its URL goes into the failure records, the summary and feeds status
        {"name": "gone", "url": with_password(server.url("/missing.xml"), "reader", FEED_PASSWORD)},
    ]
    return write_config(tmp_path, with_password(postgres_url, "postgres", STORE_PASSWORD), feeds)


def test_no_output_of_a_cycle_or_a_command_shows_a_password(
    secret_config: Path, tmp_path: Path, server: MockServer
):
    cycle = newswatch("run", "--verbose", config=secret_config)
    assert cycle.returncode == 0, cycle.stderr
    # The feed's credentials went as a header, not in the URL (Scrapy cannot fetch that).
    expected = "Basic " + base64.b64encode(f"reader:{FEED_PASSWORD}".encode()).decode()
    assert [hit.headers.get("Authorization") for hit in server.requests_to("/feed.xml")] == [expected]
    assert_no_secret("run --verbose", cycle.stdout + cycle.stderr)
    assert "Crawled" in cycle.stderr  # the debug log did run: it has the requests in it
    assert "http-4xx" in cycle.stdout  # the failing feed is in the summary

    for command in (
        ["feeds", "list"],
        ["feeds", "status"],
        ["export"],
        ["export", "--format", "csv"],
        ["search", "raid"],
        ["stories"],
        ["report"],
        ["article", "1"],
        ["check"],
        ["backup", str(tmp_path / "copy.db")],
    ):
        result = newswatch(*command, config=secret_config)
        assert_no_secret(" ".join(command), result.stdout + result.stderr)
    status = newswatch("feeds", "status", config=secret_config)
    assert "http-4xx" in status.stdout
    listed = newswatch("feeds", "list", config=secret_config)
    assert "reader:***@" in listed.stdout  # the URL is shown, its password is not


def test_failure_records_in_the_store_hold_no_password(secret_config: Path, postgres_url: str):
    assert newswatch("run", config=secret_config).returncode == 0

    recorded = query(postgres_url, "SELECT url, coalesce(detail, '') FROM failures")
    recorded += query(postgres_url, "SELECT coalesce(last_error_detail, ''), '' FROM feeds")
    recorded += query(postgres_url, "SELECT coalesce(detail, ''), '' FROM urls")
    assert recorded
    assert_no_secret("the failure records", repr(recorded))


def test_the_daemon_log_and_its_metrics_show_no_password(
    secret_config: Path, tmp_path: Path, postgres_url: str
):
    port = free_port()
    secret_config.write_text(
        secret_config.read_text() + f"daemon:\n  tick: 2s\n  stop_grace: 5s\n  metrics_port: {port}\n"
    )
    log = tmp_path / "daemon.log"
    with running_daemon(secret_config, log) as daemon:
        wait_for(lambda: _finished_cycles(postgres_url), 120, "a cycle to finish")
        metrics = wait_for(lambda: _scrape(port, "newswatch_cycles_total"), 60, "the metrics endpoint")
        daemon.send_signal(signal.SIGTERM)
        assert daemon.wait(timeout=60) == 0
    assert_no_secret("the metrics", metrics)
    assert_no_secret("the daemon log", log.read_text())


def test_configuration_errors_show_no_password(tmp_path: Path):
    cases = [
        {"storage": {"url": f"postgresql://u:{STORE_PASSWORD}@127.0.0.1:notaport/db"}},
        {"feeds": [{"name": "a", "url": f"ftp://u:{FEED_PASSWORD}@example.org/feed"}]},
        {"storage": {"url": f"postgresql://u:{STORE_PASSWORD}@127.0.0.1:1/db"}},  # unreachable: exit 3
    ]
    for index, change in enumerate(cases):
        folder = tmp_path / str(index)
        folder.mkdir()
        config = write_config(folder, "sqlite:///x.db", [{"name": "a", "url": "https://example.org/f"}])
        import yaml

        document = yaml.safe_load(config.read_text())
        document.update(change)
        config.write_text(yaml.safe_dump(document))
        result = newswatch("run", config=config)
        assert result.returncode in (2, 3), result.stderr
        assert_no_secret(f"the error for {change}", result.stdout + result.stderr)
        assert "***" in result.stderr


def _finished_cycles(database_url: str) -> list[tuple]:
    try:
        return query(database_url, "SELECT id FROM runs WHERE status != 'running'")
    except Exception:  # no tables before the first cycle has migrated the store
        return []


def _scrape(port: int, wanted: str) -> str | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
            text = response.read().decode()
    except OSError:
        return None
    return text if wanted in text else None
