"""`newswatch feeds discover URL [--add]` against a local site."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from crawler.core.config import load_config
from tests.support.cli import newswatch, write_config
from tests.support.dates import ago, w3c
from tests.support.mockserver import MockServer, Page
from tests.support.pages import rss

pytestmark = pytest.mark.slow


def serve_site(server: MockServer) -> None:
    home = (
        f'<html><head><link rel="alternate" type="application/rss+xml" title="Border Desk" '
        f'href="{server.url("/border/rss.xml")}"><title>Valley Tribune</title></head>'
        "<body>news</body></html>"
    ).encode()
    server.serve("/", Page(home))
    server.serve(
        "/border/rss.xml",
        Page(
            rss("Border Desk", server.base, [("a", server.url("/a"), None)]),
            content_type="application/rss+xml",
        ),
    )
    news_sitemap = (
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"><url>'
        f"<loc>{server.url('/news/story-one-two-three')}</loc><news:news><news:publication><news:name>VT"
        "</news:name><news:language>en</news:language></news:publication>"
        f"<news:publication_date>{w3c(ago(hours=6))}</news:publication_date><news:title>Story</news:title>"
        "</news:news></url></urlset>"
    ).encode()
    server.serve("/sitemaps/news.xml", Page(news_sitemap, content_type="application/xml"))
    server.serve(
        "/robots.txt",
        Page(f"Sitemap: {server.url('/sitemaps/news.xml')}\n".encode(), content_type="text/plain"),
    )


def test_discover_prints_ready_to_paste_entries(server: MockServer, tmp_path: Path, sqlite_url: str):
    serve_site(server)
    config = write_config(tmp_path, sqlite_url, [{"name": "existing", "url": server.url("/other.xml")}])

    result = newswatch("feeds", "discover", server.url("/"), "--prefix", "valley", config=config)

    assert result.returncode == 0, result.stderr
    entries = yaml.safe_load(result.stdout)
    by_url = {entry["url"]: entry for entry in entries}
    assert by_url[server.url("/border/rss.xml")]["type"] == "feed"
    assert by_url[server.url("/sitemaps/news.xml")]["type"] == "sitemap"
    assert all(entry["name"].startswith("valley") for entry in entries)


def test_discover_add_appends_without_losing_comments(server: MockServer, tmp_path: Path, sqlite_url: str):
    serve_site(server)
    config = write_config(tmp_path, sqlite_url, [{"name": "existing", "url": server.url("/other.xml")}])
    original = "# my watched feeds, with notes\n" + config.read_text()
    config.write_text(original)

    result = newswatch("feeds", "discover", server.url("/"), "--add", config=config)

    assert result.returncode == 0, result.stderr
    updated = config.read_text()
    assert updated.startswith(original.rstrip("\n").split("\nfeeds:")[0])
    assert "# my watched feeds, with notes" in updated
    names = [feed.name for feed in load_config(config).feeds]
    assert names[0] == "existing" and len(names) == 3


def test_discover_refuses_a_non_http_url(tmp_path: Path, sqlite_url: str):
    config = write_config(tmp_path, sqlite_url, [{"name": "existing", "url": "http://127.0.0.1:9/x"}])
    result = newswatch("feeds", "discover", "file:///etc/passwd", config=config)
    assert result.returncode == 2
