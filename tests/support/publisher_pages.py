"""Synthetic pages in the shapes large publishers use, written for the extraction tests.

- live blogs: a schema.org ``LiveBlogPosting`` whose ``liveBlogUpdate`` entries are
  ``BlogPosting`` objects with their own ``articleBody``, and a page showing each update as its
  own ``<article>`` block (one newspaper's shape) or ``<div class="live-post">`` (another's);
- an article whose JSON-LD ``articleBody`` is only its opening paragraphs;
- a paywalled ``NewsArticle`` without ``articleBody``, its paragraphs marked as paywalled, whose
  only block a precision-first extractor keeps is the reprints notice.

Every update and paragraph has its own words, so word 4-grams tell them apart.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

URL = "https://news.example.co.uk/us-news/live/2026/immigration-raids-protests-live"

_PLACES = (
    "Minneapolis", "Chicago", "Newark", "Charlotte", "Portland", "Houston", "Phoenix", "Atlanta",
    "Denver", "Omaha", "Raleigh", "Tucson", "Boise", "Fresno", "Tulsa", "Dayton", "Reno",
)  # fmt: skip
_ACTORS = (
    "the mayor", "a county sheriff", "state lawmakers", "a federal judge", "union leaders",
    "church volunteers", "the governor", "immigration lawyers", "school officials",
    "a city council member", "protest organisers",
)  # fmt: skip
_DOINGS = (
    "called for calm outside the federal building",
    "asked for the names of everyone detained overnight",
    "said buses had been seen leaving the processing centre",
    "filed an emergency motion over access to counsel",
    "described agents in masks at a courthouse entrance",
    "counted several hundred marchers on the main avenue",
    "reported that a school had closed early as a precaution",
    "said the National Guard had not been asked to deploy",
)


def _sentence(n: int, part: int) -> str:
    place = _PLACES[(n + part) % len(_PLACES)]
    actor = _ACTORS[(3 * n + part) % len(_ACTORS)]
    doing = _DOINGS[(5 * n + 2 * part) % len(_DOINGS)]
    return f"In {place}, {actor} {doing}, according to account {n * 7 + part} from our reporter."


@dataclass(frozen=True)
class Update:
    published: datetime
    headline: str
    paragraphs: tuple[str, str]

    @property
    def body(self) -> str:
        return "\n\n".join(self.paragraphs)


def live_updates(count: int, start: datetime) -> list[Update]:
    """``count`` distinct updates, newest first (as live blogs show them), a few minutes apart."""
    updates = [
        Update(
            published=start + timedelta(minutes=7 * n),
            headline=f"Update {n}: {_PLACES[n % len(_PLACES)]} latest as crowds gather",
            paragraphs=(_sentence(n, 0) + " " + _sentence(n, 1), _sentence(n, 2) + " " + _sentence(n, 3)),
        )
        for n in range(count)
    ]
    return updates[::-1]


def _liveblog_json_ld(updates: list[Update], *, declared: int | None = None) -> str:
    listed = updates if declared is None else updates[:declared]
    data = {
        "@context": "https://schema.org",
        "@type": "LiveBlogPosting",
        "headline": "Immigration raids: protests spread to more cities - live",
        "datePublished": updates[-1].published.isoformat(),
        "coverageStartTime": updates[-1].published.isoformat(),
        "liveBlogUpdate": [
            {
                "@type": "BlogPosting",
                "headline": update.headline,
                "datePublished": update.published.isoformat(),
                "articleBody": update.body,
            }
            for update in listed
        ],
    }
    return f'<script type="application/ld+json">{json.dumps([data])}</script>'


def _page(head: str, body: str) -> str:
    return f"""<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">
<title>Immigration raids: protests spread to more cities - live | The Example</title>{head}</head><body>
<header><nav><a href="/">Home</a> <a href="/us-news">US news</a> <a href="/world">World</a></nav></header>
<main>{body}</main>
<footer><a href="/about">About us</a> <a href="/privacy">Privacy policy</a></footer></body></html>"""


def liveblog_of_article_blocks(updates: list[Update], *, declared: int | None = None) -> str:
    """Each update an ``<article>`` block with a ``<time>``, a heading and paragraphs; the
    JSON-LD lists every update, or only the newest ``declared`` of them."""
    blocks = "\n".join(
        f"""<article id="block-{index}" class="block">
