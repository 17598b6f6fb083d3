"""Alerts through Apprise to a local webhook receiver and a local SMTP server, on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import yaml

from crawler.alerts.delivery import deliver_alerts
from crawler.alerts.digest_schedule import latest_digest_moment
from crawler.alerts.sender import send
from crawler.core.config import AlertConfig, load_config
from crawler.core.errors import ConfigError
from crawler.store import Store
from tests.support.dates import ago
from tests.support.receivers import SmtpReceiver, WebhookReceiver
from tests.support.records import record

RAID = "Agents carried out a workplace raid at a poultry plant in Canton; 40 workers were detained."
MS_RAID = {"states": ["MS"], "agencies": ["ICE"], "actions": ["raid"], "cities": ["Canton, MS"]}


@pytest.fixture
def store(database_url: str):
    opened = Store.open(database_url)
    yield opened
    opened.close()


@pytest.fixture
def webhook():
    with WebhookReceiver() as receiver:
        yield receiver


@pytest.fixture
def smtp():
    with SmtpReceiver() as receiver:
        yield receiver


def save(store: Store, slug: str, body: str = RAID, seen: datetime | None = None, **changes) -> int:
    changes.setdefault("content_hash", hashlib.sha256(body.encode()).hexdigest())
    changes.setdefault("signals", MS_RAID)
    changes.setdefault("title", f"Raid story {slug}")
    moment = seen or ago(minutes=30)
    outcome = store.save_article(
        record(f"https://{slug}.example/story", body, site=f"{slug}.example", fetched_at=moment, **changes)
    )
    assert outcome.article_id is not None
    return outcome.article_id


def rule(*targets: str, **filters) -> AlertConfig:
    return AlertConfig(name="mississippi-raids", notify=list(targets), **filters)


def test_a_new_matching_story_is_sent_once_to_each_target(store: Store, webhook, smtp):
    rules = [rule(webhook.url, smtp.url, states=["MS"], agencies=["ICE"], actions=["raid"])]
    deliver_alerts(rules, store, ago(hours=2), send)  # the rule is first seen before the story
    save(store, "first")
    first = deliver_alerts(rules, store, ago(), send)
    second = deliver_alerts(rules, store, ago(), send)
    assert (first.sent, second.sent, second.queued) == (2, 0, 0)
    assert webhook.titles == ["newswatch mississippi-raids: Raid story first"]
    assert smtp.subjects == ["newswatch mississippi-raids: Raid story first"]
    message = webhook.received[0]["message"]
    assert "https://first.example/story" in message
    assert "states: MS" in message and "agencies: ICE" in message and "poultry plant" in message


def test_the_backlog_before_a_rule_existed_is_not_sent(store: Store, webhook):
    save(store, "old", seen=ago(hours=3))
    deliver_alerts([rule(webhook.url)], store, ago(hours=1), send)
    assert webhook.received == []


def test_a_copy_of_an_alerted_story_is_not_sent_again(store: Store, webhook):
    rules = [rule(webhook.url, states=["MS"])]
    deliver_alerts(rules, store, ago(hours=2), send)
    save(store, "wire", seen=ago(minutes=50))
    deliver_alerts(rules, store, ago(minutes=40), send)
    save(store, "copy", seen=ago(minutes=30))  # the same text on another outlet: linked to the first
    deliver_alerts(rules, store, ago(), send)
    assert webhook.titles == ["newswatch mississippi-raids: Raid story wire"]


def test_filters_and_terms_must_all_match(store: Store, webhook):
    rules = [rule(webhook.url, states=["MS"], terms=['"workplace raid"', "sweep"])]
    deliver_alerts(rules, store, ago(hours=2), send)
    save(store, "match")
    save(store, "texas", body=RAID.replace("Canton", "El Paso"), signals={"states": ["TX"]})
    save(store, "words", body="Agents raided a workplace in Canton.", signals={"states": ["MS"]})
    save(store, "off", body=RAID + " Off topic.", relevant=False, relevance=0.2)
    deliver_alerts(rules, store, ago(), send)
    assert webhook.titles == ["newswatch mississippi-raids: Raid story match"]


def test_min_relevance_replaces_the_topics_threshold(store: Store, webhook):
    rules = [rule(webhook.url, min_relevance=0.1)]
    deliver_alerts(rules, store, ago(hours=2), send)
    save(store, "low", relevant=False, relevance=0.2)
    deliver_alerts(rules, store, ago(), send)
    assert webhook.titles == ["newswatch mississippi-raids: Raid story low"]


def test_a_failing_target_is_retried_without_repeating_the_others(store: Store, webhook, smtp):
    rules = [rule(webhook.url, smtp.url)]
    deliver_alerts(rules, store, ago(hours=2), send)
    save(store, "story")
    webhook.failing = True
    failed_round = deliver_alerts(rules, store, ago(minutes=10), send)
    assert (failed_round.sent, failed_round.failed) == (1, 1)
    [status_row] = [row for row in store.alert_status() if row["failed"]]
    assert status_row["last_error"]
    webhook.failing = False
    retry = deliver_alerts(rules, store, ago(), send)
    deliver_alerts(rules, store, ago(), send)
    assert (retry.sent, retry.failed) == (1, 0)
    assert len(webhook.received) == 1 and len(smtp.subjects) == 1
    assert webhook.refused == 1


def test_a_digest_sends_one_summary_at_its_time(store: Store, webhook):
    now = ago()
    moment = latest_digest_moment("08:00", now)  # today's 08:00 if it has passed, else yesterday's
    rules = [rule(webhook.url, digest="08:00")]
    deliver_alerts(rules, store, moment - timedelta(hours=3), send)
    save(store, "one", seen=moment - timedelta(hours=2))
    save(store, "two", body=RAID + " More.", seen=moment - timedelta(hours=2))
    save(store, "copy", body=RAID + " More.", seen=moment - timedelta(hours=2), title="Copy")
    before = deliver_alerts(rules, store, moment - timedelta(hours=1), send)
    assert (before.queued, before.sent, webhook.received) == (2, 0, [])
    deliver_alerts(rules, store, moment + timedelta(minutes=1), send)
    deliver_alerts(rules, store, moment + timedelta(minutes=2), send)
    assert webhook.titles == ["newswatch mississippi-raids: 2 new stories"]
    assert "also ran in 1 other outlet" in webhook.received[0]["message"]


def test_secrets_in_a_target_are_never_logged_or_stored(store: Store, caplog):
    caplog.set_level(logging.DEBUG)
    secret_url = "json://analyst:hunter2secret@127.0.0.1:9/hook"  # nothing listens on port 9
    rules = [rule(secret_url)]
    deliver_alerts(rules, store, ago(hours=2), send)
    save(store, "story")
    outcome = deliver_alerts(rules, store, ago(), send)
    assert outcome.failed == 1
    shown = " ".join(outcome.failures) + caplog.text + repr(store.alert_status())
    assert "hunter2secret" not in shown


def write_alerts(tmp_path: Path, alerts: list[dict]) -> Path:
    path = tmp_path / "newswatch.yaml"
    document = {"feeds": [{"name": "one", "url": "https://example.org/feed.xml"}], "alerts": alerts}
    path.write_text(yaml.safe_dump(document))
    return path


@pytest.mark.parametrize(
    ("alert", "words"),
    [
        ({"name": "x", "notify": ["bogus://host/path"]}, ["alerts[0] (name=x).notify", "unknown", "'bogus'"]),
        ({"name": "x", "notify": []}, ["alerts[0] (name=x).notify"]),
        ({"name": "x", "notify": ["json://h/p"], "digest": "8am"}, ["digest", "time of day"]),
        ({"name": "x", "notify": ["json://h/p"], "terms": ['"open']}, ["terms", "quote"]),
        ({"name": "x", "notify": ["json://h/p"], "colour": "red"}, ["colour", "unknown key"]),
    ],
)
def test_a_bad_rule_is_a_configuration_error_naming_it(tmp_path: Path, alert: dict, words: list[str]):
    with pytest.raises(ConfigError) as raised:
        load_config(write_alerts(tmp_path, [alert]))
    for word in words:
        assert word in str(raised.value)


def test_a_configuration_error_never_shows_a_targets_secret(tmp_path: Path):
    path = write_alerts(tmp_path, [{"name": "x", "notify": ["bogus://user:hunter2secret@host/"]}])
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    assert "hunter2secret" not in str(raised.value)


def test_an_unquoted_digest_time_is_read_as_the_time_it_looks_like(tmp_path: Path):
    path = tmp_path / "newswatch.yaml"
    path.write_text(
        "feeds: [{name: one, url: 'https://example.org/feed.xml'}]\n"
        "alerts: [{name: x, notify: ['json://h/p'], digest: 08:00}]\n"
    )
    assert load_config(path).alerts[0].digest == "08:00"
