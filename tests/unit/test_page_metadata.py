"""crawler.page_metadata reads what trafilatura.extract_metadata reads, for every stored field."""

from __future__ import annotations

import gzip
import json

import pytest
from trafilatura import extract_metadata
from trafilatura.utils import load_html

from crawler.pages.extraction import _date_params
from crawler.pages.metadata import read_head, read_metadata
from crawler.pages.structured_data import read_structured_text
from tests.support.corpus import SHARED, corpus_absent
from tests.support.extraction_pages import URL, json_ld, page

NAEB = SHARED / "corpus" / "extraction" / "naeb"
STORED_FIELDS = ("title", "author", "date", "sitename", "description", "url")
CORPUS_SAMPLE = 60  # every seventh NAEB page: enough layouts, a few seconds


def assert_same_metadata(html: str, url: str) -> None:
    tree = load_html(html)
    assert tree is not None
    ours = read_metadata(tree, url, _date_params())
    theirs = extract_metadata(load_html(html), url, _date_params())
    for field in STORED_FIELDS:
        assert getattr(ours, field) == getattr(theirs, field), f"{url}: {field}"


@pytest.mark.parametrize(
    "head",
    [
        "",
        '<meta property="og:site_name" content="@courier"><meta name="author" content="Maria Lopez">',
        json_ld(author=[{"name": "Ana Ruiz"}, {"name": "Lee Park"}], datePublished="2024-03-05T10:00:00Z"),
        '<meta name="description" content="  The board   voted. ">'
        '<meta property="article:published_time" content="2024-03-05">',
        '<meta name="author" content="handle">',  # one word: trafilatura drops it
    ],
)
def test_synthetic_pages_read_as_trafilatura_reads_them(head: str) -> None:
    assert_same_metadata(page(head), URL)


@pytest.mark.corpus
def test_corpus_pages_read_as_trafilatura_reads_them() -> None:
    if not NAEB.exists():
        corpus_absent(NAEB)
    articles = json.loads((NAEB / "news_articles.json").read_text())[::7][:CORPUS_SAMPLE]
    checked = 0
    for article in articles:
        path = NAEB / "html" / f"{article['html_file']}.html.gz"
        if path.exists():
            with gzip.open(path, "rt", encoding="utf8", errors="replace") as source:
                assert_same_metadata(source.read(), article["link"])
            checked += 1
    assert checked >= CORPUS_SAMPLE // 2


def test_head_reads_canonical_language_and_json_ld_in_page_order() -> None:
    html = page(
        '<link rel="alternate canonical" href="/a/b?x=1">'
        '<meta property="og:url" content="https://other.example/og">'
        '<meta property="og:locale" content="es_MX">' + json_ld(articleBody="first") + json_ld(headline="x"),
        lang="",
    )
    tree = load_html(html)
    assert tree is not None
    head = read_head(tree, URL)
    assert head.canonical_url == "https://news.example.org/a/b?x=1"
    assert head.language == "es"
    assert [json.loads(block).get("articleBody") for block in head.ld_json_blocks] == ["first", None]


def test_declared_body_is_the_longest_and_skips_broken_blocks() -> None:
    nested = json.dumps({"x": [{"articleBody": "longer one"}]})
    blocks = ("{broken", json.dumps({"articleBody": "short"}), nested)
    assert read_structured_text(blocks).article_body == "longer one"
    assert read_structured_text(()).article_body == ""


def test_json_ld_after_a_script_heavy_body_is_still_read() -> None:
    html = page(body="<script>track()</script>" * 3000 + json_ld(articleBody="late body"))
    tree = load_html(html)
    assert tree is not None
    assert read_structured_text(read_head(tree, URL).ld_json_blocks).article_body == "late body"
