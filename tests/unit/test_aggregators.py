"""Aggregator links resolve to the publisher's URL offline, so dedupe sees one article, not two."""

from __future__ import annotations

import base64
import re

import pytest

from crawler.core.urls import canonical_url
from crawler.sources.aggregators import is_aggregator, resolve_aggregator_link
from crawler.sources.feeds import parse_feed
from tests.support import SOURCE_FIXTURES
from tests.support.corpus import SHARED, corpus_absent

GOOGLE_NEWS_FEED = (
    SHARED / "corpus" / "feeds" / "real" / "google-news" / "brh55__google_news_rss_search_food_2017.xml"
)

# Article ids as Google News RSS publishes them (found in public repositories): one issued
# before mid-2024 that carries the URL (and the AMP URL), one newer opaque token.
OLD_GOOGLE_ID = (
    "CBMiWmh0dHBzOi8vd3d3Lm5kdHYuY29tL3dvcmxkLW5ld3MvZWxvbi1tdXNrLXJlY2xhaW1zLXRoZS10aXRsZS1vZi13b3Js"
    "ZHMtcmljaGVzdC1tYW4tMzgyMDMyONIBYGh0dHBzOi8vd3d3Lm5kdHYuY29tL3dvcmxkLW5ld3MvZWxvbi1tdXNrLXJlY2xh"
    "aW1zLXRoZS10aXRsZS1vZi13b3JsZHMtcmljaGVzdC1tYW4tMzgyMDMyOC9hbXAvMQ"
)
OLD_GOOGLE_TARGET = (
    "https://www.ndtv.com/world-news/elon-musk-reclaims-the-title-of-worlds-richest-man-3820328"
)
NEW_GOOGLE_ID = (
    "CBMipAFBVV95cUxOTHEwU1ZaV1pkRUgzU0MxV3EzaW5EUkVnUnZ1NHVWT2phRlhvMWFjOHlrVkF6ZnhVekVTcjlvU3RCbVBa"
    "NjFhYTQtcFFtOUtJZ1Q4ZkVnSEg1bjFJVEwwbGlmZ1JxWWVZb0xGTmc1cnZwMGlQdWxlN0VVSmYyNjB0ZW1zS3QxY2tCUmZ1"
    "Q2YxSDFZUFJrRjg4ZnIwd0k3UVlhc0pMZQ"
)


def google_news_id(*fields: tuple[int, bytes]) -> str:
    """A Google News article id built the way Google builds them: base64url of a protobuf."""
    message = b"\x08\x13"  # field 1, varint 19, as in real ids
    for number, value in fields:
        message += _varint(number << 3 | 2) + _varint(len(value)) + value
    return base64.urlsafe_b64encode(message).decode().rstrip("=")


def _varint(value: int) -> bytes:
    out = b""
    while value >= 0x80:
        out += bytes([value & 0x7F | 0x80])
        value >>= 7
    return out + bytes([value])


# --- Google News ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "template",
    [
        "https://news.google.com/rss/articles/{}?oc=5",
        "https://news.google.com/articles/{}?hl=en-US&gl=US&ceid=US:en",
        "https://news.google.com/__i/rss/rd/articles/{}?oc=5",
        "https://news.google.com/read/{}",
    ],
)
def test_older_google_news_ids_carry_the_publisher_url(template: str) -> None:
    url = template.format(OLD_GOOGLE_ID)
    assert is_aggregator(url)
    assert resolve_aggregator_link(url) == OLD_GOOGLE_TARGET  # field 4, not the AMP URL in field 26


def test_newer_google_news_ids_need_the_redirect() -> None:
    url = f"https://news.google.com/rss/articles/{NEW_GOOGLE_ID}?oc=5"
    assert is_aggregator(url)
    assert resolve_aggregator_link(url) is None


