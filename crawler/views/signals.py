"""An article's signals with the sentence each came from, as `newswatch article ID` shows them."""

from __future__ import annotations

from typing import Any

from rich.console import Console

_KINDS = (("agencies", "agency"), ("actions", "action"), ("states", "state"), ("cities", "city"))
_QUOTE_WIDTH = 150


def print_signals(console: Console, signals: dict[str, Any] | None) -> None:
    """One line per signal value: the value, then its evidence and where it is in the text."""
    if not signals:
        return
    evidence = signals.get("evidence") or {}
    console.print("  signals", highlight=False)
    for key, label in _KINDS:
        for value in signals.get(key) or []:
            _line(console, label, str(value), (evidence.get(key) or {}).get(value))
    for count in signals.get("counts") or []:
        words = " ".join(
            str(part) for part in (count.get("qualifier"), count.get("number"), count.get("outcome")) if part
        )
        _line(console, "count", words, count)
    event_date = signals.get("event_date")
    if event_date:
        _line(console, "event date", str(event_date), (evidence.get("event_date") or {}).get(event_date))


def _line(console: Console, label: str, value: str, found: dict[str, Any] | None) -> None:
    quote = (found or {}).get("evidence") or (found or {}).get("phrase")
    if not quote:
        console.print(f"    {label:11} {value}", highlight=False, markup=False)
        return
    quote = " ".join(str(quote).split())
    if len(quote) > _QUOTE_WIDTH:
        quote = quote[: _QUOTE_WIDTH - 1] + "…"
    span = (found or {}).get("span")
    where = f"  [chars {span[0]}-{span[1]}]" if span else "  [title]"
    console.print(f"    {label:11} {value}: “{quote}”{where}", highlight=False, markup=False)
