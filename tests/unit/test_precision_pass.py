"""crawler.pages.precision_pass gives the text trafilatura's own fast precision pass gives."""

from __future__ import annotations

import gzip
import json

import pytest
import trafilatura
from lxml.etree import tostring
from trafilatura.utils import load_html

from crawler.pages.precision_pass import fast_precision_text
from tests.support.corpus import SHARED, corpus_absent
from tests.support.extraction_pages import URL, json_ld, page
from tests.support.publisher_pages import (
    ARTICLE_URL,
    PAYWALL_URL,
    article_with_teaser_body,
    paywalled_article,
)

NAEB = SHARED / "corpus" / "extraction" / "naeb"
CORPUS_SAMPLE = 140  # every third NAEB page: enough layouts, under a minute on a loaded machine

_COMMENTS = (
    '<div id="comments" class="comments"><h3>Comments</h3>'
    "<p>Reader one: I was at the board meeting and the vote went the way everyone expected.</p>"
    "<p>Reader two: the county attorney never explained what the sixty days are for.</p></div>"
)


def bare_text(html: str, url: str) -> str:
    document = trafilatura.bare_extraction(
        load_html(html), url=url, fast=True, favor_precision=True, include_comments=False, with_metadata=False
    )
    return document.text if document is not None and document.text else ""


def assert_same_text(html: str, url: str) -> None:
    tree = load_html(html)
    assert tree is not None
    before = tostring(tree)
    assert fast_precision_text(tree, url) == bare_text(html, url), url
    assert tostring(tree) == before  # the caller's tree is untouched: later steps read it


@pytest.mark.parametrize(
    ("html", "url"),
    [
        (page(), URL),
        (page(body=_COMMENTS), URL),  # reader comments pruned
        (page(json_ld(**{"@type": "DiscussionForumPosting"}), _COMMENTS), URL),  # a forum thread keeps them
        (page(paragraphs=("Short.",)), URL),  # too little text
        ("<html><body></body></html>", URL),  # nothing at all
        (article_with_teaser_body(), ARTICLE_URL),
        (paywalled_article(), PAYWALL_URL),
    ],
)
def test_synthetic_pages_give_trafilaturas_text(html: str, url: str) -> None:
    assert_same_text(html, url)


@pytest.mark.corpus
def test_corpus_pages_give_trafilaturas_text() -> None:
    if not NAEB.exists():
        corpus_absent(NAEB)
    articles = json.loads((NAEB / "news_articles.json").read_text())[::3][:CORPUS_SAMPLE]
    checked = 0
    for article in articles:
        path = NAEB / "html" / f"{article['html_file']}.html.gz"
        if path.exists():
            with gzip.open(path, "rt", encoding="utf8", errors="replace") as source:
                assert_same_text(source.read(), article["link"])
            checked += 1
    assert checked >= CORPUS_SAMPLE // 2
