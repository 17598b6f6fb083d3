"""The lead of an article: its first body words, which a cut copy keeps and a quoted brief does not.

A copy cut after a few paragraphs (a paywall, a brief edition) shares only a fifth of the
original's shingles, so its overall Jaccard similarity is as low as that of a short brief
quoted in the middle of a long roundup; what tells them apart is *where* the shared text
lies. A cut copy is the original's beginning: the two texts open with the same words. The
lead signature is the MinHash signature of those opening words, indexed with band keys of
its own, so a cut copy finds its original by the lead even when the whole-text bands miss it,
and is accepted on a lead match plus containment.

The lead skips what page furniture puts before the story: short lines (datelines, bylines,
"Advertisement", widget labels) and photo captions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from crawler.dedup.content_hash import normalize_text
from crawler.dedup.minhash import MinHashSignature, Scheme, signature_of_normalized

LEAD_WORDS = 120  # about the first four paragraphs of a wire story
MIN_PARAGRAPH_WORDS = 12  # shorter lines are datelines, bylines and furniture, not the story
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


def lead_of(text: str, words: int = LEAD_WORDS) -> str:
    """The first ``words`` normalized words of the text's body paragraphs."""
    taken: list[str] = []
    for paragraph in re.split(r"\n\s*\n|\n", text):
        if _CAPTION.search(paragraph):
            continue
        tokens = normalize_text(paragraph).split()
        if len(tokens) < MIN_PARAGRAPH_WORDS:
            continue
        taken.extend(tokens)
        if len(taken) >= words:
            break
    return " ".join(taken[:words])


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
