"""What a page's schema.org JSON-LD says its text is: the article's ``articleBody``, or, for a
live blog (``LiveBlogPosting``), its ``liveBlogUpdate`` entries in page order.

A live blog's updates are themselves ``BlogPosting`` objects with their own ``articleBody``;
they are read as updates, never as the page's body, so one update is never taken for the
article. Parsing is bounded: malformed blocks are skipped and nesting depth, which the page
controls, never recurses.
"""

from __future__ import annotations

import html as html_lib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

MAX_LIVE_UPDATES = 2_000  # far beyond a real day's coverage; bounds work on a hostile page


@dataclass(frozen=True)
class LiveUpdate:
    """One ``liveBlogUpdate`` entry: its time (when given), headline and body lines."""

    published: datetime | None
    headline: str
    body: str


@dataclass(frozen=True)
class StructuredText:
    """The text a page declares in JSON-LD."""

    article_body: str  # the longest articleBody outside any live-blog update ("" when none)
    is_liveblog: bool  # a LiveBlogPosting is declared
    updates: tuple[LiveUpdate, ...]  # its liveBlogUpdate entries, in page order


def read_structured_text(blocks: tuple[str, ...]) -> StructuredText:
    """The declared article body and live-blog updates of a page's JSON-LD blocks."""
    body, liveblog = "", False
    updates: list[LiveUpdate] = []
    for data in _parsed(blocks):
        for node, inside_update in _nodes(data):
            if _has_type(node, "LiveBlogPosting"):
                liveblog = True
                if not updates:  # several live blogs on one page: the first is the page's own
                    updates = _updates_of(node)
            candidate = node.get("articleBody")
            if not inside_update and isinstance(candidate, str) and len(candidate) > len(body):
                body = candidate
    return StructuredText(markup_to_lines(body), liveblog, tuple(updates))


_BLOCK_END = re.compile(r"<(?:/p|br\s*/?|/h[1-6]|/li|/div|/blockquote)\s*>", re.I)
_ANY_TAG = re.compile(r"<[^<>]*>")


def markup_to_lines(body: str) -> str:
    """Plain lines from a declared body; some publishers put (entity-escaped) HTML in it."""
    body = html_lib.unescape(body)
    if "<" in body:
        body = _ANY_TAG.sub(" ", _BLOCK_END.sub("\n", body))
    lines = (" ".join(line.split()) for line in body.splitlines())
    return "\n".join(line for line in lines if line)


def _parsed(blocks: tuple[str, ...]) -> Iterator[Any]:
    for block in blocks:
        try:
            yield json.loads(block, strict=False)  # strict=False: raw newlines in strings are common
        except (ValueError, RecursionError):
            continue  # malformed JSON-LD: skip it, keep the text


def _nodes(data: Any) -> Iterator[tuple[dict[str, Any], bool]]:
    """Every object in a JSON document with whether it sits inside a liveBlogUpdate, in document
    order, without recursion (depth is attacker-controlled)."""
    stack: list[tuple[Any, bool]] = [(data, False)]
    while stack:
        item, inside_update = stack.pop()
        if isinstance(item, dict):
            yield item, inside_update
            children = [(value, inside_update or key == "liveBlogUpdate") for key, value in item.items()]
            stack.extend(reversed(children))
        elif isinstance(item, list):
            stack.extend((value, inside_update) for value in reversed(item))


def _has_type(node: dict[str, Any], wanted: str) -> bool:
    declared = node.get("@type")
    types = declared if isinstance(declared, list) else [declared]
    return any(isinstance(kind, str) and kind.rsplit("/", 1)[-1] == wanted for kind in types)


def _updates_of(node: dict[str, Any]) -> list[LiveUpdate]:
    entries = node.get("liveBlogUpdate")
    if isinstance(entries, dict):
        entries = [entries]
    if not isinstance(entries, list):
        return []
    updates = []
    for entry in entries[:MAX_LIVE_UPDATES]:
        if not isinstance(entry, dict):
            continue
        body = entry.get("articleBody") or entry.get("text") or entry.get("description")
        headline = entry.get("headline") or entry.get("name")
        update = LiveUpdate(
            published=_parse_time(entry.get("datePublished") or entry.get("dateCreated")),
            headline=" ".join(headline.split()) if isinstance(headline, str) else "",
            body=markup_to_lines(body) if isinstance(body, str) else "",
        )
        if update.headline or update.body:
            updates.append(update)
    return updates


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
