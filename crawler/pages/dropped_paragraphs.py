"""Paragraphs a precision-first extraction dropped from the middle of the article it kept.

trafilatura's precision mode deletes paragraphs by link density, so a paragraph of prose that
carries a link or two (a source cited inline, a product named with its shop link) can vanish
from an article whose neighbouring paragraphs were kept. The cue used here is structural and
costs one walk over the page's ``<p>`` elements: a missing paragraph of prose that lies between
kept paragraphs, inside a container of the same kind (tag and class) as theirs, is part of the
same article body. Captions, quotes, embeds and tables never count, nor do paragraphs mostly
made of link text. When such paragraphs add up to a real share of the text they are put back
in page order; a few stray ones are left out, as precision mode meant. A body cut into chunks
around ads (containers of one class), of which trafilatura keeps the first, gets the later
chunks back, up to the next headline.
"""

from __future__ import annotations

import itertools

from lxml.html import HtmlElement

MAX_PARAGRAPHS = 5_000  # real pages carry a few hundred; bounds work on a hostile page
MIN_PARAGRAPH_CHARS = 60  # shorter blocks are captions, credits and buttons as often as prose
MAX_LINK_SHARE = 0.5  # paragraphs mostly made of link text are teasers and link lists
HEADLINE_TAGS = ("h1", "h2")  # after the article, a headline starts another story
RESTORE_SHARE = 0.2  # dropped prose under this share of the text is left out ...
RESTORE_MIN_CHARS = 150  # ... and so is less than this much
NOT_BODY_PROSE = frozenset(
    {"figure", "figcaption", "blockquote", "table", "aside", "nav", "footer", "header"}
)  # captions, quotes, embeds


def restore_dropped_paragraphs(tree: HtmlElement, text: str) -> str:
    """``text`` with the article-body paragraphs it lacks put back (see the module docstring)."""
    lines = [" ".join(line.split()) for line in text.split("\n")]
    joined = "\n".join(lines)
    flat = joined.replace("\n", " ")  # a paragraph with <br> inside comes out as several lines
    found: list[tuple[HtmlElement, str, int]] = []
    headings_before: dict[int, int] = {}  # id of a paragraph -> how many headlines precede it
    headings = 0
    for element in itertools.islice(tree.iter("p", *HEADLINE_TAGS), MAX_PARAGRAPHS):
        if element.tag != "p":
            headings += 1
            continue
        content = " ".join(element.text_content().split())
        if len(content) >= MIN_PARAGRAPH_CHARS:
            found.append((element, content, flat.find(content[:MIN_PARAGRAPH_CHARS])))
            headings_before[id(element)] = headings
    claimant = _claimants(flat, found)
    paragraphs: list[tuple[HtmlElement, str, int | None]] = [
        (element, content, None if position < 0 else joined.count("\n", 0, position))
        for element, content, position in found
        if position < 0 or claimant[position] is element
    ]
    kept_at = [index for index, (_element, _content, line) in enumerate(paragraphs) if line is not None]
    if len(kept_at) < 2:
        return text
    body_containers = {container_kind(paragraphs[index][0]) for index in kept_at}
    dropped = {
        id(element)
        for element, content, line in paragraphs[kept_at[0] : kept_at[-1]]
        if line is None and container_kind(element) in body_containers and is_body_prose(element, content)
    }
    dropped |= _later_chunks(paragraphs, kept_at[-1], body_containers, headings_before)
    dropped_chars = sum(len(content) for element, content, _line in paragraphs if id(element) in dropped)
    if dropped_chars < max(RESTORE_MIN_CHARS, RESTORE_SHARE * len(joined)):
        return text
    return _insert_in_page_order(lines, paragraphs, dropped)


def _later_chunks(
    paragraphs: list[tuple[HtmlElement, str, int | None]],
    last_kept_at: int,
    body_containers: set[tuple[str, str]],
    headings_before: dict[int, int],
) -> set[int]:
    """Paragraphs of a body cut into chunks around ads, of which trafilatura kept the first:
    after the last kept paragraph, in other containers of the body's own (classed) kind, and
    before any new headline (appended next stories use the same containers)."""
    last_kept = paragraphs[last_kept_at][0]
    last_container = last_kept.getparent()  # held, so that `is` compares the same proxy
    return {
        id(element)
        for element, content, _line in paragraphs[last_kept_at + 1 :]
        if headings_before[id(element)] == headings_before[id(last_kept)]
        and element.getparent() is not last_container  # its own container's rest was dropped on purpose
        and container_kind(element)[1]
        and container_kind(element) in body_containers
        and is_body_prose(element, content)
    }


def _claimants(flat: str, found: list[tuple[HtmlElement, str, int]]) -> dict[int, HtmlElement]:
    """For each place in the text, the one paragraph that is kept there.

    A card summarising the article often repeats its first sentence, so several paragraphs of
    the page can open like one line of the text. Counted as kept, a card's container would pass
    for the body's and its neighbours (other cards) be restored. The first paragraph in page
    order found there in full wins, else the first; the others are neither kept nor dropped."""
    claimant: dict[int, tuple[HtmlElement, bool]] = {}
    for element, content, position in found:
        if position < 0:
            continue
        in_full = flat.startswith(content, position)
        if position not in claimant or (in_full and not claimant[position][1]):
            claimant[position] = (element, in_full)
    return {position: element for position, (element, _in_full) in claimant.items()}


def container_kind(element: HtmlElement) -> tuple[str, str]:
    parent = element.getparent()
    if parent is None:
        return ("", "")
    return (str(parent.tag), " ".join((parent.get("class") or "").split()))


def is_body_prose(element: HtmlElement, content: str) -> bool:
    """A paragraph of running prose: not a wrapper, caption, quote or embed, not mostly link text."""
    if next(element.iterdescendants("p", "script", "style"), None) is not None:
        return False  # a wrapper of paragraphs, or a widget whose code text_content() would keep
    if any(ancestor.tag in NOT_BODY_PROSE for ancestor in element.iterancestors()):
        return False
    return sum(len(link.text_content()) for link in element.iter("a")) <= MAX_LINK_SHARE * len(content)


def _insert_in_page_order(
    lines: list[str], paragraphs: list[tuple[HtmlElement, str, int | None]], dropped: set[int]
) -> str:
    after_line: dict[int, list[str]] = {}
    anchor = -1
    for element, content, line in paragraphs:
        if line is not None:
            anchor = max(anchor, line)
        elif id(element) in dropped:
            after_line.setdefault(anchor, []).append(content)
    restored: list[str] = []
    for index, line_text in enumerate(lines):
        restored.append(line_text)
        restored.extend(after_line.get(index, []))
    return "\n".join(restored)
