"""A cycle's requests and responses: the meta keys the spider sets, and what the cycle reads off
a response (headers, a permanent move, an HTML page)."""

from __future__ import annotations

from scrapy.http import Response, TextResponse

from crawler.pages.encoded_page import EncodedPage

HTML_TYPES = (b"text/html", b"application/xhtml+xml")

# Request meta set by the feeds spider and read by the pipelines and the ledger.
FEED_META = "newswatch_feed"  # the FeedState a request belongs to
DEPTH_META = "newswatch_depth"  # how deep a child sitemap is below its feed
PENDING_META = "newswatch_pending"  # an article request: the PendingUrl it settles
RECHECK_META = "newswatch_recheck"  # a re-check: the RecheckTarget it looks at
HOST_META = "newswatch_lease_host"  # on a shared store: the leased host whose work the request is


def header(response: Response, name: bytes) -> str | None:
    """One header's last value, capped: a hostile server cannot hand us megabytes of it."""
    value = response.headers.get(name)
    return value.decode("latin-1")[:500] if value else None


def headers(response: Response) -> dict[str, str]:
    """Every header's last value by lowercased name, as the source parsers take them."""
    return {
        key.decode("latin-1").lower(): values[-1].decode("latin-1")
        for key, values in response.headers.items()
        if values
    }


def permanent_redirect_target(response: Response) -> str | None:
    """The new URL when every hop that led here was a permanent redirect (301/308)."""
    reasons = response.meta.get("redirect_reasons") or []
    if reasons and all(reason in (301, 308) for reason in reasons):
        return response.url
    return None


def content_type(response: Response) -> str:
    return (response.headers.get(b"Content-Type") or b"").decode("latin-1")


def html_page(response: Response) -> EncodedPage | None:
    """The page for the extraction workers to decode, or None when it is not HTML (a PDF, an
    image, a video)."""
    media_type = (response.headers.get(b"Content-Type") or b"").split(b";")[0].strip().lower()
    if not isinstance(response, TextResponse) or (media_type and media_type not in HTML_TYPES):
        return None
    return EncodedPage.of(response)
