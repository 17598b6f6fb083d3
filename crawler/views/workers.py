"""The table `newswatch workers` prints."""

from __future__ import annotations

from datetime import datetime

from rich import box
from rich.console import Console
from rich.table import Table

from crawler.core.durations import format_duration
from crawler.store import WorkerStatus


def print_workers(console: Console, workers: list[WorkerStatus], now: datetime) -> None:
    """One row per worker: where it runs, its cycle, the hosts it holds, articles done, heartbeat."""
    table = Table(title="Workers", title_justify="left", box=box.SIMPLE_HEAD)
    for column in ("worker", "cycle", "hosts held", "articles done", "last heartbeat", "state"):
        table.add_column(column, justify="right" if column in ("cycle", "articles done") else "left")
    for worker in workers:
        hosts = ", ".join(worker.hosts[:4]) + (
            f" (+{len(worker.hosts) - 4})" if len(worker.hosts) > 4 else ""
        )
        table.add_row(
            worker.id,
            str(worker.cycle_id or "-"),
            f"{len(worker.hosts)}: {hosts}" if worker.hosts else "0",
            str(worker.articles_done),
            f"{format_duration(max((now - worker.heartbeat_at).total_seconds(), 1))} ago",
            "stopped" if worker.stopped_at is not None else "live",
        )
    if not workers:
        console.print("No live workers.")
        return
    console.print(table)
