"""`newswatch report --html` rendered in headless Chromium: every chart drew, no console error."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from crawler.core.config import FeedConfig
from crawler.store import ArticleFilter, PollOutcome, Store
from crawler.store.signal_rows import SignalKind
from crawler.views.html_report import CHART_IDS
from tests.support.cli import newswatch, write_config
from tests.support.dates import ago, ahead
from tests.support.records import record

FEEDS = [
    {"name": "valley", "url": "http://127.0.0.1:9/valley.xml"},
    {"name": "broken", "url": "http://127.0.0.1:9/broken.xml"},
]
WIRE = "Immigration agents carried out a workplace raid at a poultry plant; 40 workers were detained."
LOCAL = "Border Patrol agents made arrests at a checkpoint north of the city on Tuesday."
CHROMIUM_TIMEOUT = 180  # a loaded machine; Chromium's own virtual time budget bounds the page


def chromium() -> str | None:
    return next((found for name in ("chromium", "chromium-browser") if (found := shutil.which(name))), None)


def stocked_config(tmp_path: Path) -> Path:
    url = f"sqlite:///{tmp_path / 'data' / 'newswatch.db'}"
    stock(url)
    return write_config(tmp_path, url, FEEDS)


def stock(url: str) -> None:
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
                "https://local.example/checkpoint",
                LOCAL,
                title="Arrests at checkpoint <script>",
                site="local.example",
                content_hash=hashlib.sha256(LOCAL.encode()).hexdigest(),
                published=ago(days=9),
                signals={"states": ["TX"], "agencies": ["CBP"], "actions": ["arrest"]},
            )
        )
        store.sync_feeds([FeedConfig(name=feed["name"], url=feed["url"]) for feed in FEEDS], ago(days=1))
        broken = next(state.id for state in store.feeds(["broken"]))
        store.record_poll(
            broken,
            PollOutcome(
                at=ago(hours=1), next_check_at=ahead(hours=1), succeeded=False, failure_reason="http-500"
            ),
        )


def test_the_aggregates_count_stories_once_and_outlets_per_copy(database_url: str):
    stock(database_url)
    with Store.opened(database_url) as store:
        assert store.signal_totals(SignalKind.STATE) == [("MS", 1), ("TX", 1)]
        assert {agency for _, agency, _ in store.signal_week_counts(SignalKind.AGENCY)} == {"ICE", "CBP"}
        assert sum(count for _, _, count in store.signal_week_counts(SignalKind.AGENCY)) == 2
        assert store.syndicated_stories()[0] == ("Workplace raid at poultry plant", 3, 3)
        assert dict(store.outlet_counts()) == {
            "wire.example": 1,
            "one.example": 1,
            "two.example": 1,
            "local.example": 1,
        }
        only_texas = ArticleFilter(states=("TX",))
        assert store.syndicated_stories(only_texas) == [("Arrests at checkpoint <script>", 1, 1)]


def written_report(tmp_path: Path, *filters: str) -> str:
    page = tmp_path / "report.html"
    result = newswatch("report", "--html", str(page), *filters, config=stocked_config(tmp_path))
    assert result.returncode == 0, result.stderr
    return page.read_text(encoding="utf-8")


def test_the_page_is_self_contained_and_shows_every_part(tmp_path: Path):
    html = written_report(tmp_path)
    assert not re.search(r"<script[^>]+src=", html)  # plotly's JS is inlined, nothing fetched
    for chart_id in CHART_IDS:
        assert f'id="{chart_id}"' in html
    assert "Workplace raid at poultry plant" in html and "wire.example" in html
    assert "Arrests at checkpoint <script>" not in html  # titles are data, never markup
    assert "broken" in html and "failing" in html
    assert "Filters: none" in html


def test_filters_are_applied_and_named(tmp_path: Path):
    html = written_report(tmp_path, "--state", "TX", "--agency", "CBP")
    assert "Filters: state: TX; agency: CBP" in html
    assert "local.example" in html
    assert "Workplace raid at poultry plant" not in html and "wire.example" not in html


def test_every_chart_draws_in_headless_chromium_without_console_errors(tmp_path: Path):
    browser = chromium()
    if browser is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed: .ci/run installs it")
        pytest.skip("chromium not found (apt-get install chromium); CI installs it")
    written_report(tmp_path)
    page = (tmp_path / "report.html").as_uri()
    common = [browser, "--headless=new", "--disable-gpu", "--no-sandbox", "--virtual-time-budget=10000"]
    profile = ["--user-data-dir=" + str(tmp_path / "profile")]
    dom = subprocess.run(
        [*common, *profile, "--enable-logging=stderr", "--v=0", "--dump-dom", page],
        capture_output=True,
        text=True,
        timeout=CHROMIUM_TIMEOUT,
    )
    assert dom.returncode == 0, dom.stderr[-2000:]
    console_errors = [
        line for line in dom.stderr.splitlines() if "Uncaught" in line or "ERROR:CONSOLE" in line
    ]
    assert not console_errors, console_errors
    starts = [dom.stdout.index(f'id="{chart_id}"') for chart_id in CHART_IDS]
    for chart_id, start, end in zip(CHART_IDS, starts, [*starts[1:], len(dom.stdout)], strict=True):
        assert 'class="main-svg"' in dom.stdout[start:end], f"chart {chart_id} drew no svg.main-svg"
    screenshot = tmp_path / "report.png"
    shot = subprocess.run(
        [*common, *profile, f"--screenshot={screenshot}", "--window-size=1200,2000", page],
        capture_output=True,
        text=True,
        timeout=CHROMIUM_TIMEOUT,
    )
    assert shot.returncode == 0, shot.stderr[-2000:]
    assert screenshot.read_bytes().startswith(b"\x89PNG"), "no screenshot kept"


def test_a_file_that_cannot_be_written_is_one_line_exit_2(tmp_path: Path):
    target = tmp_path / "missing" / "report.html"
    result = newswatch("report", "--html", str(target), config=stocked_config(tmp_path))
    assert result.returncode == 2
    assert result.stderr.strip().startswith(f"newswatch: report --html: cannot write {target}")
    assert "Traceback" not in result.stderr
