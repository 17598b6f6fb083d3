"""trafilatura's XPath expressions, each ``re:test`` guarded by a test libxml2 answers itself.

trafilatura prunes and selects with XPath expressions whose ``re:test(@class, '...')`` calls
are EXSLT regular expressions, which lxml answers in Python: for every candidate element, each
call builds the attribute's value as a Python string (with a proxy of its element) and runs
Python's ``re``, even for an element without the attribute (the test then sees ""). Those
callbacks were about a third of the expressions' CPU, and the expressions about a quarter of
an extraction's (NAEB pages, py-spy).

Each call ``re:test(ATTRS, 'REGEX')`` becomes ``(GUARD and re:test(ATTRS, 'REGEX'))``, where
GUARD is libxml2's own ``contains()`` over the strings every match of REGEX needs
(``crawler.topic.required_text``, the test the topic's patterns use), on each attribute the
call may read; or, when nothing can be told, or telling it takes more than
``GUARD_MAX_STRINGS`` tests, just that the attribute exists (when REGEX cannot match ""). XPath's
``and`` stops at a false guard, and a false guard means the regex could not have matched: the
same elements are selected, fewer callbacks made. A call with flags (``'i'``) is left as it is.

``install()`` replaces the expressions inside trafilatura's lists in ``trafilatura.xpaths``;
every module that imported a list shares the list, so they all see the guarded ones.
``tests/unit/test_guarded_xpaths.py`` checks that each selects what the original selects.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from lxml.etree import XPath

from crawler.topic.required_text import Needed, required_strings

REGEXP_NS = "http://exslt.org/regular-expressions"  # what trafilatura maps the "re" prefix to
# Longer conditions cost libxml2 more than the callback they spare (measured on NAEB pages).
GUARD_MAX_STRINGS = 16

# re:test(@a, 'regex') or re:test(@a|@b, 'regex'): attributes only, no flags argument
_TEST_CALL = re.compile(r"re:test\(\s*(@[\w-]+(?:\s*\|\s*@[\w-]+)*)\s*,\s*'([^']*)'\s*\)")

# id of each list replaced -> its expressions as trafilatura made them
_originals: dict[int, list[XPath]] = {}
_replaced: list[list[XPath]] = []


def guarded_path(path: str) -> str:
    """``path`` with each ``re:test`` call on attributes guarded (see the module docstring)."""
    return _TEST_CALL.sub(_guarded_call, path)


def _guarded_call(call: re.Match[str]) -> str:
    attributes = [name.strip() for name in call.group(1).split("|")]
    regex = re.compile(call.group(2))  # as lxml compiles it: Python's re, no flags
    needed = required_strings(regex)
    if needed is not None and _count(needed) * len(attributes) <= GUARD_MAX_STRINGS:
        conditions = [_contains(needed, attribute) for attribute in attributes]
        if all(condition is not None for condition in conditions):
            return f"(({' or '.join(c for c in conditions if c)}) and {call.group(0)})"
    if regex.search("") is not None:  # an element without the attribute may match: no guard
        return call.group(0)
    return f"(({' or '.join(attributes)}) and {call.group(0)})"


def _contains(needed: Needed, attribute: str) -> str | None:
    """The XPath condition that ``attribute``'s value holds what ``needed`` asks; None when a
    string cannot be written as an XPath literal."""
    if isinstance(needed, str):
        if "'" not in needed:
            return f"contains({attribute}, '{needed}')"
        return f'contains({attribute}, "{needed}")' if '"' not in needed else None
    kind, parts = needed
    conditions = [_contains(part, attribute) for part in parts]
    if any(condition is None for condition in conditions):
        return None
    return "(" + f" {'and' if kind == 'all' else 'or'} ".join(c for c in conditions if c) + ")"


def _count(needed: Needed) -> int:
    return 1 if isinstance(needed, str) else sum(_count(part) for part in needed[1])


def install() -> None:
    """Put guarded expressions in trafilatura's lists (once per process)."""
    if _replaced:
        return
    import trafilatura.xpaths

    for value in vars(trafilatura.xpaths).values():
        if not isinstance(value, list) or not any(isinstance(item, XPath) for item in value):
            continue
        originals = list(value)
        for index, expression in enumerate(originals):
            if isinstance(expression, XPath) and "re:test" in expression.path:
                guarded = guarded_path(expression.path)
                if guarded != expression.path:
                    value[index] = XPath(guarded, namespaces={"re": REGEXP_NS})
        if value != originals:
            _originals[id(value)] = originals
            _replaced.append(value)


@contextmanager
def trafilatura_originals() -> Iterator[None]:
    """trafilatura's own expressions for a while (a benchmark's bare trafilatura loop)."""
    guarded = [list(value) for value in _replaced]
    for value in _replaced:
        value[:] = _originals[id(value)]
    try:
        yield
    finally:
        for value, expressions in zip(_replaced, guarded, strict=True):
            value[:] = expressions