def test_long_urls_use_a_two_byte_length() -> None:
    target = "https://www.example-tribune.com/news/" + "long-slug-" * 20
    article_id = google_news_id((4, target.encode()))
    assert resolve_aggregator_link(f"https://news.google.com/rss/articles/{article_id}") == target


def test_amp_url_is_the_fallback_when_field_4_is_no_url() -> None:
    article_id = google_news_id((4, b"not a url"), (26, b"https://www.example-tribune.com/story/amp"))
    assert resolve_aggregator_link(f"https://news.google.com/articles/{article_id}") == (
        "https://www.example-tribune.com/story/amp"
    )


@pytest.mark.parametrize(
    "article_id",
    [
        google_news_id((4, b"javascript:alert(1)")),
        google_news_id((4, b"file:///etc/passwd")),
        google_news_id((4, b"http://user@evil.example/")),
        "CBMi",  # truncated
        "CBMi" + "A" * 20,
        "!!!not-base64!!!",
        "CBMi" + "_" * 5000,
        base64.urlsafe_b64encode(b"\x08\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff").decode(),
        base64.urlsafe_b64encode(b"\x22\xff\xff\xff\x0f" + b"https://a.example/x").decode(),
    ],
)
def test_garbage_and_unfetchable_ids_resolve_to_none(article_id: str) -> None:
    assert resolve_aggregator_link(f"https://news.google.com/rss/articles/{article_id}") is None


@pytest.mark.parametrize(
    "url",
    [
        "https://news.google.com/story/dPSDek0PR-jNaUM?hl=en&ned=us",
        "https://news.google.com/topics/CAAqIggKIhxDQkFTRHdvSkwyMHZNRGxqTjNjd0VnSmxiaWdBUAE",
        "https://news.google.com/rss/search?q=ICE+raid",
        "https://news.google.com/",
    ],
)
def test_google_news_pages_without_one_article_resolve_to_none(url: str) -> None:
    assert is_aggregator(url)
    assert resolve_aggregator_link(url) is None


def test_real_google_news_feed_links_are_publisher_urls_and_story_links_are_not() -> None:
    if not GOOGLE_NEWS_FEED.is_file():
        corpus_absent(GOOGLE_NEWS_FEED)
    body = GOOGLE_NEWS_FEED.read_bytes()
    entries = parse_feed(body, "https://news.google.com/rss/search?q=food").entries
    assert len(entries) == 10
    # The 2017 feed links straight to publishers: nothing to resolve, the URL comes back as is.
    assert all(not is_aggregator(entry.link) for entry in entries)
    assert [resolve_aggregator_link(entry.link) for entry in entries] == [entry.link for entry in entries]
    # Its descriptions link to "Full coverage" story clusters: aggregator pages with no single article.
    story_links = re.findall(rb'href="(https://news\.google\.com/story/[^"]*)"', body.replace(b"&amp;", b"&"))
    assert len(story_links) == 10
    assert all(is_aggregator(link.decode()) for link in story_links)
    assert all(resolve_aggregator_link(link.decode()) is None for link in story_links)


# --- Google redirects ---------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://www.google.com/url?rct=j&sa=t&url=https://www.example-tribune.com/story/2871365&ct=ga&cd=CAE",
        "https://www.google.com/url?q=https%3A%2F%2Fwww.example-tribune.com%2Fstory%2F2871365&sa=D",
        "https://google.co.uk/url?q=https://www.example-tribune.com/story/2871365",
        "http://news.google.com/news/url?sa=t&fd=R&usg=AFQjCNE&url=https://www.example-tribune.com/story/2871365",
    ],
)
def test_google_redirects_unwrap(url: str) -> None:
    assert is_aggregator(url)
    assert resolve_aggregator_link(url) == "https://www.example-tribune.com/story/2871365"


def test_google_search_pages_are_not_aggregator_links() -> None:
    assert not is_aggregator("https://www.google.com/search?q=ice+raid")
    assert not is_aggregator("https://www.google.evil.example/url?q=https://a.example/")


# --- Bing ------------------------------------------------------------------------------


