"""One round of alerts after a cycle: match new stories, queue them, send what is owed.

Each story is sent once per rule and target: immediately, or in the day's digest (the
stories matched before its time of day). A failed send stays owed and is tried again next
round, with only the targets that failed; what was sent is never sent again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from crawler.alerts.digest_schedule import latest_digest_moment
from crawler.alerts.messages import digest_message, story_message
from crawler.alerts.rules import first_moment, rule_filter, rule_terms
from crawler.core.config import AlertConfig
from crawler.core.notify_targets import target_key
from crawler.store import Store
from crawler.store.alerts_store import Delivery

Sender = Callable[[str, str, str], str | None]  # (url, title, body) -> None, or why it failed


@dataclass
class AlertRound:
    """What one round did, for the cycle's output."""

    queued: int = 0
    sent: int = 0  # messages accepted
    failed: int = 0  # messages refused (owed again next round)
    failures: list[str] = field(default_factory=list)  # "rule: reason", secrets masked


def deliver_alerts(rules: list[AlertConfig], store: Store, now: datetime, send: Sender) -> AlertRound:
    """Match, queue and send for every rule (see the module docstring)."""
    outcome = AlertRound()
    for rule in rules:
        since = first_moment(store.alert_rule_since(rule.name, now), now)
        targets = {target_key(url): url for url in rule.notify}
        outcome.queued += store.queue_alerts(
            rule.name, list(targets), rule_filter(rule, since), rule_terms(rule), bool(rule.digest), now
        )
        for key, url in targets.items():
            owed = store.owed_deliveries(rule.name, key)
            if rule.digest:
                moment = latest_digest_moment(rule.digest, now)
                owed = [delivery for delivery in owed if delivery.matched_at < moment]
                batches = [owed] if owed else []
            else:
                batches = [[delivery] for delivery in owed]
            for batch in batches:
                _send_batch(rule, url, batch, store, now, send, outcome)
    return outcome


def _send_batch(
    rule: AlertConfig,
    url: str,
    batch: list[Delivery],
    store: Store,
    now: datetime,
    send: Sender,
    outcome: AlertRound,
) -> None:
    stories = store.alert_stories([delivery.article_id for delivery in batch])
    shown = [stories[delivery.article_id] for delivery in batch if delivery.article_id in stories]
    if rule.digest:
        title, body = digest_message(rule.name, shown)
    else:
        title, body = story_message(rule.name, shown[0])
    error = send(url, title, body)
    store.record_deliveries([delivery.id for delivery in batch], error, now)
    if error is None:
        outcome.sent += 1
    else:
        outcome.failed += 1
        outcome.failures.append(f"{rule.name}: {error}")
