"""Analyst views (issue 6): filters by agency, action and state; stories per state and week."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from crawler.views.analyst import filter_rows, state_week_counts
from tests.conftest import newswatch, write_config
from tests.mockserver import MockServer, Page
from tests.pages import article_html, rss
from tests.support.dates import monday_of
from tests.test_cycle_end_to_end import DEPORTATION, RAID, RAID_PUBLISHED


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


@pytest.mark.slow
def test_export_filters_and_state_week_report_from_a_real_cycle(
    server: MockServer, tmp_path: Path, sqlite_url: str
):
    for story in (RAID, DEPORTATION):
        server.serve(story.path, Page(article_html(story)))
    server.serve(
        "/feed.xml",
        Page(
            rss("f", server.base, [(s.title, server.url(s.path), s.published) for s in (RAID, DEPORTATION)]),
            content_type="application/rss+xml",
        ),
    )
    config = write_config(tmp_path, sqlite_url, [{"name": "valley", "url": server.url("/feed.xml")}])
    assert newswatch("run", config=config).returncode == 0

    exported = newswatch("export", "--state", "MS", config=config)
    titles = [json.loads(line)["title"] for line in exported.stdout.splitlines()]
    assert titles == [RAID.title]
    by_action = newswatch("export", "--action", "raid", "--agency", "ICE", config=config)
    assert [json.loads(line)["title"] for line in by_action.stdout.splitlines()] == [RAID.title]

    report = newswatch("report", config=config)
    assert report.returncode == 0
    table = list(csv.DictReader(io.StringIO(report.stdout)))
    # The raid was "on Thursday" in a story published on a Friday: the week of the Monday before.
    raid_week = monday_of(RAID_PUBLISHED.date() - timedelta(days=1)).isoformat()
    assert {"week": raid_week, "state": "MS", "stories": "1"} in table
    assert [r["state"] for r in table if r["state"] != "MS"] == ["LA"]
