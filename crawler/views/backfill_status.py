"""What `newswatch backfill` prints at its end, and `newswatch backfill status`."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

from crawler.store.backfill_store import ArchiveProgress
from crawler.views.cycle_summary import print_cycle_summary


def print_backfill_summary(
    console: Console, cycle: dict[str, Any], failures: list[dict[str, Any]], progress: list[ArchiveProgress]
) -> None:
    """The backfill's `runs` row like a cycle's, then the archives it read."""
    print_cycle_summary(console, cycle, failures)
    print_backfill_status(console, [p for p in progress if p.run_id == cycle["id"]], title="Archives read")


def print_backfill_status(console: Console, progress: list[ArchiveProgress], title: str = "Backfill") -> None:
    if not progress:
        console.print("no archive has been read yet (`newswatch backfill --warc FILE`)")
        return
    table = Table(title=title, title_justify="left")
    for column, justify in (
        ("archive", "left"),
        ("via", "left"),
        ("state", "left"),
        ("records", "right"),
        ("matched", "right"),
        ("read to", "right"),
        ("updated", "left"),
    ):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    for row in progress:
        state = "done" if row.done else ("stopped: " + row.error[:60] if row.error else "partial (resumes)")
        table.add_row(
            _short(row.archive),
            row.via,
            state,
            str(row.records_read),
            str(row.records_matched),
            f"{row.resume_offset / 1e6:.1f} MB",
            row.updated_at.strftime("%Y-%m-%d %H:%M") if row.updated_at else "-",
        )
    console.print(table)


def _short(archive: str, width: int = 70) -> str:
    return archive if len(archive) <= width else "…" + archive[-(width - 1) :]
