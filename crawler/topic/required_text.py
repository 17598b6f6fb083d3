"""Strings a regex cannot match without: a test by ``in`` that skips a scan that cannot succeed.

A topic's own regexes are scanned over the whole text of every article, and Python's engine
tries each of them at every position (about 1.8 of the 2.1 ms a general-news article's score
costs). Most articles contain none of the words a pattern needs, so when the text lacks every
string in ``required_strings(pattern)``, the pattern cannot match anywhere in it and the scan is
skipped: the result is the same, only cheaper. What is derived is conservative: a literal run
counts only where the pattern must match it exactly (not under case-insensitive flags, not in
an optional or lookaround part), and ``None`` means "scan as before".
"""

from __future__ import annotations

import re
from typing import Any

try:  # the regex parser of the running Python; without it every pattern is scanned as before
    from re import _constants as _sre  # type: ignore[attr-defined]
    from re import _parser as _sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - a Python whose re module is laid out otherwise
    _sre = _sre_parse = None

MAX_STRINGS = 200  # a condition with more strings than this costs more to test than the scan saves
MIN_CHARS = 2  # a shorter string required alongside others is left out: nearly every text has it

# A condition on a text: a string it must contain, or ("all" | "any", conditions).
Needed = str | tuple[str, tuple["Needed", ...]]


def required_strings(pattern: re.Pattern[str]) -> Needed | None:
    """What a text must contain for ``pattern`` to match anywhere in it; None when nothing can be told."""
    if _sre_parse is None or not isinstance(pattern.pattern, str) or pattern.flags & re.IGNORECASE:
        return None
    try:
        parsed = _sre_parse.parse(pattern.pattern, pattern.flags)
    except Exception:  # a parser that differs from the one that compiled it: scan as before
        return None
    needed = _of_sequence(list(parsed), ignore_case=False)
    too_short = isinstance(needed, str) and len(needed) < MIN_CHARS
    return None if needed is None or too_short or _strings(needed) > MAX_STRINGS else needed


def _of_sequence(items: list[tuple[Any, Any]], ignore_case: bool) -> Needed | None:
    """Every part of a sequence must match, so each one's condition holds (``all``)."""
    parts: list[Needed] = []
    run: list[str] = []

    def add(needed: Needed | None) -> None:
        if needed is not None and not (isinstance(needed, str) and len(needed) < MIN_CHARS):
            parts.extend(needed[1] if isinstance(needed, tuple) and needed[0] == "all" else (needed,))

    for op, value in items:
        if op is _sre.LITERAL and not ignore_case:
            run.append(chr(value))
            continue
        if run:
            add("".join(run))
            run = []
        if op is _sre.SUBPATTERN:
            _group, add_flags, del_flags, inner = value
            scoped = (ignore_case or bool(add_flags & re.IGNORECASE)) and not del_flags & re.IGNORECASE
            add(_of_sequence(list(inner), scoped))
        elif op is _sre.ATOMIC_GROUP:
            add(_of_sequence(list(value), ignore_case))
        elif op is _sre.BRANCH:
            add(_of_branches([_of_sequence(list(branch), ignore_case) for branch in value[1]]))
        elif op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT):
            least, _most, inner = value
            if least >= 1:  # the repeated part occurs at least once
                add(_of_sequence(list(inner), ignore_case))
        # anything else (classes, any character, anchors, lookarounds, back-references,
        # conditionals) requires no particular string: it only ends the literal run
    if run:
        add("".join(run))
    if not parts:
        return None
    # the rarest-looking first, so that a text without it is answered after one test
    parts.sort(key=_shortest, reverse=True)
    return parts[0] if len(parts) == 1 else ("all", tuple(parts))


def _of_branches(branches: list[Needed | None]) -> Needed | None:
    """One branch must match: ``any`` of their conditions, or nothing when one branch needs nothing."""
    if any(branch is None for branch in branches):
        return None
    flat: list[Needed] = []
    for branch in branches:
        assert branch is not None
        flat.extend(branch[1] if isinstance(branch, tuple) and branch[0] == "any" else (branch,))
    unique = tuple(dict.fromkeys(flat))
    return unique[0] if len(unique) == 1 else ("any", unique)


def _shortest(needed: Needed) -> int:
    """The length of the shortest string that could satisfy the condition (longer: rarer)."""
    if isinstance(needed, str):
        return len(needed)
    kind, parts = needed
    lengths = [_shortest(part) for part in parts]
    return max(lengths) if kind == "all" else min(lengths)


def _strings(needed: Needed) -> int:
    return 1 if isinstance(needed, str) else sum(_strings(part) for part in needed[1])


def may_match(needed: Needed | None, text: str) -> bool:
    """False only when the text lacks what every match needs (so no match is possible)."""
    if needed is None:
        return True
    if isinstance(needed, str):
        return needed in text
    kind, parts = needed
    if kind == "all":
        # loops, not all()/any() over generators: ~0.1 ms less an article, for every pattern
        for part in parts:  # noqa: SIM110
            if not may_match(part, text):
                return False
        return True
    for part in parts:  # noqa: SIM110
        if may_match(part, text):
            return True
    return False
