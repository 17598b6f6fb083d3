"""A gzip or deflate body that stops before its end is lost data, not a short page.

Scrapy's decompression is lenient: a compressed stream cut short (a server or proxy dying
mid-body while its Content-Length matched what it sent) decompresses to whatever came before
the cut, and the crawl goes on with a fragment. An article page would then be stored as its
first paragraph, for good, and a feed parsed as its first entries under a validator that hides
the rest. So before Scrapy decompresses (priority 595, just ahead of its
HttpCompressionMiddleware at 590 in the response path) the outermost encoding is checked for
its end-of-stream marker: a cut stream is retried like any broken download, then fails as
``data-loss`` and stays pending for the next cycle.

The check inflates the body once more with bounded memory: output is discarded as it comes,
and it stops at the size cap (Scrapy's own decompression then refuses the body as too large).
"""

from __future__ import annotations

import zlib

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.exceptions import ResponseDataLossError
from scrapy.http import Response

_CHUNK = 1 << 16
# zlib window bits: gzip, zlib-wrapped deflate, raw deflate (servers send both as "deflate").
_WINDOW_BITS = {b"gzip": (31,), b"x-gzip": (31,), b"deflate": (15, -15)}


class TruncatedBody(ResponseDataLossError):
    """The compressed body ended before its end-of-stream marker."""


def stream_is_complete(body: bytes, window_bits: int, max_size: int) -> bool:
    """Whether `body` holds a whole compressed stream (or inflates past `max_size`, which is the
    size cap's to refuse). Raises zlib.error on data that is not this format at all."""
    inflater = zlib.decompressobj(window_bits)
    produced = 0
    data = body
    while data and not inflater.eof:
        produced += len(inflater.decompress(data, _CHUNK))
        if max_size and produced > max_size:
            return True
        data = inflater.unconsumed_tail
    return inflater.eof


def outermost_encoding(response: Response) -> bytes | None:
    """The encoding applied last (decoded first), lower-cased: `gzip` in `Content-Encoding: br, gzip`."""
    tokens = [
        token.strip().lower()
        for value in response.headers.getlist(b"Content-Encoding")
        for token in value.split(b",")
        if token.strip()
    ]
    return tokens[-1] if tokens else None


def is_cut_short(body: bytes, encoding: bytes, max_size: int) -> bool:
    for window_bits in _WINDOW_BITS[encoding]:
        try:
            return not stream_is_complete(body, window_bits, max_size)
        except zlib.error:
            continue  # not this variant of the format: the next one, else Scrapy's own error
    return False


class TruncatedBodyMiddleware:
    """Downloader middleware: retry, then fail as data-loss, a compressed body cut short."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.max_size = crawler.settings.getint("DOWNLOAD_MAXSIZE")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> TruncatedBodyMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Request | Response:
        encoding = outermost_encoding(response)
        if request.method == "HEAD" or encoding not in _WINDOW_BITS or not response.body:
            return response
        max_size = request.meta.get("download_maxsize", self.max_size)
        if not is_cut_short(response.body, encoding, max_size):
            return response
        problem = f"the {encoding.decode()} body of {len(response.body)} bytes ends before its end of stream"
        spider = self.crawler.spider
        retry = None
        if spider is not None:
            retry = get_retry_request(request, spider=spider, reason="truncated-compressed-body")
        if retry is not None:
            return retry
        raise TruncatedBody(problem)
