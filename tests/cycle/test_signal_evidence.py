"""Every signal a cycle stores carries the sentence it came from: exported with the article and
shown by `newswatch article ID`, so an analyst can check a surprising state or count at once."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from tests.support.cli import newswatch, write_config
from tests.support.database import query
from tests.support.mockserver import MockServer
from tests.support.stories import RAID, RAID_PUBLISHED, publish

pytestmark = pytest.mark.slow


def test_signals_are_stored_exported_and_shown_with_their_evidence(
    server: MockServer, tmp_path: Path, sqlite_url: str
):
    publish(server, [RAID])
    config = write_config(tmp_path, sqlite_url, [{"name": "valley", "url": server.url("/feed.xml")}])
    assert newswatch("run", config=config).returncode == 0

    exported = newswatch("export", config=config)
    assert exported.returncode == 0, exported.stderr
    (record,) = [json.loads(line) for line in exported.stdout.splitlines()]
    signals, text = record["signals"], record["text"]
    evidence = signals["evidence"]
    # Each value has its sentence; a span points at the value's own words in the stored text.
    for kind in ("agencies", "actions", "states", "cities"):
        assert set(evidence.get(kind, {})) == set(signals[kind]), kind
    canton = evidence["states"]["MS"]
    assert canton["evidence"] in text or canton["span"] is None  # a title mention has no span
    hsi = evidence["agencies"]["HSI"]
    assert text[hsi["span"][0] : hsi["span"][1]] == "Homeland Security Investigations"
    assert hsi["evidence"].startswith("Agents from Homeland Security Investigations executed")
    (count,) = [c for c in signals["counts"] if c["outcome"] == "detained" and c["number"] == 120]
    assert text[count["span"][0] : count["span"][1]] in count["evidence"]
    thursday = (RAID_PUBLISHED.date() - timedelta(days=1)).isoformat()
    assert signals["event_date"] == thursday
    assert "on Thursday in a raid" in evidence["event_date"][thursday]["evidence"]

    # The indexed rows analysts filter and count on hold the same words.
    rows = {
        (kind, value): (said, start, end)
        for kind, value, said, start, end in query(
            sqlite_url, "SELECT kind, value, evidence, span_start, span_end FROM article_signals"
        )
    }
    assert rows[("agency", "HSI")] == (hsi["evidence"], *hsi["span"])
    assert rows[("event_date", thursday)][0] == evidence["event_date"][thursday]["evidence"]
    assert rows[("count", "detained")][0] == count["evidence"]

    shown = newswatch("article", str(record["id"]), config=config)
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert any(
        line.split()[:2] == ["agency", "HSI:"] and "executed criminal search warrants" in line
        for line in lines
    )
    assert any(
        line.strip().startswith(f"event date  {thursday}: “Federal immigration agents") for line in lines
    )
    assert any(line.strip().startswith("count       at least 120 detained") for line in lines)
