"""The lead of an article: its first body words, which a cut copy keeps and a quoted brief does not.

A copy cut after a few paragraphs (a paywall, a brief edition) shares only a fifth of the
original's shingles, so its overall Jaccard similarity is as low as that of a short brief
quoted in the middle of a long roundup; what tells them apart is *where* the shared text
lies. A cut copy is the original's beginning: the two texts open with the same words. The
lead signature is the MinHash signature of those opening words, indexed with band keys of
its own, so a cut copy finds its original by the lead even when the whole-text bands miss it,
and is accepted on a lead match plus containment.

The lead skips what page furniture puts before the story: short lines (datelines, bylines,
"Advertisement", widget labels), photo captions (a credit, or a gallery's caption shown twice)
and a gallery's script kept as text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from crawler.dedup.content_hash import normalize_text
from crawler.dedup.minhash import MinHashSignature, Scheme, signature_of_normalized

LEAD_WORDS = 120  # about the first four paragraphs of a wire story
MIN_PARAGRAPH_WORDS = 12  # shorter lines are datelines, bylines and furniture, not the story
HEADLINE_LINE_WORDS = 20  # a line this short with no sentence's end is a headline, not the story
# 4 rows: two leads that agree on 90 % of their shingles share a key with probability 0.9999,
# unrelated leads (J < 0.1) almost never; 8 bands add 8 index rows per original.
LEAD_SCHEME = Scheme(shingle_words=5, slots=128, bands=8, rows=4, min_shingles=40)
ANCHOR_SHARE = 0.15  # "at the beginning": the shared run starts in the longer text's first 15 %
MIN_CUT_COVER = 0.15  # share of the longer text a cut copy keeps
MIN_TAIL_COVER = 0.3  # share of the longer text a copy missing its top keeps
MIN_RUN_DENSITY = 0.5  # a run: at least every other shingle of its stretch of the longer text is shared

_CAPTION = re.compile(
    r"\((ap )?photo\b|photo by|photo credit|getty images|^file\s*[-\u2014\u2013]|in this .{0,40} photo",
    re.IGNORECASE,
)
# Credits a gallery prints without parentheses ("... Monday. | AP Photo", "PA via AP Name", a
# "Photo: Name, AP" line under the caption).
_GALLERY_CREDIT = re.compile(r"\bap photo\b|\bvia ap\b|^photos?:\s", re.IGNORECASE)
# A gallery's script that the extraction kept as text ("window._taboola = ...").
_WIDGET = re.compile(r"window\._?\w+\s*=|_taboola\.push|googletag\.")
_SENTENCE_END = re.compile(r"[.!?\u2026][\"'\u201d\u2019)\]]*$")
_GALLERY_TOGGLE = re.compile(r"\s*(\.\.\.|\u2026)?\s*(more|less)$")


def lead_of(text: str, words: int = LEAD_WORDS, see_through_galleries: bool = True) -> str:
    """The first ``words`` normalized words of the text's body paragraphs. ``see_through_galleries``
    also skips a gallery (its captions, credits and script) and headline lines; the story rule reads
    a body with them (write-thrus of one wire story carry the same photos)."""
    paragraphs = [paragraph.strip() for paragraph in re.split(r"\n\s*\n|\n", text)]
    gallery = gallery_captions(paragraphs) if see_through_galleries else set()
    taken: list[str] = []
    for index, paragraph in enumerate(paragraphs):
        if _CAPTION.search(paragraph) or index in gallery:
            continue
        if see_through_galleries and (_GALLERY_CREDIT.search(paragraph) or _WIDGET.search(paragraph)):
            continue
        tokens = normalize_text(paragraph).split()
        if len(tokens) < MIN_PARAGRAPH_WORDS:
            continue
        if see_through_galleries and is_headline_line(paragraph, len(tokens)):
            continue
        taken.extend(tokens)
        if len(taken) >= words:
            break
    return " ".join(taken[:words])


def is_headline_line(paragraph: str, words: int) -> bool:
    """A line of a headline's length that does not end as a sentence does: the page's headline or
    a gallery's title, which one copy prints (twice, under a gallery) and another leaves out."""
    return words <= HEADLINE_LINE_WORDS and not _SENTENCE_END.search(paragraph)


def gallery_captions(paragraphs: list[str]) -> set[int]:
    """The paragraphs a photo gallery shows twice in a row: a caption, then the same caption again
    or cut short ("... more"). A page keeps its gallery above the story, so its captions would
    otherwise be its lead, and a copy without the gallery would share no lead with it."""
    found: set[int] = set()
    for index in range(len(paragraphs) - 1):
        caption = _GALLERY_TOGGLE.sub("", paragraphs[index])
        cut = _GALLERY_TOGGLE.sub("", paragraphs[index + 1])
        if len(cut.split()) >= MIN_PARAGRAPH_WORDS and caption.startswith(cut):
            found.update((index, index + 1))
    return found


def lead_signature(text: str) -> MinHashSignature | None:
    """The MinHash signature of the text's lead; None when the body is too short to have one."""
    return signature_of_normalized(lead_of(text), LEAD_SCHEME)


@dataclass(frozen=True)
class Run:
    """Where the shorter of two texts lies in the longer."""

    containment: float  # share of the shorter text's shingles found in the longer
    at_start: bool  # the shared shingles start near the longer text's beginning
    at_end: bool  # ...or end near its end (a copy missing its top)


@dataclass(frozen=True)
class ShingledText:
    """A text's word shingles in text order: shingled once, then compared with any number of texts."""

    shingles: tuple[str, ...]
    distinct: frozenset[str]

    @classmethod
    def of(cls, text: str, words: int = 5) -> ShingledText:
        tokens = normalize_text(text).split()
        ordered = tuple(" ".join(tokens[i : i + words]) for i in range(len(tokens) - words + 1))
        return cls(ordered, frozenset(ordered))


def anchored_run(a: str, b: str, words: int = 5) -> Run:
    """How the shorter text's shingles sit in the longer one's (exact, from both texts)."""
    return run_between(ShingledText.of(a, words), ShingledText.of(b, words))


def run_between(a: ShingledText, b: ShingledText) -> Run:
    """``anchored_run`` of two texts already shingled (with the same shingle length)."""
    short, long = (a, b) if len(a.shingles) <= len(b.shingles) else (b, a)
    positions = [i for i, shingle in enumerate(long.shingles) if shingle in short.distinct]
    if not short.distinct or not positions:
        return Run(0.0, False, False)
    found = {long.shingles[i] for i in positions}
    span = max(1, len(long.shingles))
    slack = ANCHOR_SHARE * span
    # The bulk of the shared shingles, not a stray one (a byline, a copyright line at the foot).
    first, last = positions[len(positions) // 10], positions[-1 - len(positions) // 10]
    dense = len(positions) >= MIN_RUN_DENSITY * (last - first + 1)
    # A copy missing its top keeps the original's whole lower part; a brief closing a roundup
    # is a sliver of it. A cut copy keeps the original's beginning, a paywall's four paragraphs.
    covered = len(positions) / span
    return Run(
        len(found) / len(short.distinct),
        dense and first <= slack and covered >= MIN_CUT_COVER,
        dense and last >= span - 1 - slack and covered >= MIN_TAIL_COVER,
    )
