"""Where a DOCTYPE declaration is in an XML text, for parsers that remove it before lxml reads
the document (a stranger's internal subset is never given to libxml2 to interpret)."""

from __future__ import annotations

import re

DOCTYPE_START = re.compile(r"<!DOCTYPE", re.IGNORECASE)
_MARK = re.compile(r"""["'\[\]>]|<!--""")


def doctype_end(text: str, position: int) -> tuple[int, bool]:
    """Where a DOCTYPE ends, skipping quoted literals and comments; linear even when unclosed."""
    in_subset = had_subset = False
    while mark := _MARK.search(text, position):
        symbol = mark.group()
        if symbol in ('"', "'", "<!--"):
            closer = "-->" if symbol == "<!--" else symbol
            close = text.find(closer, mark.end())
            if close == -1:
                return len(text), had_subset
            position = close + len(closer)
            continue
        if symbol == ">" and not in_subset:
            return mark.end(), had_subset
        if symbol == "[":
            in_subset = had_subset = True
        elif symbol == "]":
            in_subset = False
        position = mark.end()
    return len(text), had_subset
