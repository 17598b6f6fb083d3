"""What a parsed page declares about itself: the metadata fields newswatch stores, its canonical
URL, its language and its JSON-LD blocks.

The fields are read with trafilatura's own readers in trafilatura's own order, minus the
categories, tags and licence, which newswatch never stores: on the development corpus those
three are a sizeable share of a page's extraction CPU (the README's measured table).
``tests/unit/test_page_metadata.py`` checks
that the result equals ``trafilatura.extract_metadata`` field for field, so an upgrade that
changes the readers shows up as a failing test, not as quietly different metadata.
"""

from __future__ import annotations

import contextlib
import itertools
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

from htmldate import find_date
from lxml.html import HtmlElement
from trafilatura.metadata import (
    META_URL,
    examine_meta,
    extract_author,
    extract_meta_json,
    extract_sitename,
    extract_title,
    extract_url,
)
from trafilatura.settings import Document

# Real pages carry a few hundred html/link/meta/script elements; the cap bounds a hostile page
# (already parsed, so each element costs well under a microsecond) without missing a JSON-LD
# block that follows a script-heavy body.
_MAX_HEAD_TAGS = 20_000
_MAX_LD_BLOCKS = 50  # enough for real pages; bounds work on hostile ones


def read_metadata(tree: HtmlElement, url: str, date_params: dict[str, Any]) -> Document:
    """Title, author, date, site name and description, as ``trafilatura.extract_metadata`` reads them.

    Raises whatever the readers raise on hostile markup; the caller keeps the text regardless.
    """
    metadata = examine_meta(tree)
    if metadata.author and " " not in metadata.author:
        metadata.author = None  # trafilatura's rule: a one-word author is usually a handle
    with contextlib.suppress(Exception):  # trafilatura guards its JSON-LD reader the same way
        metadata = extract_meta_json(tree, metadata)
    metadata.title = metadata.title or extract_title(tree)
    metadata.author = metadata.author or extract_author(tree)
    metadata.url = metadata.url or extract_url(tree, url)
    metadata.date = find_date(tree, **{**date_params, "url": metadata.url})
    metadata.sitename = metadata.sitename or extract_sitename(tree)
    if metadata.sitename:
        metadata.sitename = metadata.sitename.lstrip("@")
        if metadata.sitename and "." not in metadata.sitename and not metadata.sitename[0].isupper():
            metadata.sitename = metadata.sitename.title()
    elif metadata.url:
        match = META_URL.match(metadata.url)
        if match:
            metadata.sitename = match[1]
    metadata.clean_and_trim()
    return metadata


@dataclass(frozen=True)
class DeclaredHead:
    canonical_url: str | None  # absolute rel=canonical, else og:url, else None (not normalized)
    language: str | None  # primary language subtag, e.g. "en"
    ld_json_blocks: tuple[str, ...]  # raw JSON-LD script bodies, in page order


def read_head(tree: HtmlElement, url: str) -> DeclaredHead:
    """Canonical URL, language and JSON-LD blocks, in one pass over the relevant elements."""
    canonical = og_url = None
    languages: list[str] = []
    blocks: list[str] = []
    for element in itertools.islice(tree.iter("html", "link", "meta", "script"), _MAX_HEAD_TAGS):
        tag = element.tag
        if tag == "html":
            languages.append(_attribute(element, "lang"))
        elif tag == "link" and "canonical" in _attribute(element, "rel").lower().split():
            canonical = canonical or _absolute(_attribute(element, "href"), url)
        elif tag == "meta":
            key = (
                _attribute(element, "property")
                or _attribute(element, "name")
                or _attribute(element, "http-equiv")
            ).lower()
            if key == "og:url":
                og_url = og_url or _absolute(_attribute(element, "content"), url)
            elif key in ("content-language", "og:locale"):
                languages.append(_attribute(element, "content"))
        elif (
            tag == "script"
            and "application/ld+json" in _attribute(element, "type").lower()
            and element.text
            and len(blocks) < _MAX_LD_BLOCKS
        ):
            blocks.append(element.text)
    return DeclaredHead(canonical or og_url, _first_language(languages), tuple(blocks))


def _attribute(element: HtmlElement, name: str) -> str:
    return (element.get(name) or "").strip()


def _absolute(href: str, base: str) -> str | None:
    if not href:
        return None
    try:
        candidate = urljoin(base, href)
        parts = urlsplit(candidate)
    except ValueError:  # malformed IPv6 hosts and the like
        return None
    return candidate if parts.scheme in ("http", "https") and parts.netloc else None


def _first_language(values: list[str]) -> str | None:
    for value in values:
        primary = value.replace("_", "-").split("-", 1)[0].lower()
        if 2 <= len(primary) <= 3 and primary.isascii() and primary.isalpha():
            return primary
    return None
