"""An article's versions: when to look at it again, whether it changed, and the compact diff.

Articles are re-fetched while they are young (``recheck.window``), every ``recheck.every``;
a re-fetch whose headline or words differ becomes a new version, the old one kept with a diff.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import datetime, timedelta

from crawler.core.clock import utcnow
from crawler.core.config import Config
from crawler.dedup.content_hash import normalize_text

MAX_DIFF_CHARS = 20_000


def next_recheck_after(config: Config, first_seen: datetime, now: datetime) -> datetime | None:
    """`recheck.every` from now, while the article is younger than `recheck.window` (else None)."""
    settings = config.recheck
    if not settings.enabled:
        return None
    moment = now + timedelta(seconds=settings.every)
    return moment if moment - first_seen <= timedelta(seconds=settings.window) else None


def next_recheck(config: Config, first_seen: datetime) -> datetime | None:
    """The next look for edits of an article first seen at `first_seen`, from now."""
    return next_recheck_after(config, first_seen, utcnow())


@dataclass(frozen=True)
class Change:
    """What changed between the stored version and the re-fetched page."""

    title_changed: bool
    words_added: int
    words_removed: int
    diff: str  # unified diff, paragraph by paragraph, no context lines
    summary: str  # one line for `newswatch article ID --history`


def compare_versions(
    old_title: str | None, old_text: str, new_title: str | None, new_text: str, min_changed_words: int = 1
) -> Change | None:
    """A Change when the title or the words changed; None for layout, case or punctuation only.

    One changed word is enough by default: the edits analysts care about are often a single
    number ("at least 680" becoming "at least 700").
    """
    title_changed = normalize_text(old_title or "") != normalize_text(new_title or "")
    old_words, new_words = normalize_text(old_text).split(), normalize_text(new_text).split()
    added = removed = 0
    if old_words != new_words:
        for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(
            None, old_words, new_words, autojunk=False
        ).get_opcodes():
            if tag in ("replace", "delete"):
                removed += i2 - i1
            if tag in ("replace", "insert"):
                added += j2 - j1
    if not title_changed and max(added, removed) < min_changed_words:
        return None
    return Change(
        title_changed,
        added,
        removed,
        _diff(old_title, old_text, new_title, new_text),
        _summary(title_changed, added, removed),
    )


def _diff(old_title: str | None, old_text: str, new_title: str | None, new_text: str) -> str:
    old_lines = [f"# {old_title or ''}", *old_text.splitlines()]
    new_lines = [f"# {new_title or ''}", *new_text.splitlines()]
    lines = difflib.unified_diff(old_lines, new_lines, "before", "after", n=0, lineterm="")
    text = "\n".join(lines)
    return text if len(text) <= MAX_DIFF_CHARS else text[:MAX_DIFF_CHARS] + "\n… (diff cut)"


def _summary(title_changed: bool, added: int, removed: int) -> str:
    parts = ["headline changed"] if title_changed else []
    if added or removed:
        parts.append(f"+{added}/-{removed} words")
    return "; ".join(parts)
