"""Open a web archive file as a byte stream: a local path, or http(s) read as it arrives.

A multi-GB WARC is never held in memory: a remote one is read from the socket in blocks, and
resuming at an offset uses an HTTP Range request (or, from a server that ignores Range,
discards the bytes before it). With the private-address guard on, the host's addresses are
checked and the connection is made to the checked address, so a DNS answer that changes in
between cannot lead elsewhere.
"""

from __future__ import annotations

import http.client
import io
import socket
import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, cast
from urllib.parse import urlsplit

from crawler.core.urls import is_private_address, parse_ip_disguise

USER_AGENT = "newswatch-backfill (+https://github.com/newswatch)"
_DISCARD_BLOCK = 1 << 20


class ArchiveOpenError(Exception):
    """The archive could not be opened: missing file, refused address, HTTP error."""


@dataclass(frozen=True)
class OpenedArchive:
    stream: BinaryIO
    offset: int  # where the stream starts in the archive
    size: int | None  # the archive's length, when known (for the progress ETA)


def is_remote(location: str) -> bool:
    return urlsplit(location).scheme in ("http", "https")


def open_archive(
    location: str, offset: int = 0, *, guard: bool = True, timeout: float = 60.0
) -> OpenedArchive:
    """The archive at `location`, positioned at `offset`."""
    if is_remote(location):
        return _open_remote(location, offset, guard=guard, timeout=timeout)
    path = Path(location.removeprefix("file://"))
    try:
        stream = path.open("rb")
        size = path.stat().st_size
    except OSError as exc:
        raise ArchiveOpenError(f"{location}: {exc.strerror or exc}") from None
    stream.seek(offset)
    return OpenedArchive(stream, offset, size)


def read_small(location: str, *, guard: bool = True, timeout: float = 60.0, limit: int = 64 << 20) -> bytes:
    """A whole small file (a paths listing, a CDX page), refused beyond `limit` bytes."""
    opened = open_archive(location, guard=guard, timeout=timeout)
    with opened.stream:
        data = opened.stream.read(limit + 1)
    if len(data) > limit:
        raise ArchiveOpenError(f"{location}: larger than {limit} bytes")
    return data


def _open_remote(url: str, offset: int, *, guard: bool, timeout: float) -> OpenedArchive:
    for _redirect in range(5):
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port or (443 if parts.scheme == "https" else 80)
        address = _checked_address(host, port, guard)
        connection = _connection(parts.scheme, host, address, port, timeout)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        headers = {"User-Agent": USER_AGENT, "Host": parts.netloc, "Accept-Encoding": "identity"}
        if offset:
            headers["Range"] = f"bytes={offset}-"
        try:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
        except (OSError, http.client.HTTPException) as exc:
            connection.close()
            raise ArchiveOpenError(f"{url}: {exc}") from None
        if response.status in (301, 302, 303, 307, 308) and response.getheader("Location"):
            url = _join(url, response.getheader("Location", ""))
            connection.close()
            continue
        if response.status == 206:
            total = _total_of_range(response.getheader("Content-Range"))
            return OpenedArchive(cast(BinaryIO, _AsItArrives(response, total)), offset, total)
        if response.status == 200:
            length = response.getheader("Content-Length")
            size = int(length) if length and length.isdigit() else None
            _discard(response, offset)  # the server ignored Range: skip to the offset ourselves
            return OpenedArchive(cast(BinaryIO, _AsItArrives(response, size)), offset, size)
        connection.close()
        raise ArchiveOpenError(f"{url}: HTTP {response.status}")
    raise ArchiveOpenError(f"{url}: too many redirects")


def _checked_address(host: str, port: int, guard: bool) -> str:
    literal = parse_ip_disguise(host)
    if literal:
        candidates = [literal]
    else:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as exc:
            raise ArchiveOpenError(f"{host}: cannot resolve ({exc})") from None
        candidates = [str(info[4][0]) for info in infos]
    if guard:
        for address in candidates:
            if is_private_address(address):
                raise ArchiveOpenError(f"{host} resolves to non-public address {address}")
    if not candidates:
        raise ArchiveOpenError(f"{host}: no address")
    return candidates[0]


def _connection(
    scheme: str, host: str, address: str, port: int, timeout: float
) -> http.client.HTTPConnection:
    """A connection to the checked address that still speaks (and verifies TLS) as `host`."""
    if scheme == "https":
        context = ssl.create_default_context()
        connection: http.client.HTTPConnection = _PinnedHTTPSConnection(
            address, host, port, timeout=timeout, context=context
        )
    else:
        connection = http.client.HTTPConnection(address, port, timeout=timeout)
    return connection


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """TLS to a pinned address, with the certificate checked against the URL's host name."""

    def __init__(self, address: str, server_name: str, port: int, *, timeout: float, context: ssl.SSLContext):
        super().__init__(address, port, timeout=timeout, context=context)
        self._server_name = server_name
        self._tls = context

    def connect(self) -> None:
        sock = socket.create_connection((self.host, self.port), self.timeout)
        self.sock = self._tls.wrap_socket(sock, server_hostname=self._server_name)


class _AsItArrives(io.RawIOBase):
    """A response whose reads return what has arrived rather than wait for a full block, so
    the records already received are processed while a slow server sends the rest."""

    def __init__(self, response: http.client.HTTPResponse, archive_size: int | None) -> None:
        self._response = response
        self.archive_size = archive_size  # the whole archive's length, for the reader's end check

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        return self._response.read1(size if size and size > 0 else _DISCARD_BLOCK)

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._response.close()
        super().close()


def _discard(stream: http.client.HTTPResponse, count: int) -> None:
    while count > 0:
        block = stream.read(min(count, _DISCARD_BLOCK))
        if not block:
            raise ArchiveOpenError("the archive ended before the resume offset")
        count -= len(block)


def _total_of_range(content_range: str | None) -> int | None:
    total = (content_range or "").rpartition("/")[2]
    return int(total) if total.isdigit() else None


def _join(base: str, location: str) -> str:
    from urllib.parse import urljoin

    return urljoin(base, location)
