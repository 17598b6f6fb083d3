"""How much of one text occurs in another, by word 4-grams (the unit the extraction scorer uses)."""

from __future__ import annotations

import re

_WORD = re.compile(r"\w+")


class WordShingles:
    """Word 4-grams of a text, for "how much of A is in B" questions."""

    def __init__(self, text: str) -> None:
        words = [word.lower() for word in _WORD.findall(text)]
        self.grams = {tuple(words[i : i + 4]) for i in range(len(words) - 3)}
        self.joined = f" {' '.join(words)} "

    def share_in(self, other: WordShingles) -> float:
        """The share of this text's 4-grams that occur in ``other`` (0 for a text under four words)."""
        return len(self.grams & other.grams) / len(self.grams) if self.grams else 0.0

    def covers(self, line: str) -> bool:
        """Whether most of ``line`` occurs in this text (short lines: verbatim)."""
        piece = WordShingles(line)
        if not piece.grams:
            return piece.joined.strip() == "" or piece.joined in self.joined
        return piece.share_in(self) >= 0.5


def words_of(text: str) -> str:
    """The lower-cased words of a text, space-separated (punctuation and spacing ignored)."""
    return " ".join(_WORD.findall(text.lower()))
