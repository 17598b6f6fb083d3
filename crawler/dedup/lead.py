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

from crawler.dedup.content_hash import normalize_text
from crawler.dedup.minhash import MinHashSignature, Scheme, signature_of_normalized

LEAD_WORDS = 120  # about the first four paragraphs of a wire story
MIN_PARAGRAPH_WORDS = 12  # shorter lines are datelines, bylines and furniture, not the story
# 4 rows: two leads that agree on 90 % of their shingles share a key with probability 0.9999,
# unrelated leads (J < 0.1) almost never; 8 bands add 8 index rows per original.
LEAD_SCHEME = Scheme(shingle_words=5, slots=128, bands=8, rows=4, min_shingles=40)

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
