"""crawler.meta_refresh: Scrapy's meta-refresh redirects, decided from the head of a large page."""

from __future__ import annotations

from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from crawler.scrapy_components.meta_refresh import HEAD_BYTES, HeadMetaRefreshMiddleware

URL = "https://news.example.org/story"
FILLER = "<p>" + "Paragraph text of the story. " * 2000 + "</p>"  # ~58 KB: beyond HEAD_BYTES


def middleware() -> HeadMetaRefreshMiddleware:
    return HeadMetaRefreshMiddleware.from_crawler(get_crawler(settings_dict={"METAREFRESH_MAXDELAY": 100}))


def respond(head: str, body: str = FILLER, charset: str = "utf-8") -> HtmlResponse:
    html = f"<html><head>{head}</head><body>{body}</body></html>"
    return HtmlResponse(
        URL, body=html.encode(charset), headers={"Content-Type": f"text/html; charset={charset}"}
    )


def test_large_page_with_a_refresh_in_its_head_redirects() -> None:
    response = respond('<meta http-equiv="refresh" content="0; url=/moved">')
    assert len(response.body) > HEAD_BYTES
    outcome = middleware().process_response(Request(URL), response)
    assert isinstance(outcome, Request)
    assert outcome.url == "https://news.example.org/moved"


def test_large_page_without_a_refresh_comes_back_unchanged_and_undecoded() -> None:
    response = respond("<title>Story</title>")
    outcome = middleware().process_response(Request(URL), response)
    assert outcome is response
    assert response._cached_ubody is None  # the crawling process never decoded the page


def test_refresh_url_keeps_the_pages_encoding() -> None:
    response = respond('<meta http-equiv="refresh" content="0; url=/caf\u00e9">', charset="latin-1")
    outcome = middleware().process_response(Request(URL), response)
    assert isinstance(outcome, Request)
    assert outcome.url == "https://news.example.org/caf%C3%A9"


def test_refresh_beyond_the_first_characters_is_ignored_as_scrapy_does() -> None:
    response = respond(
        "<title>Story</title>", body=FILLER + '<meta http-equiv="refresh" content="0; url=/x">'
    )
    assert middleware().process_response(Request(URL), response) is response


def test_small_page_takes_scrapys_own_path() -> None:
    response = respond('<meta http-equiv="refresh" content="0; url=/moved">', body="<p>short</p>")
    outcome = middleware().process_response(Request(URL), response)
    assert isinstance(outcome, Request) and outcome.url.endswith("/moved")
