"""Time windows that only a cycle shows, on both sides of their edge, against the code's clock.

As in ``tests/unit/test_time_windows.py``: each rule is checked a little inside and a little
outside its edge, with moments derived from ``crawler.core.clock.utcnow``.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from tests.support.cli import newswatch, write_config
from tests.support.dates import ago, w3c
from tests.support.mockserver import MockServer, Page
from tests.support.pages import article_html, numbered_story

MARGIN = timedelta(minutes=30)  # far larger than a test's run time, far smaller than any window


@pytest.mark.slow
def test_sitemap_window_keeps_entries_just_inside_and_drops_those_just_outside(
    server: MockServer, tmp_path: Path, sqlite_url: str
):
    inside, outside = numbered_story(1), numbered_story(2)
    for story in (inside, outside):
        server.serve(story.path, Page(article_html(story)))
    window_days = 2
    entries = [(inside, ago(days=window_days) + MARGIN), (outside, ago(days=window_days) - MARGIN)]
    urls = "".join(
        f"<url><loc>{server.url(story.path)}</loc><lastmod>{w3c(modified)}</lastmod></url>"
        for story, modified in entries
    )
    body = f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'.encode()
    server.serve("/sitemap.xml", Page(body, content_type="application/xml"))
    feed = {"name": "s", "url": server.url("/sitemap.xml"), "type": "sitemap", "keep": "all"}
    config = write_config(tmp_path, sqlite_url, [{**feed, "window": f"{window_days}d"}])

    assert newswatch("run", config=config).returncode == 0

    requested = [path for path in server.paths_requested() if path.startswith("/news")]
    assert requested == [inside.path]
