"""Every source type end to end: news sitemaps, indexes with gzip children, robots.txt
sitemaps, section pages, search feeds with redirect links — and a second cycle over unchanged
sources makes no article requests, whatever the type."""

from __future__ import annotations

import gzip
import re
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

import pytest

from crawler.core.clock import utcnow
from tests.support.cli import newswatch, write_config
from tests.support.corpus import shared_path
from tests.support.database import query
from tests.support.dates import ago, w3c
from tests.support.mockserver import MockServer, Page, redirect
from tests.support.pages import article_html, numbered_story, rss
from tests.support.stories import DEPORTATION, RAID

pytestmark = pytest.mark.slow
XML = "application/xml"


def article_requests(server: MockServer, prefix: str = "/news") -> list[str]:
    return [path for path in server.paths_requested() if path.startswith(prefix)]


def stored_urls(database_url: str) -> list[str]:
    return sorted(url for (url,) in query(database_url, "SELECT canonical_url FROM articles"))


def sitemap(server: MockServer, paths: list[str], lastmod: str | None = None) -> bytes:
    """A plain sitemap; entries modified a few hours ago (inside the default two-day window) by default."""
    lastmod = lastmod or w3c(ago(hours=6))
    urls = "".join(f"<url><loc>{server.url(p)}</loc><lastmod>{lastmod}</lastmod></url>" for p in paths)
    return f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'.encode()


@pytest.mark.corpus
def test_real_news_sitemap_sample_is_followed_and_second_cycle_requests_nothing(
    server: MockServer, tmp_path: Path, sqlite_url: str
):
    sample = shared_path(
        "corpus", "feeds", "real", "sitemaps", "advertools__nytimes_news_sitemap_excerpt.xml"
    )
    body = sample.read_text(encoding="utf-8").replace("https://www.nytimes.com", server.base)
    paths = sorted(
        {line.split(server.base, 1)[1].split("<")[0].strip() for line in body.splitlines() if "<loc>" in line}
    )
    for number, path in enumerate(paths):
        server.serve(path, Page(article_html(numbered_story(number, path))))
    server.serve("/news-sitemap.xml", Page(body.encode(), content_type=XML, etag='"nyt"'))
    # The saved sample grows older every day: the window reaches back to its oldest entry.
    oldest = min(
        datetime.fromisoformat(found.replace("Z", "+00:00"))
        for found in re.findall(r"<news:publication_date>([^<]+)", body)
    )
    config = write_config(
        tmp_path,
        sqlite_url,
        [
            {
                "name": "nyt",
                "url": server.url("/news-sitemap.xml"),
                "type": "sitemap",
                "keep": "all",
                "window": f"{(utcnow() - oldest).days + 2}d",
            }
        ],
    )

    assert newswatch("run", config=config).returncode == 0
    assert len(stored_urls(sqlite_url)) == len(paths) >= 5
    server.clear_log()

    assert newswatch("run", "--feed", "nyt", config=config).returncode == 0
    assert article_requests(server, "/interactive") == []
    assert server.requests_to("/news-sitemap.xml")[0].status == 304


def test_sitemap_index_with_gzip_children_and_a_date_window(
    server: MockServer, tmp_path: Path, sqlite_url: str
):
    stories = [numbered_story(i) for i in range(4)]
    for story in stories:
        server.serve(story.path, Page(article_html(story)))
    fresh = sitemap(server, [stories[0].path, stories[1].path])
    mixed = sitemap(server, [stories[2].path]).replace(b"</urlset>", b"") + (
        f"<url><loc>{server.url(stories[3].path)}</loc><lastmod>2001-01-01</lastmod></url></urlset>".encode()
    )
    server.serve("/sitemaps/a.xml.gz", Page(gzip.compress(fresh), content_type="application/x-gzip"))
    server.serve("/sitemaps/b.xml", Page(mixed, content_type=XML))
    index = (
        f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<sitemap><loc>{server.url('/sitemaps/a.xml.gz')}</loc></sitemap>"
        f"<sitemap><loc>{server.url('/sitemaps/b.xml')}</loc></sitemap></sitemapindex>"
    ).encode()
    server.serve("/sitemap_index.xml", Page(index, content_type=XML))
    config = write_config(
        tmp_path,
        sqlite_url,
        [
            {
                "name": "index",
                "url": server.url("/sitemap_index.xml"),
                "type": "sitemap",
                "keep": "all",
                "window": "30d",
            }
        ],
    )

    assert newswatch("run", config=config).returncode == 0

    stored = stored_urls(sqlite_url)
    assert len(stored) == 3  # the 2001 entry is outside the window
    assert not any(stories[3].path in url for url in stored)
    server.clear_log()
    assert newswatch("run", "--feed", "index", config=config).returncode == 0
    assert article_requests(server) == []


def test_sitemaps_listed_in_robots_txt_are_followed(server: MockServer, tmp_path: Path, sqlite_url: str):
    story = numbered_story(7)
    server.serve(story.path, Page(article_html(story)))
    server.serve("/sitemap-news.xml", Page(sitemap(server, [story.path]), content_type=XML))
    robots = f"User-agent: *\nAllow: /\nSitemap: {server.url('/sitemap-news.xml')}\n".encode()
    server.serve("/robots.txt", Page(robots, content_type="text/plain"))
    config = write_config(
        tmp_path,
        sqlite_url,
        [{"name": "robots", "url": server.url("/robots.txt"), "type": "sitemap", "keep": "all"}],
    )

    assert newswatch("run", config=config).returncode == 0

    assert len(stored_urls(sqlite_url)) == 1


