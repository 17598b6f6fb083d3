"""`newswatch alerts status|test NAME|send`: alert rules, their deliveries and failures, a sample."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from crawler.app.commands.common import opened_store
from crawler.core.clock import utcnow
from crawler.core.config import Config
from crawler.core.errors import CliError, ExitStatus
from crawler.views.terminal import console

if TYPE_CHECKING:
    from crawler.alerts.delivery import AlertRound


def add_commands(commands: Any) -> None:
    alerts = commands.add_parser(
        "alerts", help="alert rules (Apprise targets): deliveries, failures, a sample"
    )
    actions = alerts.add_subparsers(dest="action", required=True)
    status = actions.add_parser("status", help="per rule and target: sent, owed, failed, the last error")
    status.set_defaults(handler=show_status)
    test = actions.add_parser("test", help="send a sample alert of rule NAME to each of its targets")
    test.add_argument("name")
    test.set_defaults(handler=send_sample)
    send = actions.add_parser(
        "send", help="match and send owed alerts now (`run` does this after each cycle)"
    )
    send.set_defaults(handler=send_now)


def show_status(args: argparse.Namespace, config: Config) -> int:
    """Deliveries per rule and target, targets shown with their secrets masked."""
    from crawler.views.alert_status import print_alert_status

    with opened_store(config.database_url) as store:
        print_alert_status(console(), config, store.alert_status())
    return ExitStatus.OK


def send_sample(args: argparse.Namespace, config: Config) -> int:
    """A sample message to every target of one rule; exit 1 if any target refused it."""
    from crawler.alerts.sender import send
    from crawler.core.notify_targets import target_label

    try:
        rule = config.alert(args.name)
    except KeyError:
        known = ", ".join(alert.name for alert in config.alerts) or "none configured"
        raise CliError(ExitStatus.CONFIG, f"alerts test: no alert named {args.name!r} ({known})") from None
    failed = 0
    for url in rule.notify:
        error = send(url, f"newswatch {rule.name}: test", _sample_body(rule.name))
        label = target_label(url)
        print(f"{label}: sent" if error is None else f"{label}: failed: {error}")
        failed += error is not None
    return ExitStatus.UNEXPECTED if failed else ExitStatus.OK


def _sample_body(name: str) -> str:
    return (
        f"This is a test of the alert rule {name!r}. New relevant stories matching it will arrive "
        "like this one: title, outlet, date, link, signals and a short snippet."
    )


def send_now(args: argparse.Namespace, config: Config) -> int:
    """One round of alerts without a crawl."""
    outcome = deliver(config)
    print_round(outcome)
    return ExitStatus.OK


def deliver(config: Config) -> AlertRound:
    """Match, queue and send the configured rules' alerts against the store."""
    from crawler.alerts.delivery import deliver_alerts
    from crawler.alerts.sender import send

    with opened_store(config.database_url) as store:
        return deliver_alerts(config.alerts, store, utcnow(), send)


def register_rules(config: Config) -> None:
    """Record when each rule was first seen; it alerts on stories first seen from then on."""
    now = utcnow()
    with opened_store(config.database_url) as store:
        for rule in config.alerts:
            store.alert_rule_since(rule.name, now)


def print_round(outcome: AlertRound) -> None:
    print(
        f"alerts: {outcome.queued} queued, {outcome.sent} sent, {outcome.failed} failed (retried next cycle)"
    )
    for failure in outcome.failures:
        print(f"  {failure}")
