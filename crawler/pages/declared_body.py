"""The DOM extraction checked against the article body the page declares in JSON-LD.

A declared ``articleBody`` long enough to be a body rather than a teaser repairs one failure:
the extractor chose another block, or found nothing, so the two texts share almost nothing;
then the declared body is the article. It never replaces or trims a DOM text much longer than
itself, unless that DOM text is only notices: publishers' ``articleBody`` is often the first
paragraphs only (a listicle's introduction, a paywall's teaser), and a DOM text that carries
it and much more is the fuller article. The converse is repaired too: a DOM text that is
mostly the declared body's start, while the declared body goes on for more than the DOM text's
own length, was cut short (a precision pass that stopped after the first block), and the
declared paragraphs after the last one it holds are added to it.
"""

from __future__ import annotations

from crawler.pages.notices import article_chars
from crawler.pages.text_overlap import WordShingles

DECLARED_BODY_MIN_CHARS = 500  # shorter JSON-LD articleBody values are teasers, not bodies
UNRELATED_SHARE = 0.2  # below this overlap both ways, the two texts are different blocks
MUCH_LONGER = 2.0  # a DOM text this much longer than the declared body is not replaced by it
CARRIED_SHARE = 0.5  # the declared body holds this much of the DOM text: the same article


def reconcile_with_declared_body(text: str, declared: str) -> str:
    """The article's text given the DOM extraction and the declared body (see the module docstring)."""
    if len(declared) < DECLARED_BODY_MIN_CHARS:
        return text
    extracted, body = WordShingles(text), WordShingles(declared)
    carried = extracted.share_in(body)
    chars = article_chars(text)
    if (
        carried < UNRELATED_SHARE
        and body.share_in(extracted) < UNRELATED_SHARE
        and chars <= MUCH_LONGER * len(declared)
    ):
        return declared
    if carried >= CARRIED_SHARE:
        return text + _continuation(extracted, declared, chars)
    return text


def _continuation(extracted: WordShingles, declared: str, extracted_chars: int) -> str:
    """The declared lines after the last one the DOM text holds, when they outweigh the DOM
    text ("" otherwise: the DOM text has the declared body, or nearly)."""
    lines = declared.split("\n")
    held = [index for index, line in enumerate(lines) if line.strip() and extracted.covers(line)]
    if not held:
        return ""
    rest = "\n".join(line for line in lines[held[-1] + 1 :] if line.strip())
    return f"\n{rest}" if len(rest) > extracted_chars else ""
