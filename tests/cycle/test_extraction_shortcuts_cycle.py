"""Through a real cycle: a live blog, a teaser JSON-LD body and a paywalled page come out whole,
and the live blog is stored and exported as one (``kind: liveblog``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support import publisher_pages as pages
from tests.support.cli import newswatch, write_config
from tests.support.dates import ago
from tests.support.mockserver import MockServer, Page
from tests.support.pages import rss

LIVE, TEASER, PAYWALL = "/live/raids-protests", "/news/jail-contract", "/business/meatpacker-shares"


@pytest.mark.slow
def test_live_blog_teaser_and_paywall_pages_are_stored_whole(
    server: MockServer, tmp_path: Path, database_url: str
) -> None:
    updates = pages.live_updates(50, ago(hours=8))
    server.serve(LIVE, Page(pages.liveblog_of_article_blocks(updates).encode()))
    server.serve(TEASER, Page(pages.article_with_teaser_body(opening=2).encode()))
    server.serve(PAYWALL, Page(pages.paywalled_article().encode()))
    items = [
        ("Immigration raids: protests spread - live", server.url(LIVE), ago(hours=1)),
        ("County weighs ending jail contract", server.url(TEASER), ago(hours=2)),
        ("Meatpacker shares fall after raids", server.url(PAYWALL), ago(hours=3)),
    ]
    server.serve(
        "/feed.xml", Page(rss("The Example", server.base, items), content_type="application/rss+xml")
    )
    config = write_config(
        tmp_path, database_url, [{"name": "example", "url": server.url("/feed.xml"), "keep": "all"}]
    )

    assert newswatch("run", config=config).returncode == 0
    result = newswatch("export", "--format", "jsonl", config=config)

    assert result.returncode == 0, result.stderr
    records = {record["url"]: record for record in map(json.loads, result.stdout.splitlines())}
    live = records[server.url(LIVE)]
    assert live["kind"] == "liveblog"
    found = [live["text"].find(paragraph) for update in updates for paragraph in update.paragraphs]
    assert -1 not in found and found == sorted(found)
    assert all(f"{update.published:%Y-%m-%d %H:%M} UTC" in live["text"] for update in updates)
    teaser = records[server.url(TEASER)]
    assert teaser["kind"] == "article"
    assert all(paragraph in teaser["text"] for paragraph in pages.ARTICLE_PARAGRAPHS)
    paywalled = records[server.url(PAYWALL)]
    assert all(paragraph in paywalled["text"] for paragraph in pages.PAYWALL_PARAGRAPHS)
    assert "non-commercial use" not in paywalled["text"]