def test_bing_news_feed_links_resolve_to_publishers() -> None:
    body = (SOURCE_FIXTURES / "bing-news-search.xml").read_bytes()
    entries = parse_feed(body, "https://www.bing.com/news/search?q=x&format=rss").entries
    expected = [match.decode() for match in re.findall(rb"<!-- publisher: (\S+) -->", body)]
    assert len(expected) == 3
    assert all(is_aggregator(entry.link) for entry in entries)
    assert [resolve_aggregator_link(entry.link) for entry in entries] == expected


def test_search_feed_and_outlet_feed_give_one_canonical_url() -> None:
    bing = (
        "http://www.bing.com/news/apiclick.aspx?ref=FexRss&aid=&tid=1&url=https%3a%2f%2fwww.example-tribune.com"
        "%2fnews%2f2024%2f05%2f12%2fice-raid-meatpacking-plant%2f%3futm_source%3dbing&c=1&mkt=en-us"
    )
    google = "https://news.google.com/rss/articles/" + google_news_id(
        (4, b"https://example-tribune.com/news/2024/05/12/ice-raid-meatpacking-plant")
    )
    outlet = "https://www.example-tribune.com/news/2024/05/12/ice-raid-meatpacking-plant/"
    keys = {canonical_url(resolve_aggregator_link(url) or "") for url in (bing, google, outlet)}
    assert keys == {canonical_url(outlet)} and None not in keys


def test_bing_click_links_decode_base64() -> None:
    target = "https://www.example-tribune.com/story/2871365"
    encoded = "a1" + base64.urlsafe_b64encode(target.encode()).decode().rstrip("=")
    url = f"https://www.bing.com/ck/a?!&&p=abc&ptn=3&u={encoded}&ntb=1"
    assert is_aggregator(url)
    assert resolve_aggregator_link(url) == target


@pytest.mark.parametrize(
    "url",
    [
        "https://www.bing.com/news/apiclick.aspx?ref=FexRss&aid=&tid=1",  # no url parameter
        "https://www.bing.com/news/apiclick.aspx?url=javascript%3aalert(1)",
        "https://www.bing.com/news/apiclick.aspx?url=http%3a%2f%2fwww.example.com%40evil.example%2f",
        "https://www.bing.com/ck/a?u=a1!!!",
        "https://www.bing.com/ck/a?u=zz",
    ],
)
def test_bing_links_without_a_usable_target_resolve_to_none(url: str) -> None:
    # (Private addresses are not judged here: the address guard runs after name resolution.)
    assert resolve_aggregator_link(url) is None


# --- nesting and plain links -----------------------------------------------------------


def test_wrappers_inside_wrappers_unwrap_to_a_limit() -> None:
    inner = "https://news.google.com/rss/articles/" + google_news_id((4, b"https://a.example/story-one"))
    wrapped = "https://www.google.com/url?q=" + inner.replace(":", "%3A").replace("/", "%2F")
    assert resolve_aggregator_link(wrapped) == "https://a.example/story-one"
    loop = "https://a.example/end-of-the-chain"
    for _ in range(5):
        loop = "https://www.google.com/url?q=" + loop.replace("%", "%25").replace("&", "%26").replace(
            "?", "%3F"
        )
    assert resolve_aggregator_link(loop) is None


@pytest.mark.parametrize(
    "url",
    ["https://www.example-tribune.com/story/2871365", "https://news.yahoo.com/ice-raid-story-1234.html"],
)
def test_publisher_urls_come_back_unchanged(url: str) -> None:
    assert not is_aggregator(url)
    assert resolve_aggregator_link(url) == url


@pytest.mark.parametrize("url", ["", "javascript:alert(1)", "not a url", "http://[::1", "file:///etc/passwd"])
def test_unfetchable_input_resolves_to_none(url: str) -> None:
    assert resolve_aggregator_link(url) is None
    assert is_aggregator(url) is False
