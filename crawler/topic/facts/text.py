"""Text helpers shared by the fact finders: accent folding that keeps offsets, small tables."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from functools import cache


@cache
def _fold_table() -> dict[int, str]:
    """Accented Latin letters to their base letter, one character for one (keeps offsets)."""
    table: dict[int, str] = {}
    for code in range(0xC0, 0x250):
        base = unicodedata.normalize("NFD", chr(code))[0]
        if base.isascii() and base != chr(code):
            table[code] = base
    table.update({0x2019: "'", 0x2018: "'", 0x201C: '"', 0x201D: '"', 0xA0: " "})
    return table


def fold_keeping_offsets(text: str) -> str:
    """Remove accents so "detención" matches "detencion"; every character keeps its place
    (one character for one), so a match in the folded text is a match at the same offset."""
    text = unicodedata.normalize("NFC", text)
    return text if text.isascii() else text.translate(_fold_table())


def words(text: str) -> set[str]:
    return set(text.split())


def numbered(text: str, start: int, step: int = 1) -> dict[str, int]:
    """{"jan": 1, "feb": 2, ...} from "jan feb ...": tables stay one readable line."""
    return {word: start + step * index for index, word in enumerate(text.split())}


def any_of(words: Iterable[str]) -> str:
    """A regex alternation of the words, longest first (so "ninety-nine" wins over "ninety")."""
    return "|".join(sorted(words, key=len, reverse=True))
