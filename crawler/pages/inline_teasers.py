"""A "Don't miss" block inside the article: a heading and a few links, then the article again.

A heading such as "Don't miss" or "Related stories" in the second half of the text usually
starts the page's tail (more stories, most read), and the text is cut there. Some publishers
put the same heading with a handful of links between two paragraphs of the article; cutting
there loses the article's end. The cue is structural: a prose paragraph that follows the
heading in the page, and that the text holds after it, sits in a container of the same kind
(tag and class) as the heading's, and there are several such paragraphs. Then the article
resumes at the first, and only the heading and its links are dropped; a tail's stories sit in
containers of their own, and the notes a syndicated article ends with are one or two.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

from lxml.html import HtmlElement

from crawler.pages.dropped_paragraphs import MIN_PARAGRAPH_CHARS, container_kind, is_body_prose

MAX_HEADING_NODES = 20  # the same heading text more often than this is a site-wide menu
MAX_FOLLOWING_PARAGRAPHS = 40  # the article resumes within a few; a tail holds many more
MIN_RESUMED_PARAGRAPHS = 3  # a tail's own notes (promotion, "originally appeared on") are one or two
MAX_HEADING_DEPTH = 3  # <p><strong><a>Don't miss</a></strong></p>: climb this far to the block


def article_resumes_at(tree: HtmlElement, heading: str, after: list[str]) -> int | None:
    """Index in ``after`` (the lines following ``heading``) where the article's own paragraphs
    resume inside the heading's container, or None when the heading starts the page's tail."""
    wanted = _normalised(heading)
    following = {_normalised(line): index for index, line in reversed(list(enumerate(after)))}
    for block in itertools.islice(_heading_blocks(tree, wanted), MAX_HEADING_NODES):
        kind = container_kind(block)
        resumed = [
            index
            for paragraph in itertools.islice(_following_paragraphs(block), MAX_FOLLOWING_PARAGRAPHS)
            if (index := _line_of(paragraph, following)) is not None and container_kind(paragraph) == kind
        ]
        if len(resumed) >= MIN_RESUMED_PARAGRAPHS:
            return min(resumed)
    return None


def _line_of(paragraph: HtmlElement, following: dict[str, int]) -> int | None:
    """The paragraph's line among those after the heading, when it is one of body prose."""
    content = _normalised(paragraph.text_content())
    index = following.get(content)
    if index is None or len(content) < MIN_PARAGRAPH_CHARS or not is_body_prose(paragraph, content):
        return None
    return index


def _following_paragraphs(block: HtmlElement) -> list[HtmlElement]:
    return [element for element in block.xpath("following::p") if isinstance(element, HtmlElement)]


def _heading_blocks(tree: HtmlElement, wanted: str) -> Iterator[HtmlElement]:
    """Outermost elements (a few levels up at most) whose whole text is the heading."""
    for element in tree.iter():
        if not isinstance(element.tag, str) or _normalised(element.text or "") != wanted:
            continue
        block = element
        for _level in range(MAX_HEADING_DEPTH):
            parent = block.getparent()
            if parent is None or _normalised(parent.text_content()) != wanted:
                break
            block = parent
        yield block


def _normalised(text: str) -> str:
    return " ".join(text.split())
