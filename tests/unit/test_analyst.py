"""Analyst views: filters on the facts (agency, action, state); stories per state and week."""

from __future__ import annotations

from datetime import UTC, datetime

from crawler.views.analyst import filter_rows, state_week_counts


def row(states, agencies=(), actions=(), event_date=None, duplicate_of=None, first_seen=None):
    return {
        "signals": {
            "states": list(states),
            "agencies": list(agencies),
            "actions": list(actions),
            "event_date": event_date,
        },
        "duplicate_of": duplicate_of,
        "published": None,
        "first_seen": first_seen or datetime(2026, 11, 26, tzinfo=UTC),
    }


def test_filters_need_every_requested_kind_and_ignore_case():
    rows = [row(["MS"], ["ICE"], ["raid"]), row(["TX"], ["CBP"], ["arrest"]), row([], [], [])]
    assert list(filter_rows(rows, ["ice"], [], [])) == [rows[0]]
    assert list(filter_rows(rows, [], ["raid", "arrest"], ["TX"])) == [rows[1]]
    assert list(filter_rows(rows, [], [], [])) == rows


def test_state_week_counts_count_stories_not_copies_by_event_week():
    rows = [
        row(["MS"], event_date="2026-11-25"),  # a Wednesday: week of Monday 23 Nov
        row(["MS"], event_date="2026-11-25", duplicate_of=1),  # a copy: not counted again
        row(["MS", "LA"], first_seen=datetime(2026, 11, 30, 9, tzinfo=UTC)),  # next week, two states
        row([]),
    ]
    assert state_week_counts(rows) == [
        ("2026-11-23", "MS", 1),
        ("2026-11-30", "LA", 1),
        ("2026-11-30", "MS", 1),
    ]
