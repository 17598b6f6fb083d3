"""Alerts from real cycles: sent once across cycles, and neither lost nor repeated when a cycle is
killed (SIGKILL) after storing a story and before sending its alert; `alerts status` and `alerts test`."""

from __future__ import annotations

import signal
import subprocess
from pathlib import Path

import yaml

from tests.support import REPO
from tests.support.cli import cli_command, newswatch, write_config
from tests.support.database import query_when_ready
from tests.support.mockserver import MockServer, Page, never_answer
from tests.support.pages import Story, article_html
from tests.support.receivers import SmtpReceiver, WebhookReceiver
from tests.support.stories import DEPORTATION, HOCKEY, RAID, publish
from tests.support.waiting import wait_for

SLOW = Story(
    path="/news/slow-page",
    title="Hearing set in detention case",
    author="Ana Ruiz",
    published=RAID.published,
    paragraphs=DEPORTATION.paragraphs,
)


def alerting_config(tmp_path: Path, server: MockServer, *targets: str) -> Path:
    config = write_config(
        tmp_path,
        f"sqlite:///{tmp_path / 'data' / 'newswatch.db'}",
        [{"name": "valley", "url": server.url("/feed.xml")}],
        crawl={"download_timeout": "60s"},
    )
    document = yaml.safe_load(config.read_text())
    document["alerts"] = [{"name": "mississippi", "notify": list(targets), "states": ["MS"]}]
    config.write_text(yaml.safe_dump(document, sort_keys=False))
    return config


def relevant_stored(database: Path) -> int:
    rows = query_when_ready(database, "SELECT count(*) FROM articles WHERE relevant")
    return int(rows[0][0]) if rows else 0


def test_killed_after_storing_then_two_cycles_alert_exactly_once(tmp_path: Path, server: MockServer):
    publish(server, [RAID, DEPORTATION, HOCKEY], extra_links=[(SLOW.title, server.url(SLOW.path))])
    server.serve(SLOW.path, never_answer())  # holds the first cycle open after the raid is stored
    with WebhookReceiver() as webhook, SmtpReceiver() as smtp:
        config = alerting_config(tmp_path, server, webhook.url, smtp.url)
        database = tmp_path / "data" / "newswatch.db"
        killed = subprocess.Popen(
            cli_command(config, "run"), cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        try:
            wait_for(
                lambda: relevant_stored(database) >= 2,
                120,
                "the first cycle to store the relevant stories",
            )
        finally:
            killed.send_signal(signal.SIGKILL)
            killed.communicate(timeout=30)
        assert webhook.received == [] and smtp.subjects == []  # stored, not sent

        server.serve(SLOW.path, Page(article_html(SLOW)))
        for _ in range(2):
            result = newswatch("run", config=config)
            assert result.returncode == 0, result.stdout + result.stderr

        assert webhook.titles == [f"newswatch mississippi: {RAID.title}"]
        assert smtp.subjects == [f"newswatch mississippi: {RAID.title}"]
        status = newswatch("alerts", "status", config=config)
        assert status.returncode == 0, status.stderr
        assert "mississippi" in status.stdout and "json://127.0.0.1" in status.stdout


def test_alerts_test_sends_a_sample_and_reports_a_refusing_target(tmp_path: Path, server: MockServer):
    publish(server, [HOCKEY])
    with WebhookReceiver() as webhook:
        refusing = "json://analyst:hunter2secret@127.0.0.1:9/hook"  # nothing listens on port 9
        config = alerting_config(tmp_path, server, webhook.url, refusing)
        result = newswatch("alerts", "test", "mississippi", config=config)
        assert result.returncode == 1
        assert webhook.titles == ["newswatch mississippi: test"]
        assert "sent" in result.stdout and "failed" in result.stdout
        assert "hunter2secret" not in result.stdout + result.stderr
        unknown = newswatch("alerts", "test", "nowhere", config=config)
        assert unknown.returncode == 2 and "no alert named 'nowhere'" in unknown.stderr
