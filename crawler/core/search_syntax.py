"""The search syntax users type, parsed once into terms both database engines understand.

``workplace raid`` (every word), ``"workplace raid"`` (a phrase), ``raid OR sweep`` (either),
``-hockey`` (not this word or phrase). Words are matched as words, stemmed by the engine: the
parser only splits and groups, it never decides what a word matches.

A query is a conjunction of clauses; a clause is one term or several joined by ``OR``, or one
negated term. A negated term inside an OR group, a query of negations only, and an unclosed
quote are refused: each would silently mean something other than what was typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# What a database tokenizer treats as one word: letters and digits (Unicode), nothing else.
_WORD = re.compile(r"\w+", re.UNICODE)
_TOKEN = re.compile(r'(-?)"([^"]*)"|(\S+)')


class SearchSyntaxError(ValueError):
    """A query that cannot be read as typed; the message says why."""


@dataclass(frozen=True)
class Term:
    """One word, or several that must appear together in this order (a phrase)."""

    words: tuple[str, ...]

    @property
    def is_phrase(self) -> bool:
        return len(self.words) > 1

    @property
    def text(self) -> str:
        return " ".join(self.words)


@dataclass(frozen=True)
class Clause:
    """Terms of which at least one must match; a negated clause holds one term that must not."""

    alternatives: tuple[Term, ...]
    negated: bool = False


@dataclass(frozen=True)
class SearchQuery:
    """Every positive clause must match and no negated one may."""

    clauses: tuple[Clause, ...]

    @property
    def positive(self) -> tuple[Clause, ...]:
        return tuple(clause for clause in self.clauses if not clause.negated)

    @property
    def negative(self) -> tuple[Clause, ...]:
        return tuple(clause for clause in self.clauses if clause.negated)

    @property
    def words(self) -> tuple[str, ...]:
        """Every word a matching article contains, for highlighting."""
        return tuple(word for clause in self.positive for term in clause.alternatives for word in term.words)


def parse_query(query: str) -> SearchQuery:
    """Parse what the user typed; SearchSyntaxError says what is wrong with it."""
    if query.count('"') % 2:
        raise SearchSyntaxError('a quote is not closed: phrases are written "like this"')
    pieces: list[tuple[bool, Term] | None] = []  # None stands for OR
    for match in _TOKEN.finditer(query):
        minus, phrase, bare = match.groups()
        if bare == "OR":
            pieces.append(None)
            continue
        negated = bool(minus) or (bare is not None and bare.startswith("-") and len(bare) > 1)
        raw = phrase if phrase is not None else bare.removeprefix("-") if negated else bare
        words = tuple(_WORD.findall(raw))
        if words:
            pieces.append((negated, Term(words)))
    return SearchQuery(_group(pieces))


def _group(pieces: list[tuple[bool, Term] | None]) -> tuple[Clause, ...]:
    clauses: list[Clause] = []
    index = 0
    while index < len(pieces):
        piece = pieces[index]
        if piece is None:
            raise SearchSyntaxError("OR needs a word or phrase on each side")
        group = [piece]
        index += 1
        while index < len(pieces) and pieces[index] is None:
            following = pieces[index + 1] if index + 1 < len(pieces) else None
            if following is None:
                raise SearchSyntaxError("OR needs a word or phrase on each side")
            group.append(following)
            index += 2
        if len(group) > 1 and any(negated for negated, _term in group):
            raise SearchSyntaxError("a -word cannot be part of an OR group")
        negated, _term = group[0]
        clauses.append(Clause(tuple(term for _negated, term in group), negated=negated))
    if not any(not clause.negated for clause in clauses):
        raise SearchSyntaxError("nothing to look for: give at least one word or phrase that is not negated")
    return tuple(clauses)
