"""`newswatch article ID [--history]` and `stories`: an article, stories and their copies."""

from __future__ import annotations

from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table

from crawler.views.signals import print_signals


def print_article(
    console: Console, article: dict[str, Any], versions: list[dict[str, Any]], history: bool
) -> None:
    """Metadata, the text, and with history each earlier version and what changed."""
    console.print(f"[bold]{article['id']}[/bold] {article['title'] or '(untitled)'}")
    for label, key in (
        ("source", "source"),
        ("url", "url"),
        ("published", "published"),
        ("first seen", "first_seen"),
        ("updated", "updated_at"),
        ("relevance", "relevance"),
    ):
        if article.get(key) is not None:
            console.print(f"  {label:11} {article[key]}", highlight=False)
    console.print(f"  {'versions':11} {article['version_count']}")
    if article.get("duplicate_of"):
        console.print(f"  {'copy of':11} {article['duplicate_of']}")
    print_signals(console, article.get("signals"))
    if not history:
        console.print()
        console.print(article["text"] or "(the text is stored with the original)", highlight=False)
        return
    for version in versions:
        console.print()
        console.print(
            f"[bold]version {version['version']}[/bold] seen {version['seen_at']}, "
            f"replaced {version['replaced_at']}: {version['summary']}",
            highlight=False,
        )
        console.print(version["diff"], highlight=False, markup=False)
    if not versions:
        console.print("\nno edits seen")


def print_stories(console: Console, stories: list[dict[str, Any]]) -> None:
    """Each story: its versions and their copies in publication order, which one is the original and why."""
    for story in stories:
        members = story["members"]
        first = members[0]
        console.print(
            f"[bold]story {story['story_id']}[/bold] {first['title'] or '(untitled)'} — "
            f"{story['versions']} {'version' if story['versions'] == 1 else 'versions'}, "
            f"{story['copies']} copies, {story['outlets']} outlets",
            highlight=False,
        )
        table = Table(box=box.SIMPLE, show_edge=False, pad_edge=False)
        for column in ("id", "published", "first seen", "source", "site", "length", "role"):
            table.add_column(column, justify="right" if column in ("id", "length") else "left")
        version_number = 0
        for member in members:
            if member["duplicate_of"] is None:
                version_number += 1
            table.add_row(
                str(member["id"]),
                member["published"].strftime("%Y-%m-%d %H:%M") if member["published"] else "-",
                member["first_seen"].strftime("%Y-%m-%d %H:%M"),
                member["source"],
                member["site"],
                str(member["text_length"]),
                _role(member, version_number),
            )
        console.print(table)


_BASIS = {
    "published": "earliest published",
    "canonical_host": "the host copies cite",
    "first_seen": "first seen",
}


def _role(member: dict[str, Any], version_number: int) -> str:
    if member["duplicate_of"] is not None:
        return f"copy of {member['duplicate_of']}"
    basis = _BASIS.get(member.get("original_basis") or "")
    return f"version {version_number}" + (f", original ({basis})" if basis else "")
