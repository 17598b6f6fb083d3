"""The archive replay middleware: answers a backfill's request from the archived record.

Nothing goes out on the network for such a request: it is answered before the address guard
and the download, with the archived status, headers and body, and then flows through the
response middlewares and the pipeline like any download.
"""

from __future__ import annotations

from scrapy import Request
from scrapy.http import HtmlResponse, Response

ARCHIVED_META = "newswatch_archived"  # the ArchivedPage (crawler.sources.warc) a request replays
# The archived body is already decoded (warcio undoes chunking and compression).
_DROPPED_HEADERS = frozenset({"content-encoding", "transfer-encoding", "content-length"})


class ArchiveReplayMiddleware:
    """Return the archived response for requests that carry one."""

    def process_request(self, request: Request) -> Response | None:
        page = request.meta.get(ARCHIVED_META)
        if page is None:
            return None
        headers = {name: value for name, value in page.headers.items() if name not in _DROPPED_HEADERS}
        return HtmlResponse(url=request.url, status=200, headers=headers, body=page.body, request=request)