<header class="block-header">
<time datetime="{update.published.isoformat()}">{update.published:%H.%M} GMT</time></header>
<h2 class="block-title">{update.headline}</h2>
<div class="block-body">{"".join(f"<p>{p}</p>" for p in update.paragraphs)}</div>
<footer class="block-footer"><button>Share</button></footer></article>"""
        for index, update in enumerate(updates)
    )
    body = f"""<div class="headline"><h1>Immigration raids: protests spread to more cities - live</h1></div>
<div class="standfirst"><p>Follow the latest as demonstrations continue after overnight arrests.</p></div>
<div id="liveblog-body">{blocks}</div>"""
    return _page(_liveblog_json_ld(updates, declared=declared), body)


def liveblog_of_post_divs(
    updates: list[Update], *, declared: int | None = None, shown: int | None = None
) -> str:
    """Each update a ``<div class="live-post">`` inside one article body; the page shows every
    update, or only the newest ``shown`` (the rest behind "load more") while declaring all."""
    posts = "\n".join(
        f"""<div class="live-post" data-post-id="{index}">
<div class="live-post__time">{update.published:%H:%M}</div>
<h3 class="live-post__title">{update.headline}</h3>
<div class="live-post__body">{"".join(f"<p>{p}</p>" for p in update.paragraphs)}</div></div>"""
        for index, update in enumerate(updates[:shown])
    )
    body = f"""<article class="live-blog"><h1>Immigration raids: protests spread to more cities - live</h1>
<div class="live-blog__body">{posts}</div></article>"""
    return _page(_liveblog_json_ld(updates, declared=declared), body)


ARTICLE_URL = "https://news.example.com/2026/11/county-jail-contract-vote"
ARTICLE_PARAGRAPHS = tuple(
    " ".join(_sentence(40 + n, part) for part in range(3)) for n in range(9)
)  # fmt: skip


def article_with_teaser_body(opening: int = 2) -> str:
    """A ``NewsArticle`` whose JSON-LD ``articleBody`` is its first ``opening`` paragraphs only."""
    declared = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": "County weighs ending jail contract with immigration authorities",
        "articleBody": "\n\n".join(ARTICLE_PARAGRAPHS[:opening]),
    }
    head = f'<script type="application/ld+json">{json.dumps(declared)}</script>'
    paragraphs = "".join(f"<p>{p}</p>" for p in ARTICLE_PARAGRAPHS)
    body = f"""<article><h1>County weighs ending jail contract with immigration authorities</h1>
<div class="article-body">{paragraphs}</div></article>"""
    return _page(head, body)


REPRINTS_NOTICE = (
    "This copy is for your personal, non-commercial use only. To order presentation-ready copies "
    "for distribution to your colleagues, clients or customers visit https://www.djreprints.com."
)
PAYWALL_URL = "https://business.example.com/articles/meatpacker-shares-fall-after-raids-11700000000"
PAYWALL_PARAGRAPHS = tuple(
    " ".join(_sentence(90 + n, part) for part in range(2)) for n in range(12)
)  # fmt: skip


def paywalled_article() -> str:
    """A business article behind a paywall: ``NewsArticle`` without ``articleBody``, declared not
    free, every paragraph carrying paywall markers inside a bordered "premium" container (which
    a precision-first pass discards, and keeps from its fallback extractors too), and the
    reprints notice as the only other block."""
    declared = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": "Meatpacker shares fall after workplace raids",
        "isAccessibleForFree": False,
        "hasPart": {"@type": "WebPageElement", "isAccessibleForFree": False, "cssSelector": ".paywall"},
    }
    head = f'<script type="application/ld+json">{json.dumps(declared)}</script>'
    paragraphs = "".join(
        f'<p class="paywall" data-type="paragraph" data-paywall-marker="{n}">{p}</p>'
        for n, p in enumerate(PAYWALL_PARAGRAPHS)
    )
    body = f"""<article><h1>Meatpacker shares fall after workplace raids</h1>
<div class="article-print-info"><p>{REPRINTS_NOTICE}</p></div>
<section class="story">
<div id="premium-content" class="paywall" style="border-top: 1px solid #ccc">{paragraphs}</div></section>
<div class="snippet-promotion paywall"><p>Continue reading your article with a subscription.</p></div>
</article>"""
    return _page(head, body)
