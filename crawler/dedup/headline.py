"""The headline as evidence of one text: a syndicated teaser or cut copy keeps the original's headline.

An aggregator's teaser (the headline and a paragraph or two from anywhere in the story) or a
copy cut to its first paragraphs shares too few of the original's shingles for its bands to
meet the original's, and its excerpt need not be the original's opening, so neither the
whole-text nor the lead signature proposes the original. The headline does: a republication
carries it word for word, while a roundup quoting a brief, or another story on the same
event, has a headline of its own. So each indexed article also gets one band key made from
its normalized headline, and a candidate with the same headline is read in full and is a copy
when most of the shorter text lies inside the longer (``crawler.store.neardup_index``).
"""

from __future__ import annotations

import hashlib

from crawler.dedup.content_hash import normalize_text

MIN_HEADLINE_WORDS = 5  # "Live updates", "The Latest", a section name: too common to identify a story
_TAG = b"headline/1"  # salts the key, so it never meets a MinHash band key in the index


def headline_text(title: str | None) -> str | None:
    """The normalized headline, or None when it is too short to identify a story."""
    normalized = normalize_text(title or "")
    return normalized if len(normalized.split()) >= MIN_HEADLINE_WORDS else None


def headline_key(title: str | None) -> int | None:
    """A signed 64-bit band key of the normalized headline (None: no usable headline)."""
    normalized = headline_text(title)
    if normalized is None:
        return None
    digest = hashlib.blake2b(_TAG + normalized.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True)


def same_headline(a: str | None, b: str | None) -> bool:
    """Whether two titles are one headline, word for word once case and punctuation are set aside."""
    normalized = headline_text(a)
    return normalized is not None and normalized == headline_text(b)
