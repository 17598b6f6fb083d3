"""What an alert says: one story (title, outlet, date, link, signals, a short snippet), or a digest."""

from __future__ import annotations

from collections.abc import Sequence

from crawler.store.alerts_store import AlertStory

SIGNAL_LABELS = (
    ("agency", "agencies"),
    ("action", "actions"),
    ("state", "states"),
    ("city", "cities"),
    ("count", "people"),
)


def story_message(rule: str, story: AlertStory) -> tuple[str, str]:
    """(title, body) of the alert for one story."""
    return f"newswatch {rule}: {story.title or '(untitled)'}", story_block(story)


def digest_message(rule: str, stories: Sequence[AlertStory]) -> tuple[str, str]:
    """(title, body) of one summary for several stories."""
    count = len(stories)
    title = f"newswatch {rule}: {count} new {'story' if count == 1 else 'stories'}"
    return title, "\n\n".join(f"{story.title or '(untitled)'}\n{story_block(story)}" for story in stories)


def story_block(story: AlertStory) -> str:
    when = (story.published or story.first_seen).strftime("%Y-%m-%d %H:%M UTC")
    lines = [f"{story.source} ({story.site}), {when}", story.url]
    signals = "; ".join(
        f"{label}: {', '.join(story.signals[kind])}"
        for kind, label in SIGNAL_LABELS
        if story.signals.get(kind)
    )
    if signals:
        lines.append(signals)
    if story.outlets > 1:
        lines.append(f"also ran in {story.outlets - 1} other outlet{'s' if story.outlets > 2 else ''}")
    if story.snippet:
        lines.append(story.snippet)
    return "\n".join(lines)
