"""`newswatch alerts status`: per rule and target, what was sent, what is owed, the last failure."""

from __future__ import annotations

from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table

from crawler.core.config import Config
from crawler.core.notify_targets import target_key, target_label


def print_alert_status(console: Console, config: Config, deliveries: list[dict[str, Any]]) -> None:
    """Every configured rule and target, with zeros for those that have sent nothing yet."""
    by_target = {(row["rule"], row["target_key"]): row for row in deliveries}
    table = Table(title="Alerts", title_justify="left", box=box.SIMPLE_HEAD)
    for column in (
        "rule",
        "target",
        "health",
        "sent",
        "owed",
        "failed",
        "last sent",
        "attempts",
        "last error",
    ):
        table.add_column(
            column, justify="right" if column in ("sent", "owed", "failed", "attempts") else "left"
        )
    for rule in config.alerts:
        for url in rule.notify:
            row = by_target.get((rule.name, target_key(url)), {})
            failed = row.get("failed") or 0
            table.add_row(
                rule.name,
                target_label(url),
                "failing" if failed else "ok",
                str(row.get("sent") or 0),
                str(row.get("pending") or 0),
                str(failed),
                row["last_sent"].strftime("%Y-%m-%d %H:%M") if row.get("last_sent") else "never",
                str(row.get("most_attempts") or 0),
                (row.get("last_error") or "") if failed else "",
            )
    if not config.alerts:
        console.print("no alerts configured (add an `alerts:` list to the configuration)")
        return
    console.print(table)
