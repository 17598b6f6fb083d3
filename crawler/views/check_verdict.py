"""The one-screen verdict of `newswatch check`."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from crawler.store.integrity import Finding


def print_check_verdict(console: Console, shown_url: str, findings: Sequence[Finding]) -> None:
    """One row per check, then the verdict: sound, or how many checks failed."""
    console.print(f"[bold]Store[/bold] {escape(shown_url)}")
    table = Table(show_header=False, box=None, padding=(0, 2))
    for finding in findings:
        table.add_row(
            "[green]ok[/green]" if finding.ok else "[red]FAIL[/red]",
            escape(finding.check),
            escape(finding.detail),
        )
    console.print(table)
    failed = [finding for finding in findings if not finding.ok]
    if failed:
        console.print(
            f"[bold red]Verdict: damaged[/bold red] ({len(failed)} of {len(findings)} checks failed)"
        )
    else:
        console.print(f"[bold green]Verdict: sound[/bold green] (all {len(findings)} checks passed)")
