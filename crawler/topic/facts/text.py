"""Text helpers shared by the fact finders: accent folding that keeps offsets, small tables."""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache


@dataclass(frozen=True)
class Mention:
    """Where a fact was found: the title (zone 0) or the text (zone 1), and the span in it."""

    zone: int
    start: int
    end: int


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


# Abbreviations whose period does not end a sentence ("Jan. 7", "Gov. Walz", "Tar Heel, N.C., on").
_ABBREVIATIONS = words(
    "jan feb mar apr jun jul aug sep sept oct nov dec mr mrs ms dr st sen rep gov lt sgt gen col capt "
    "u.s a.m p.m no vs v inc co corp jr sr ave blvd rd ft mt calif mass ariz colo conn fla ill ind kan "
    "ky la md mich minn miss mo mont neb nev okla ore pa tenn tex va vt wash wis wyo n.c s.c n.d s.d "
    "n.h n.j n.m n.y r.i w.va d.c"
)
_SENTENCE_END = re.compile(r"[.!?]+[\"')\]]*\s+|\n+")


def sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence (or line) around text[start:end], as offsets; abbreviations do not end one."""
    ends = _sentence_ends(text)
    index = bisect.bisect_right(ends, start)
    begin = ends[index - 1] if index else 0
    later = bisect.bisect_left(ends, end)
    finish = ends[later] if later < len(ends) else len(text)
    return begin, finish


@lru_cache(maxsize=8)
def _sentence_ends(text: str) -> list[int]:
    """Offsets just after each sentence end (one pass per text; the fact finders share it)."""
    return [
        boundary.end() for boundary in _SENTENCE_END.finditer(text) if not _is_abbreviation(text, boundary)
    ]


def _is_abbreviation(text: str, boundary: re.Match[str]) -> bool:
    if text[boundary.start()] != "." or "\n" in boundary.group():
        return False
    word = re.search(r"([\w.]+)$", text[max(0, boundary.start() - 8) : boundary.start()])
    return bool(word and word.group(1).lower() in _ABBREVIATIONS)
