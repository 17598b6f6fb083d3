"""Many news sites on loopback, one HTTP server per host (127.0.0.2, 127.0.0.3, ...), for scale-out.

Scrapy keys its per-host limits by host name, not port, so each site has an address of its
own. Every server counts the requests for each path and tracks how many requests it is
answering at once (the most ever, too): the politeness a set of workers keeps together is a
fact read off the server, not inferred from the crawlers' logs.
"""

from __future__ import annotations

import contextlib
import random
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from tests.support.dates import ago
from tests.support.pages import Story, article_html, rss

FEED_PATH = "/feed.xml"


class FeedGate:
    """Hold the first `parties` feed requests (on any site) until all of them have arrived.

    That many feeds in flight at once is then a fact the test checks (`released`); on a timeout
    every request is answered anyway so no crawl hangs.
    """

    def __init__(self, parties: int, timeout: float) -> None:
        self.barrier = threading.Barrier(parties, timeout=timeout)
        self.arrivals = 0
        self._lock = threading.Lock()

    @property
    def released(self) -> bool:
        return self.arrivals >= self.barrier.parties and not self.barrier.broken

    def pass_through(self) -> None:
        with self._lock:
            self.arrivals += 1
            held = self.arrivals <= self.barrier.parties
        if held:
            with contextlib.suppress(threading.BrokenBarrierError):
                self.barrier.wait()


@dataclass
class Site:
    """One host: its feed lists its own articles, and optionally links to other hosts' articles."""

    address: str
    articles: int
    latency: float
    number: int
    foreign_links: list[str] = field(default_factory=list)  # absolute URLs on other hosts
    hold: threading.Event | None = None  # article answers past `stall_after` wait for it
    stall_after: int = 0
    retry_after: int | None = None  # articles answer 429 with this Retry-After
    feed_gate: FeedGate | None = None
    hits: Counter[str] = field(default_factory=Counter)
    in_flight: int = 0
    in_flight_paths: Counter[str] = field(default_factory=Counter)
    most_in_flight: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    server: ThreadingHTTPServer | None = None

    @property
    def base(self) -> str:
        assert self.server is not None
        return f"http://{self.address}:{self.server.server_address[1]}"

    def article_path(self, index: int) -> str:
        return f"/a/{index}.html"

    def article_paths(self) -> list[str]:
        return [self.article_path(index) for index in range(self.articles)]

    def feed_body(self) -> bytes:
        links = [
            (f"Story {index}", self.base + self.article_path(index), ago(hours=1))
            for index in range(self.articles)
        ]
        links += [(f"Elsewhere {index}", url, ago(hours=1)) for index, url in enumerate(self.foreign_links)]
        return rss(f"Site {self.number}", self.base + "/", links)

    def article_body(self, path: str) -> bytes | None:
        if not path.startswith("/a/") or not path.endswith(".html"):
            return None
        index = int(path[3:-5])
        if not 0 <= index < self.articles:
            return None
        return article_html(distinct_story(self.number, index, path), site_name=f"Site {self.number}")

    def requested(self) -> int:
        """Article requests received (answered or not)."""
        with self.lock:
            return sum(count for path, count in self.hits.items() if path.startswith("/a/"))

    def stalled(self) -> list[str]:
        """Article URLs whose requests are being held right now."""
        with self.lock:
            return [
                self.base + path
                for path, count in self.in_flight_paths.items()
                if count > 0 and path.startswith("/a/")
            ]


_SYLLABLES = (
    "ka",
    "lo",
    "mi",
    "re",
    "tu",
    "sa",
    "ve",
    "no",
    "pi",
    "da",
    "gu",
    "ren",
    "tol",
    "mar",
    "sin",
    "bel",
)


def distinct_story(site: int, index: int, path: str) -> Story:
    """A story whose words no other story shares (seeded by site and index): every article is its
    own original, never an exact or near copy of another, so each is one stored row of its own."""
    rng = random.Random(site * 100_003 + index)

    def sentence(words: int) -> str:
        chosen = ["".join(rng.choices(_SYLLABLES, k=rng.randint(2, 4))) for _ in range(words)]
        return " ".join(chosen).capitalize() + "."

    paragraphs = tuple(" ".join(sentence(rng.randint(12, 20)) for _ in range(3)) for _ in range(4))
    return Story(path=path, title=f"Site {site} report {index}: {sentence(6)}", paragraphs=paragraphs)


class HostFarm:
    """``with HostFarm(hosts=12, articles=25) as farm:`` — servers on 127.0.0.2 onwards."""

    def __init__(self, hosts: int, articles: int, latency: float = 0.05, first_address: int = 2) -> None:
        self.sites = [
            Site(f"127.0.0.{first_address + number}", articles, latency, number) for number in range(hosts)
        ]
        self._threads: list[threading.Thread] = []

    def __enter__(self) -> HostFarm:
        for site in self.sites:
            server = ThreadingHTTPServer((site.address, 0), _handler_for(site))
            server.daemon_threads = True
            site.server = server
            thread = threading.Thread(target=server.serve_forever, daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def __exit__(self, *exc: object) -> None:
        for site in self.sites:
            if site.hold is not None:
                site.hold.set()
            assert site.server is not None
            site.server.shutdown()
            site.server.server_close()

    def feeds(self, sites: list[int] | None = None) -> list[dict[str, object]]:
        """Configuration entries: one feed per site (or per site numbered in `sites`), all kept."""
        chosen = [site for site in self.sites if sites is None or site.number in sites]
        return [
            {"name": f"site-{site.number}", "url": site.base + FEED_PATH, "interval": "1h", "keep": "all"}
            for site in chosen
        ]

    def article_hits(self) -> Counter[str]:
        """Requests per article URL, over every site."""
        counts: Counter[str] = Counter()
        for site in self.sites:
            with site.lock:
                for path, count in site.hits.items():
                    if path.startswith("/a/"):
                        counts[site.base + path] += count
        return counts

    def all_article_urls(self) -> list[str]:
        return [site.base + path for site in self.sites for path in site.article_paths()]

    def most_in_flight(self) -> dict[str, int]:
        return {site.address: site.most_in_flight for site in self.sites}


def _handler_for(site: Site) -> Callable[..., BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            path = urlsplit(self.path).path
            with site.lock:
                site.hits[path] += 1
                site.in_flight += 1
                site.in_flight_paths[path] += 1
                site.most_in_flight = max(site.most_in_flight, site.in_flight)
                answered_before = sum(n for p, n in site.hits.items() if p.startswith("/a/")) - 1
            try:
                self._answer(path, stall=answered_before >= site.stall_after)
            finally:
                with site.lock:
                    site.in_flight -= 1
                    site.in_flight_paths[path] -= 1

        def _answer(self, path: str, stall: bool) -> None:
            time.sleep(site.latency)  # the web's latency: fetching, not CPU, limits a worker
            if path == FEED_PATH:
                if site.feed_gate is not None:
                    site.feed_gate.pass_through()
                return self._send(200, site.feed_body(), "application/rss+xml")
            body = site.article_body(path)
            if body is not None and site.retry_after is not None:
                return self._send(429, b"slow down", "text/plain", {"Retry-After": str(site.retry_after)})
            if body is None:
                return self._send(404, b"not found", "text/plain")
            if site.hold is not None and stall:
                site.hold.wait(300)
            self._send(200, body, "text/html; charset=utf-8")

        def _send(
            self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None
        ) -> None:
            try:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except OSError:  # the crawler hung up (a killed worker)
                pass

    return Handler