def section(server: MockServer, stories) -> bytes:
    links = "".join(f'<li><a href="{s.path}">{s.title}</a></li>' for s in stories)
    furniture = (
        '<a href="/">Home</a><a href="/tag/immigration">Immigration</a><a href="/author/maria-lopez">'
        'Maria</a><a href="/video/raid-footage-from-the-plant">Video</a><a href="/news">News</a>'
    )
    return f"<html><body><nav>{furniture}</nav><ul>{links}</ul></body></html>".encode()


def test_section_page_links_are_followed_and_an_unchanged_page_costs_one_request(
    server: MockServer, tmp_path: Path, sqlite_url: str
):
    stories = [numbered_story(i, f"/news/2026/11/raid-story-number-{i}") for i in range(3)]
    for story in stories:
        server.serve(story.path, Page(article_html(story)))
    server.serve("/immigration", Page(section(server, stories[:2])))
    config = write_config(
        tmp_path,
        sqlite_url,
        [{"name": "section", "url": server.url("/immigration"), "type": "page", "keep": "all"}],
    )

    assert newswatch("run", config=config).returncode == 0
    assert len(stored_urls(sqlite_url)) == 2
    assert not any(p.startswith(("/tag/", "/author/", "/video/")) for p in server.paths_requested())
    server.clear_log()

    assert newswatch("run", "--feed", "section", config=config).returncode == 0
    assert [p for p in server.paths_requested() if p != "/robots.txt"] == ["/immigration"]

    server.serve("/immigration", Page(section(server, stories)))
    server.clear_log()
    assert newswatch("run", "--feed", "section", config=config).returncode == 0
    assert article_requests(server) == [stories[2].path]
    assert len(stored_urls(sqlite_url)) == 3


def test_search_feed_links_are_resolved_so_outlet_and_search_store_one_copy(
    server: MockServer, tmp_path: Path, sqlite_url: str
):
    for story in (RAID, DEPORTATION):
        server.serve(story.path, Page(article_html(story)))
    outlet = rss("outlet", server.base, [(s.title, server.url(s.path), None) for s in (RAID, DEPORTATION)])
    server.serve("/outlet.xml", Page(outlet, content_type="application/rss+xml"))
    # Bing wraps the publisher URL in the link (resolved without a request); the other
    # aggregator link only redirects, so it is fetched once and recognised by where it lands.
    bing = "https://www.bing.com/news/apiclick.aspx?ref=FexRss&aid=&tid=x&url=" + quote(
        server.url(RAID.path), ""
    )
    server.serve("/aggregator/AU_yqLopaque", redirect(server.url(DEPORTATION.path), 302))
    search = rss(
        "search",
        "https://www.bing.com",
        [(RAID.title, bing, None), (DEPORTATION.title, server.url("/aggregator/AU_yqLopaque"), None)],
    )
    server.serve("/search.xml", Page(search, content_type="application/rss+xml"))
    config = write_config(tmp_path, sqlite_url, [{"name": "outlet", "url": server.url("/outlet.xml")}])
    assert newswatch("run", config=config).returncode == 0
    config = write_config(
        tmp_path,
        sqlite_url,
        [
            {"name": "outlet", "url": server.url("/outlet.xml")},
            {"name": "search", "url": server.url("/search.xml")},
        ],
    )
    server.clear_log()

    assert newswatch("run", "--feed", "search", config=config).returncode == 0

    assert len(stored_urls(sqlite_url)) == 2
    assert server.requests_to(RAID.path) == []  # resolved offline, already stored
    assert len(server.requests_to("/aggregator/AU_yqLopaque")) == 1
    status = dict(query(sqlite_url, "SELECT url, status FROM urls"))
    assert status[server.url("/aggregator/AU_yqLopaque")] == "duplicate"
    server.clear_log()
    assert newswatch("run", "--feed", "search", config=config).returncode == 0
    assert article_requests(server) == [] and server.requests_to("/aggregator/AU_yqLopaque") == []


def test_a_sitemap_repeating_its_urls_is_untidy_not_a_feed_problem(
    server: MockServer, tmp_path: Path, sqlite_url: str
):
    """Like a feed repeating a link, a sitemap repeating a location is dropped quietly: reported on
    every poll, it would bury the problems a feed's owner can fix."""
    story = numbered_story(1)
    server.serve(story.path, Page(article_html(story)))
    server.serve(
        "/sitemap.xml", Page(sitemap(server, [story.path, story.path, story.path]), content_type=XML)
    )
    config = write_config(
        tmp_path,
        sqlite_url,
        [{"name": "s", "url": server.url("/sitemap.xml"), "type": "sitemap", "keep": "all"}],
    )

    assert newswatch("run", config=config).returncode == 0
    assert newswatch("run", "--feed", "s", config=config).returncode == 0

    assert article_requests(server) == [story.path]
    assert stored_urls(sqlite_url) == [f"https://127.0.0.1:{server.base.rsplit(':', 1)[1]}{story.path}"]
    assert query(sqlite_url, "SELECT reason, detail FROM failures") == []
