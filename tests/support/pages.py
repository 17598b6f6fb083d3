"""Builders for the feeds and article pages the local test server serves."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from html import escape


@dataclass(frozen=True)
class Story:
    """An article as the test site publishes it."""

    path: str
    title: str
    paragraphs: tuple[str, ...]
    author: str = "Maria Lopez"
    published: datetime | None = None
    canonical: str | None = None  # rel=canonical href, absolute


def article_html(story: Story, site_name: str = "Valley Tribune") -> bytes:
    """A realistic news page: navigation, the article with metadata, related links, footer."""
    date = story.published.isoformat() if story.published else ""
    canonical = f'<link rel="canonical" href="{escape(story.canonical)}">' if story.canonical else ""
    body = "\n".join(f"<p>{escape(p)}</p>" for p in story.paragraphs)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{escape(story.title)} | {site_name}</title>
<meta property="og:title" content="{escape(story.title)}">
<meta property="og:site_name" content="{site_name}">
<meta name="author" content="{escape(story.author)}">
<meta property="article:published_time" content="{date}">
{canonical}
</head><body>
<header><nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sports">Sports</a>
<a href="/weather">Weather</a> <a href="/subscribe">Subscribe</a></nav></header>
<main><article>
<h1>{escape(story.title)}</h1>
<p class="byline">By {escape(story.author)}</p>
{body}
</article>
<aside><h2>Most read</h2><ul><li><a href="/a">School board meets Tuesday</a></li>
<li><a href="/b">Weekend forecast: sunny</a></li></ul></aside></main>
<footer><p>Copyright 2026 {site_name}. All rights reserved.</p></footer>
</body></html>""".encode()


def rss(
    title: str, link: str, items: list[tuple[str, str, datetime | None]], ttl: int | None = None
) -> bytes:
    """An RSS 2.0 feed of (title, absolute link, published) items."""
    entries = []
    for item_title, item_link, published in items:
        date = f"<pubDate>{format_datetime(published)}</pubDate>" if published else ""
        entries.append(
            f"<item><title>{escape(item_title)}</title><link>{escape(item_link)}</link>"
            f"<guid>{escape(item_link)}</guid>{date}</item>"
        )
    ttl_element = f"<ttl>{ttl}</ttl>" if ttl else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
        f"<title>{escape(title)}</title><link>{escape(link)}</link><description>test</description>{ttl_element}"
        + "".join(entries)
        + "</channel></rss>"
    ).encode()


_PLACES = [
    "Canton",
    "Morton",
    "Pelahatchie",
    "Carthage",
    "Sebastopol",
    "Bay Springs",
    "Forest",
    "Laurel",
    "Hattiesburg",
    "Jackson",
    "Meridian",
    "Tupelo",
]
_AGENCIES = [
    "Immigration and Customs Enforcement",
    "Homeland Security Investigations",
    "Border Patrol",
    "the Department of Homeland Security",
]


def numbered_story(number: int, path: str | None = None) -> Story:
    """A distinct, realistic enforcement story (no two share their text), for bulk fixtures."""
    place = _PLACES[number % len(_PLACES)]
    agency = _AGENCIES[number % len(_AGENCIES)]
    count = 20 + number * 7
    return Story(
        path=path or f"/news/story-{number}",
        title=f"{agency.split(' and ')[0]} operation in {place}: {count} detained (report {number})",
        paragraphs=(
            f"Agents with {agency} detained {count} people on day {number} of an operation near {place}, "
            f"according to officials and community advocates who counted the buses leaving the site.",
            f"Report number {number}: families in {place} gathered outside a church while lawyers tried to "
            f"locate relatives who had been taken to a processing center about {number + 40} miles away.",
            f"A spokesperson said {count // 2} of those detained were later released with notices to appear "
            f"in immigration court, and that the investigation in {place} was continuing this week.",
        ),
    )


# Plain words of enforcement coverage, for benches that need many distinct but stable articles.
ARTICLE_WORDS = [
    "agents",
    "detained",
    "workers",
    "county",
    "officials",
    "federal",
    "court",
    "immigration",
    "enforcement",
    "families",
    "lawyers",
    "hearing",
    "detention",
    "center",
    "deportation",
    "flight",
    "border",
    "patrol",
    "checkpoint",
    "sheriff",
    "jail",
    "policy",
    "judge",
    "ruling",
    "advocates",
    "shelter",
    "school",
    "church",
    "employers",
    "audit",
    "records",
    "union",
    "governor",
    "mayor",
    "statement",
    "week",
    "morning",
]


def generated_paragraphs(seed: str, count: int = 3, words: int = 45) -> tuple[str, ...]:
    """Paragraphs of ARTICLE_WORDS drawn from `seed`: distinct per seed, the same every run."""
    draw = random.Random(seed)
    return tuple(
        " ".join(draw.choice(ARTICLE_WORDS) for _ in range(words)).capitalize() + "." for _ in range(count)
    )
