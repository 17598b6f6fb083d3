"""A live blog's text: every update the page declares, in page order, each under its time.

A live blog page (schema.org ``LiveBlogPosting``) shows dozens of updates; a DOM extractor
often keeps one of them, since each update looks like a small article of its own. The
declared ``liveBlogUpdate`` entries are the publisher's own list, so the DOM text is kept only
when it already carries (nearly) all of them, and otherwise the updates replace it, unless the
DOM text is much longer than the declared updates: then the page shows more than its JSON-LD
lists (publishers often declare only the latest few), and the declared updates the DOM text
lacks are added after it, so nothing either source has is dropped. Some publishers declare
the other way round: every update since the blog began (hundreds) while the page shows its
latest few dozen, the rest behind "load more". The updates are then those the page shows (its
text outside scripts carries them) when that is under half of them, and never none.
"""

from __future__ import annotations

from lxml.html import HtmlElement

from crawler.pages.structured_data import LiveUpdate
from crawler.pages.text_overlap import WordShingles

COMPLETE_SHARE = 0.8  # the DOM text holds this much of the declared updates: it has them all
MUCH_LONGER = 2.0  # a DOM text this much longer than the declared updates shows more than they do
SHOWN_SHARE = 0.8  # an update this much of which is in the page's own text is shown there
WINDOW_SHARE = 0.5  # a page showing fewer of its declared updates than this shows a window of them


# The page's own text: what a reader sees, not its JSON-LD or other script payloads.
_SHOWN_TEXT = "//body//text()[not(ancestor::script or ancestor::style or ancestor::template)]"


def shown_updates(tree: HtmlElement, updates: tuple[LiveUpdate, ...]) -> tuple[LiveUpdate, ...]:
    """The declared updates the page shows, when it shows a window of them (under half); else all
    of them: a page showing none is script-rendered, and a page showing most may render the
    rest in another form (an embed for the declared text), which is no reason to drop them."""
    shown_text = WordShingles(" ".join(str(part) for part in tree.xpath(_SHOWN_TEXT)))
    shown = tuple(update for update in updates if _is_shown(update.body or update.headline, shown_text))
    return shown if 0 < len(shown) < WINDOW_SHARE * len(updates) else updates


def _is_shown(line: str, shown_text: WordShingles) -> bool:
    piece = WordShingles(line)
    return piece.share_in(shown_text) >= SHOWN_SHARE if piece.grams else shown_text.covers(line)


def liveblog_text(updates: tuple[LiveUpdate, ...]) -> str:
    """The updates as lines: a heading with the time (UTC) and headline, then the body lines."""
    lines: list[str] = []
    for update in updates:
        stamp = f"{update.published:%Y-%m-%d %H:%M} UTC" if update.published else ""
        heading = " - ".join(part for part in (stamp, update.headline) if part)
        if heading:
            lines.append(heading)
        if update.body:
            lines.extend(update.body.split("\n"))
    return "\n".join(lines)


def reconcile_liveblog(dom_text: str, updates: tuple[LiveUpdate, ...]) -> str:
    """The page's text given its DOM extraction and its declared updates (see the module docstring)."""
    declared = liveblog_text(updates)
    if not declared:
        return dom_text
    dom = WordShingles(dom_text)
    if WordShingles(declared).share_in(dom) >= COMPLETE_SHARE:
        return dom_text
    if len(dom_text) > MUCH_LONGER * len(declared):
        missing = [
            liveblog_text((update,)) for update in updates if not dom.covers(update.body or update.headline)
        ]
        return "\n".join([dom_text, *missing])
    return declared
