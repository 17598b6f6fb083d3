"""The one-screen summary printed after each cycle."""

from __future__ import annotations

from collections import Counter
from typing import Any

from rich.console import Console
from rich.table import Table

from crawler.core.errors import CycleCounter as C


def print_cycle_summary(console: Console, cycle: dict[str, Any], failures: list[dict[str, Any]]) -> None:
    """Counts of the cycle (its `runs` row), then failures by reason and by feed."""
    duration = (cycle["finished_at"] - cycle["started_at"]).total_seconds() if cycle["finished_at"] else None
    took = f" in {duration:.1f}s" if duration is not None else ""
    console.print(
        f"[bold]Cycle {cycle['id']}[/bold] {cycle['status']} ({cycle['finish_reason'] or '?'}){took}"
    )
    table = Table(show_header=False, box=None, padding=(0, 2))
    for label, counter in (
        ("feeds due", C.FEEDS_DUE),
        ("feeds polled", C.FEEDS_POLLED),
        ("  not modified (304)", C.FEEDS_NOT_MODIFIED),
        ("  failed", C.FEEDS_FAILED),
        ("articles requested", C.ARTICLES_REQUESTED),
        ("  new", C.ARTICLES_NEW),
        ("  duplicates", C.ARTICLES_DUPLICATE),
        ("  off-topic (seen, not kept)", C.ARTICLES_IRRELEVANT),
        ("  failed", C.ARTICLES_FAILED),
    ):
        table.add_row(label, str(cycle[counter]))
    if cycle.get(C.HOSTS_TAKEN):  # a worker on a shared store: the host leases it took
        table.add_row("hosts taken", str(cycle[C.HOSTS_TAKEN]))
    console.print(table)
    if not failures:
        return
    by_reason = Counter(failure["reason"] for failure in failures)
    reasons = Table(title="Failures by reason", title_justify="left")
    reasons.add_column("reason")
    reasons.add_column("count", justify="right")
    reasons.add_column("feeds")
    for reason, count in by_reason.most_common():
        feeds = sorted({f["feed"] or "-" for f in failures if f["reason"] == reason})
        reasons.add_row(reason, str(count), ", ".join(feeds[:5]) + (" …" if len(feeds) > 5 else ""))
    console.print(reasons)
