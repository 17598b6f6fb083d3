"""Page layouts the throughput benchmark serves: where each corpus page lives and which feed lists it.

`naeb`: every NAEB development page on one host behind one RSS feed. `multi-host`: NAEB and
newspaper4k pages spread round-robin over 18 loopback hosts (127.0.0.2 ... 127.0.0.19, each its
own download slot and robots.txt origin), every host with one feed, RSS on even hosts and Atom
on odd ones. Pages are read from ../shared/corpus at run time, never copied.
"""

from __future__ import annotations

import contextlib
import gzip
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from tests.support.mockserver import MockServer, Page
from tests.support.pages import rss

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "extraction"
NAEB = CORPUS / "naeb"
NEWSPAPER4K = CORPUS / "newspaper4k"
MULTI_HOSTS = 18
MULTI_PAGES = 300


@dataclass(frozen=True)
class ServedLayout:
    """The feeds newswatch is configured with, and every (url, html) page behind them."""

    feeds: list[dict[str, object]]
    pages: list[tuple[str, str]]


def naeb_pages() -> list[tuple[str, str]]:
    """(original URL, html) for the NAEB pages, in corpus order."""
    articles = json.loads((NAEB / "news_articles.json").read_text())
    pages = []
    for article in articles:
        path = NAEB / "html" / f"{article['html_file']}.html.gz"
        if path.exists():
            with gzip.open(path, "rt", encoding="utf8", errors="replace") as page:
                pages.append((article["link"], page.read()))
    return pages


def newspaper4k_pages() -> list[tuple[str, str]]:
    """(a made-up URL, html) for the newspaper4k pages, in name order."""
    pages = []
    for path in sorted((NEWSPAPER4K / "html").glob("*.html.gz")):
        with gzip.open(path, "rt", encoding="utf8", errors="replace") as page:
            pages.append((f"https://newspaper4k.example/{path.name.removesuffix('.html.gz')}", page.read()))
    return pages


def corpus_pages(layout: str, limit: int | None) -> list[tuple[str, str]]:
    if layout == "naeb":
        pages = naeb_pages()
    else:
        extra = newspaper4k_pages()
        pages = extra + naeb_pages()[: max(0, (limit or MULTI_PAGES) - len(extra))]
    return pages[:limit] if limit else pages


@contextlib.contextmanager
def served(layout: str, pages: list[tuple[str, str]]) -> Iterator[ServedLayout]:
    """Start the layout's servers for the pages; stopped when the block ends."""
    hosts = 1 if layout == "naeb" else MULTI_HOSTS
    with contextlib.ExitStack() as stack:
        servers = [
            stack.enter_context(MockServer(f"127.0.0.{2 + n}" if hosts > 1 else "127.0.0.1"))
            for n in range(hosts)
        ]
        listed: list[list[tuple[str, str]]] = [[] for _ in servers]
        for index, (_url, html) in enumerate(pages):
            server = servers[index % hosts]
            server.serve(f"/p/{index}", Page(html.encode("utf-8")))
            listed[index % hosts].append((f"page {index}", server.url(f"/p/{index}")))
        feeds: list[dict[str, object]] = []
        for number, (server, items) in enumerate(zip(servers, listed, strict=True)):
            if number % 2 == 0:
                body = rss(f"host {number}", server.base, [(title, link, None) for title, link in items])
                server.serve("/feed.xml", Page(body, content_type="application/rss+xml"))
            else:
                server.serve(
                    "/feed.xml",
                    Page(atom(f"host {number}", server.base, items), content_type="application/atom+xml"),
                )
            feeds.append({"name": f"{layout}-{number}", "url": server.url("/feed.xml"), "keep": "all"})
        yield ServedLayout(feeds, pages)


def atom(title: str, link: str, items: list[tuple[str, str]]) -> bytes:
    """An Atom 1.0 feed of (title, absolute link) entries."""
    entries = "".join(
        f'<entry><title>{escape(item_title)}</title><link href="{escape(item_link)}"/>'
        f"<id>{escape(item_link)}</id><updated>2026-01-01T00:00:00Z</updated></entry>"
        for item_title, item_link in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f'<title>{escape(title)}</title><link href="{escape(link)}"/><id>{escape(link)}/</id>'
        f"<updated>2026-01-01T00:00:00Z</updated>{entries}</feed>"
    ).encode()
