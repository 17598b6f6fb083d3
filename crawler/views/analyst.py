"""Filters on an article's facts and the per-state, per-week count analysts chart.

Rows are export rows, where the facts are the `signals` field (the column's public name).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from typing import Any


def matches_signals(
    row: dict[str, Any], agencies: Iterable[str] = (), actions: Iterable[str] = (), states: Iterable[str] = ()
) -> bool:
    """Whether an article's facts name any of each requested kind (case-insensitive; empty = any)."""
    signals = row.get("signals") or {}
    for wanted, key in ((agencies, "agencies"), (actions, "actions"), (states, "states")):
        wanted = {value.casefold() for value in wanted}
        if wanted and not wanted & {str(value).casefold() for value in signals.get(key) or []}:
            return False
    return True


def filter_rows(
    rows: Iterable[dict[str, Any]], agencies: Iterable[str], actions: Iterable[str], states: Iterable[str]
) -> Iterator[dict[str, Any]]:
    agencies, actions, states = list(agencies), list(actions), list(states)
    return (row for row in rows if matches_signals(row, agencies, actions, states))


def week_of(row: dict[str, Any]) -> str:
    """The ISO week's Monday of the event date, else the publication date, else when first seen."""
    signals = row.get("signals") or {}
    if signals.get("event_date"):
        day = datetime.fromisoformat(signals["event_date"]).date()
    else:
        moment = row.get("published") or row["first_seen"]
        day = moment.date()
    return (day - timedelta(days=day.weekday())).isoformat()


def state_week_counts(rows: Iterable[dict[str, Any]]) -> list[tuple[str, str, int]]:
    """(week, state, stories) for relevant originals; a story naming two states counts in both.

    Copies (`duplicate_of` set) are left out, so a wire story run by fifty outlets counts once.
    """
    counts: Counter[tuple[str, str]] = Counter()
    for row in rows:
        if row.get("duplicate_of") is not None:
            continue
        for state in (row.get("signals") or {}).get("states") or []:
            counts[(week_of(row), state)] += 1
    return sorted((week, state, count) for (week, state), count in counts.items())
