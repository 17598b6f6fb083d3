"""`newswatch search` in a child process: hits as text and as JSON Lines, filters, syntax errors."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from crawler.store import Store
from tests.support.cli import newswatch, write_config
from tests.support.dates import ago
from tests.support.records import record

FEED = {"name": "valley", "url": "http://127.0.0.1:9/feed.xml"}
WIRE = "Immigration agents carried out a workplace raid at a poultry plant; 40 workers were detained."


def stocked_config(tmp_path: Path) -> Path:
    url = f"sqlite:///{tmp_path / 'data' / 'newswatch.db'}"
    with Store.opened(url) as store:
        for site in ("wire.example", "one.example", "two.example"):
            store.save_article(
                record(
                    f"https://{site}/raid",
                    WIRE,
                    title="Workplace raid at poultry plant",
                    site=site,
                    content_hash=hashlib.sha256(WIRE.encode()).hexdigest(),
                    published=ago(days=1),
                    signals={"states": ["MS"], "agencies": ["ICE"], "actions": ["raid"]},
                )
            )
        store.save_article(
            record(
                "https://advice.example/column",
                "Afraid of the holidays? Advice for the afraid.",
                title="Advice",
                content_hash="advice",
            )
        )
    return write_config(tmp_path, url, [FEED])


def test_jsonl_hits_fold_copies_and_mark_matches(tmp_path: Path):
    config = stocked_config(tmp_path)
    result = newswatch("search", '"workplace raid"', "--format", "jsonl", config=config)
    assert result.returncode == 0, result.stderr
    [hit] = [json.loads(line) for line in result.stdout.splitlines()]
    assert hit["title"] == "Workplace raid at poultry plant"
    assert (hit["outlets"], hit["copies"]) == (3, 3)
    # FTS5 marks a matched phrase as a whole, PostgreSQL word by word
    assert "**workplace raid**" in hit["snippet"].lower()


def test_text_hits_and_filters(tmp_path: Path):
    config = stocked_config(tmp_path)
    shown = newswatch("search", "raid", config=config)
    assert shown.returncode == 0, shown.stderr
    assert "Workplace raid at poultry plant" in shown.stdout and "3 outlets" in shown.stdout
    assert "Advice" not in shown.stdout  # "afraid" is not "raid"
    other_state = newswatch("search", "raid", "--state", "TX", config=config)
    assert other_state.returncode == 0 and "no matches" in other_state.stdout


def test_a_query_that_cannot_be_read_is_one_line_exit_2(tmp_path: Path):
    result = newswatch("search", '"workplace raid', config=stocked_config(tmp_path))
    assert result.returncode == 2
    assert result.stderr.strip().startswith("newswatch: search: a quote is not closed")
    assert "Traceback" not in result.stderr
