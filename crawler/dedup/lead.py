"""The lead of an article: its first body words, which a cut copy keeps and a quoted brief does not.

A copy cut after a few paragraphs (a paywall, a brief edition) shares only a fifth of the
original's shingles, so its overall Jaccard similarity is as low as that of a short brief
quoted in the middle of a long roundup; what tells them apart is *where* the shared text
lies. A cut copy is the original's beginning: the two texts open with the same words. The
lead signature is the MinHash signature of those opening words, indexed with band keys of
its own, so a cut copy finds its original by the lead even when the whole-text bands miss it,
and is accepted on a lead match plus containment.

A copy of a live page's oldest entry (the wire brief the page began with, at its foot) is a
sliver of the page, neither its opening nor the lower part a copy missing its top keeps: it is
told by the run of shared shingles that closes the page (``foot_share``).

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
# A live page's oldest entry is its foot, the wire brief the page began with. A copy of that brief
# is a sliver of the page (under MIN_TAIL_COVER), but half or more of the copy is one run that
# closes the page. On the real republications' development split a closing run ending in the
# longer text's last 15 % linked a different story (a teaser of a roundup's second-to-last
# brief), and over all its pairs one different story qualifies at 10 %; at 5 % only copies, whose
# shares start at 0.5 (0.6 linked none of them).
MIN_FOOT_SHARE = 0.5  # share of the shorter text's shingles in the run that closes the longer
FOOT_END = 0.05  # ...which ends within the longer text's last 5 %
FOOT_GAP = 12  # shingles missing inside that run: a few edited words, never a paragraph

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
    # Each paragraph's toggle is cut once, and only where there is one: the pattern's leading
    # blanks make a search of every paragraph cost more than the rest of the lead.
    untoggled = [_GALLERY_TOGGLE.sub("", p) if p.endswith(("more", "less")) else p for p in paragraphs]
    for index in range(len(paragraphs) - 1):
        caption, cut = untoggled[index], untoggled[index + 1]
        if caption.startswith(cut) and len(cut.split()) >= MIN_PARAGRAPH_WORDS:
            found.update((index, index + 1))
    return found


def body_of(text: str) -> str:
    """The text's body as the lead reads it, every word of it: captions, a gallery, its script,
    short lines and headline lines left out."""
    return lead_of(text, words=1 << 30)


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
        (dense and last >= span - 1 - slack and covered >= MIN_TAIL_COVER)
        or foot_share(positions, long, len(short.distinct)) >= MIN_FOOT_SHARE,
    )


def foot_share(positions: list[int], long: ShingledText, short_size: int) -> float:
    """Share of the shorter text's distinct shingles in the run of shared shingles (``positions``
    in the longer text, in order) that closes the longer text; 0 when no run ends there."""
    if positions[-1] < (1 - FOOT_END) * len(long.shingles) - 1:
        return 0.0
    start = len(positions) - 1
    while start > 0 and positions[start] - positions[start - 1] <= FOOT_GAP:
        start -= 1
    return len({long.shingles[i] for i in positions[start:]}) / short_size
