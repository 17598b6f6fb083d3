"""A real HTTP server on 127.0.0.1 (port 0) with canned pages and behaviours, for end-to-end tests.

Like Scrapy's own ``tests/mockserver``: tests register what each path serves, run the real
crawler against it, then assert on what was requested and with which headers.
"""

from __future__ import annotations

import gzip
import ipaddress
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import pytest


@dataclass
class Page:
    """A static response; ETag/Last-Modified make it answer conditional requests with 304."""

    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None
    gzip: bool = False


@dataclass(frozen=True)
class Hit:
    """One request the server received."""

    method: str
    path: str
    headers: dict[str, str]
    status: int


Behaviour = Callable[["_Handler"], None]


class MockServer:
    """Serve registered pages; everything else is 404. Thread-safe request log."""

    def __init__(self, address: str = "127.0.0.1", port: int = 0) -> None:
        """`address`: any loopback address (all of 127/8 is loopback on Linux), for benchmarks
        that need several distinct hosts, or a test address added to the loopback interface;
        `port`: 0 for any free one."""
        self.pages: dict[str, Page | Behaviour] = {}
        self.hits: list[Hit] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer((address, port), _Handler)
        self._server.daemon_threads = True
        self._server.mock = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self.closing = threading.Event()  # releases stalled handlers at shutdown

    def __enter__(self) -> MockServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.closing.set()
        self._server.shutdown()
        self._server.server_close()

    @property
    def base(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def serve(self, path: str, page: Page | Behaviour) -> None:
        self.pages[path] = page

    def record(self, hit: Hit) -> None:
        with self._lock:
            self.hits.append(hit)

    def requests_to(self, path: str) -> list[Hit]:
        with self._lock:
            return [hit for hit in self.hits if hit.path == path]

    def paths_requested(self) -> list[str]:
        with self._lock:
            return [hit.path for hit in self.hits]

    def clear_log(self) -> None:
        with self._lock:
            self.hits.clear()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: Any

    def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
        pass

    def do_GET(self) -> None:
        mock: MockServer = self.server.mock
        path = urlsplit(self.path).path
        full = self.path
        page = mock.pages.get(full, mock.pages.get(path))
        if page is None:
            self.send_simple(404, b"not found", "text/plain")
        elif callable(page):
            page(self)
        else:
            self.send_page(page)

    def send_page(self, page: Page) -> None:
        if page.etag and self.headers.get("If-None-Match") == page.etag:
            return self.send_simple(304, b"", None, {"ETag": page.etag})
        if (
            page.last_modified
            and self.headers.get("If-Modified-Since") == page.last_modified
            and not page.etag
        ):
            return self.send_simple(304, b"", None, {"Last-Modified": page.last_modified})
        headers = dict(page.headers)
        if page.etag:
            headers["ETag"] = page.etag
        if page.last_modified:
            headers["Last-Modified"] = page.last_modified
        body = page.body
        if page.gzip:
            body = gzip.compress(body)
            headers["Content-Encoding"] = "gzip"
        self.send_simple(page.status, body, page.content_type, headers)

    def send_simple(
        self, status: int, body: bytes, content_type: str | None, headers: dict[str, str] | None = None
    ) -> None:
        self.server.mock.record(Hit("GET", self.path, dict(self.headers.items()), status))
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if status != 304:
            self.wfile.write(body)


def redirect(location: str, status: int = 301) -> Behaviour:
    """A behaviour answering with a redirect."""

    def behave(handler: _Handler) -> None:
        handler.send_simple(status, b"", "text/plain", {"Location": location})

    return behave


def trickle(body: bytes, every_seconds: float, content_type: str = "application/rss+xml") -> Behaviour:
    """Send the body one byte at a time: a download that must stop at the total timeout."""

    def behave(handler: _Handler) -> None:
        handler.server.mock.record(Hit("GET", handler.path, dict(handler.headers.items()), 200))
        handler.send_response(200)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        try:
            for byte in body:
                handler.wfile.write(bytes([byte]))
                handler.wfile.flush()
                time.sleep(every_seconds)
        except OSError:
            pass

    return behave


def stall_after_headers(content_type: str = "application/rss+xml") -> Behaviour:
    """Promise a body, send a few bytes, then go silent until the server shuts down: a stalled download."""

    def behave(handler: _Handler) -> None:
        handler.server.mock.record(Hit("GET", handler.path, dict(handler.headers.items()), 200))
        handler.send_response(200)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", "100000")
        handler.end_headers()
        try:
            handler.wfile.write(b"<?xml version='1.0'?><rss>")
            handler.wfile.flush()
        except OSError:
            return
        handler.server.mock.closing.wait(300)

    return behave


def raw(response: bytes, then_close: bool = True) -> Behaviour:
    """Write these exact bytes on the socket (garbage status lines, short bodies, broken chunking)."""

    def behave(handler: _Handler) -> None:
        handler.server.mock.record(Hit("GET", handler.path, dict(handler.headers.items()), 0))
        try:
            handler.wfile.write(response)
            handler.wfile.flush()
        except OSError:
            return
        if then_close:
            handler.close_connection = True
            handler.connection.shutdown(2)

    return behave


def never_answer() -> Behaviour:
    """Accept the request and say nothing until the server shuts down."""

    def behave(handler: _Handler) -> None:
        handler.server.mock.record(Hit("GET", handler.path, dict(handler.headers.items()), 0))
        handler.server.mock.closing.wait(300)

    return behave


def endless(
    content_type: str = "application/rss+xml", chunk: bytes = b"<!-- padding -->" * 4096
) -> Behaviour:
    """A chunked body that never ends (until the client hangs up or the server shuts down)."""

    def behave(handler: _Handler) -> None:
        handler.server.mock.record(Hit("GET", handler.path, dict(handler.headers.items()), 200))
        handler.send_response(200)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Transfer-Encoding", "chunked")
        handler.end_headers()
        try:
            opening = b"<?xml version='1.0'?><rss><channel>"
            handler.wfile.write(b"%x\r\n%s\r\n" % (len(opening), opening))
            while not handler.server.mock.closing.is_set():
                handler.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        except OSError:
            pass

    return behave


def encoded(body: bytes, encoding: str, content_type: str = "text/html; charset=utf-8") -> Behaviour:
    """Serve a body already compressed with `encoding` (e.g. a compression bomb)."""

    def behave(handler: _Handler) -> None:
        handler.send_simple(200, body, content_type, {"Content-Encoding": encoding})

    return behave


def loopback_name() -> str:
    """A host name (not an IP literal, not 'localhost') that resolves to loopback here, or skip."""
    name = socket.gethostname()
    try:
        address = socket.getaddrinfo(name, 80, type=socket.SOCK_STREAM)[0][4][0]
    except OSError:
        pytest.skip(f"this machine's name {name!r} does not resolve")
    if not ipaddress.ip_address(address).is_loopback:
        pytest.skip(f"this machine's name {name!r} resolves to {address}, not loopback")
    return name
