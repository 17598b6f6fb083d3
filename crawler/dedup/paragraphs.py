"""Paragraph keys: one index key per long paragraph, so a story assembled from a page's paragraphs finds it.

A wire story assembled from a live page's entries (a Boston Globe AP story built from "The
Latest") keeps whole paragraphs of the page, in an order of its own, and is a small share of
the page: their whole texts share no MinHash band key (estimated Jaccard 0.12-0.20 on the real
republications) and its lead, a caption and then entries, is no window of the page. Its
paragraphs are the page's, word for word. So each indexed article also files one key per
paragraph of MIN_PARAGRAPH_WORDS words or more (at most MAX_PARAGRAPH_KEYS), and a lookup
reads the few stored articles that share MIN_SHARED_PARAGRAPHS of them; the cut-copy rules
then decide, as for any candidate.
"""

from __future__ import annotations

import hashlib
import re

from crawler.dedup.content_hash import normalize_text

MIN_PARAGRAPH_WORDS = 20  # shorter lines are datelines, captions' credits, furniture and quotes
MAX_PARAGRAPH_KEYS = 40  # index rows and lookup probes per article, whatever its length
MIN_SHARED_PARAGRAPHS = 2  # one shared paragraph is a quote or a background paragraph
_TAG = b"paragraph/1"  # salts the key, so it never meets a MinHash band or headline key


def paragraph_keys(text: str) -> tuple[int, ...]:
    """Signed 64-bit keys of the text's long paragraphs, normalized, distinct, in text order."""
    keys: dict[int, None] = {}
    for paragraph in re.split(r"\n\s*\n|\n", text):
        normalized = normalize_text(paragraph)
        if len(normalized.split()) >= MIN_PARAGRAPH_WORDS:
            digest = hashlib.blake2b(_TAG + normalized.encode("utf-8"), digest_size=8).digest()
            keys[int.from_bytes(digest, "little", signed=True)] = None
            if len(keys) == MAX_PARAGRAPH_KEYS:
                break
    return tuple(keys)
