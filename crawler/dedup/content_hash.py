"""The content hash: SHA-256 of an article's normalized text, which finds exact copies."""

from __future__ import annotations

import hashlib
import re
import unicodedata

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


def normalize_text(text: str) -> str:
    """Case, accents of compatibility forms, punctuation and whitespace do not make a new text."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return _NON_WORD.sub(" ", folded).strip()


def content_hash(text: str) -> str:
    """SHA-256 of the normalized text, hex."""
    return hash_of_normalized(normalize_text(text))


def hash_of_normalized(normalized: str) -> str:
    """``content_hash`` of a text ``normalize_text`` already produced (it is not repeated)."""
    return hashlib.sha256(normalized.encode("utf-8")).hexdigest()
