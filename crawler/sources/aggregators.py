"""Publisher URLs behind aggregator links (Google News, Bing News, Google redirects), offline.

Search feeds link to the aggregator, not to the article: a Bing News RSS item points at
``bing.com/news/apiclick.aspx?...&url=<publisher URL>``, a Google News RSS item at
``news.google.com/rss/articles/<id>``. Deduplication, done against the store by canonical
URL before any article request, must see the publisher's URL, or the same article found
through a search feed and through the outlet's own feed would be stored twice. This module
recovers it without any request:

- Bing: the ``url`` parameter of ``/news/apiclick.aspx``; the ``u`` parameter of
  ``/ck/a`` (``a1`` + base64url).
- Google: the ``q``/``url`` parameter of ``google.<tld>/url`` (Alerts, search, Docs),
  and of ``news.google.com/news/url`` (Google News RSS before 2020).
- Google News article ids (``/rss/articles/``, ``/articles/``, ``/read/``,
  ``/__i/rss/rd/articles/``): base64url of a small protobuf. Ids issued until mid-2024
  (``CBMi`` + base64 of ``http...``) carry the URL in field 4, the AMP URL in field 26.
  Newer ids carry an opaque token (``AU_yqL...``) instead: only Google can map them,
  so they resolve to None and the spider has to ask (fetch the link and take the URL
  it lands on). Public decoders report that Google now answers these with a 200 page
  whose script, not a 3xx, leads on; check that before relying on redirects.

Wrappers inside wrappers are unwrapped up to MAX_NESTING levels.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

from crawler.core.urls import is_fetchable_url, site_of

MAX_NESTING = 3
MAX_ID_CHARS = 4096

_GOOGLE_SITE = re.compile(r"google\.(?:com|[a-z]{2}|co\.[a-z]{2}|com\.[a-z]{2})")
_NEWS_ID_PARENTS = ("articles", "read")
_OPAQUE_ID_PREFIX = b"AU_yqL"  # newer Google News ids: a token, not a URL
_URL_FIELD = 4


def is_aggregator(url: str) -> bool:
    """Whether ``url`` is an aggregator's stand-in for a publisher's article (or its cluster page)."""
    site, path = site_of(url), _path(url)
    if site == "news.google.com":
        return True
    if _GOOGLE_SITE.fullmatch(site):
        return path == "/url"
    return site == "bing.com" and path in ("/news/apiclick.aspx", "/ck/a")


def resolve_aggregator_link(url: str) -> str | None:
    """The publisher URL behind ``url``, found without a network request.

    A URL that is not an aggregator link is returned unchanged (it already is the
    publisher's). None means only an HTTP request can tell (newer Google News ids,
    story and topic pages) or the target is missing or not fetchable.
    """
    for _ in range(MAX_NESTING + 1):
        if not is_fetchable_url(url):
            return None
        if not is_aggregator(url):
            return url
        target = _unwrap(url)
        if target is None:
            return None
        url = target
    return None


def _unwrap(url: str) -> str | None:
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    path = parts.path.rstrip("/").lower()
    if path.endswith("/url"):  # google.<tld>/url, news.google.com/news/url
        return _first(query.get("url")) or _first(query.get("q"))
    if path == "/news/apiclick.aspx":
        return _first(query.get("url"))
    if path == "/ck/a":
        encoded = _first(query.get("u")) or ""
        return _base64_text(encoded[2:]) if encoded.startswith("a1") else None
    segments = parts.path.rstrip("/").split("/")  # ids are case-sensitive
    if len(segments) >= 3 and segments[-2] in _NEWS_ID_PARENTS:
        return _google_news_target(segments[-1])
    return None  # a story cluster, a topic, a search: no single article behind it


def _google_news_target(article_id: str) -> str | None:
    """The URL inside an older Google News article id; None for opaque (newer) ids."""
    if len(article_id) > MAX_ID_CHARS:
        return None
    try:
        data = base64.urlsafe_b64decode(article_id + "=" * (-len(article_id) % 4))
        fields = list(_length_delimited_fields(data))
    except (binascii.Error, ValueError):
        return None
    ordered = [value for number, value in fields if number == _URL_FIELD]
    if ordered and ordered[0].startswith(_OPAQUE_ID_PREFIX):
        return None
    ordered += [value for number, value in fields if number != _URL_FIELD]  # e.g. the AMP URL
    for value in ordered:
        text = value.decode("utf-8", "replace")
        if text.startswith(("http://", "https://")) and is_fetchable_url(text):
            return text
    return None


def _length_delimited_fields(data: bytes) -> Iterator[tuple[int, bytes]]:
    """(field number, bytes) of each length-delimited field of a protobuf message."""
    position = 0
    while position < len(data):
        key, position = _varint(data, position)
        number, wire_type = key >> 3, key & 7
        if wire_type == 0:
            _, position = _varint(data, position)
        elif wire_type == 2:
            length, position = _varint(data, position)
            if position + length > len(data):
                raise ValueError("truncated field")
            yield number, data[position : position + length]
            position += length
        elif wire_type in (1, 5):
            position += 8 if wire_type == 1 else 4
        else:
            return  # groups or garbage: nothing more we can read


def _varint(data: bytes, position: int) -> tuple[int, int]:
    value = shift = 0
    for index in range(position, min(position + 10, len(data))):
        value |= (data[index] & 0x7F) << shift
        if data[index] < 0x80:
            return value, index + 1
        shift += 7
    raise ValueError("truncated varint")


def _base64_text(encoded: str) -> str | None:
    try:
        return base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode("utf-8")
    except (binascii.Error, ValueError):
        return None


def _first(values: list[str] | None) -> str | None:
    return values[0].strip() if values and values[0].strip() else None


def _path(url: str) -> str:
    try:
        return urlsplit(url.strip()).path.rstrip("/").lower() or "/"
    except (ValueError, AttributeError):
        return ""
