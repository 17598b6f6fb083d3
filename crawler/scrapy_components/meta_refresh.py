"""Meta-refresh redirects, read from the head of the page instead of the whole page.

Scrapy's MetaRefreshMiddleware looks for ``<meta http-equiv="refresh">`` in the first 4,096
characters, but gets them by decoding the entire body on the crawling process, whose CPU
the reactor needs. This subclass hands it a copy cut to the first
bytes that can hold those characters, with the full page's encoding, and otherwise behaves
exactly like Scrapy's middleware and honours the same settings.
"""

from __future__ import annotations

from scrapy import Request
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.http import HtmlResponse, Response

# 4,096 characters in any encoding a page can declare take at most four bytes each.
HEAD_BYTES = 4 * 4096


class HeadMetaRefreshMiddleware(MetaRefreshMiddleware):
    """Scrapy's MetaRefreshMiddleware, given only the head of a large page."""

    def process_response(
        self, request: Request, response: Response, spider: object = None
    ) -> Request | Response:
        if not isinstance(response, HtmlResponse) or len(response.body) <= HEAD_BYTES:
            return super().process_response(request, response)
        head = response.replace(body=response.body[:HEAD_BYTES], encoding=response.encoding)
        outcome = super().process_response(request, head)
        return response if outcome is head else outcome
