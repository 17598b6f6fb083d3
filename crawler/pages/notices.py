"""Notices that stand in for an article: reprint terms, cookie and consent prompts, paywalls.

A precision-first extraction of a paywalled or consent-gated page can come back with nothing
but such a notice, while the article's paragraphs sit elsewhere in the markup; the extractor
then tries a fuller pass. The phrases are substrings, tested case-insensitively on each line,
so no regex can be made to backtrack on hostile text.
"""

from __future__ import annotations

NOTICE_PHRASES = (
    "personal, non-commercial use",
    "presentation-ready copies",
    "reprints",
    "cookie",
    "subscribe",
    "subscription",
    "subscriber",
    "sign in",
    "log in",
    "create an account",
    "create a free account",
    "enable javascript",
    "ad blocker",
    "adblock",
    "already a member",
    "continue reading",
    "to keep reading",
)
NOTICE_TEXT_MAX_CHARS = 1000  # longer texts are articles, whatever their last lines say
NOTICE_SHARE = 0.5  # notice lines making up this much of a short text: it is only a notice


def is_notice_line(line: str) -> bool:
    lowered = line.lower()
    return any(phrase in lowered for phrase in NOTICE_PHRASES)


def notice_chars(text: str) -> int:
    """Characters of ``text`` on lines that are notices."""
    return sum(len(line) for line in text.split("\n") if is_notice_line(line))


def is_only_a_notice(text: str) -> bool:
    """Whether a short text is (mostly) a notice rather than an article."""
    stripped = text.strip()
    if not stripped or len(stripped) > NOTICE_TEXT_MAX_CHARS:
        return False
    return notice_chars(stripped) >= NOTICE_SHARE * len(stripped)


def article_chars(text: str) -> int:
    """Characters of ``text`` that are not notices."""
    return len(text) - notice_chars(text)
