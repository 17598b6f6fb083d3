"""crawler.pages.guarded_xpaths: trafilatura's expressions select the same elements, guarded."""

from __future__ import annotations

import gzip
import json
import random
import re

from lxml.etree import XPath
from trafilatura.utils import load_html

from crawler.pages import extraction  # noqa: F401  (installs the guarded expressions, as a worker does)
from crawler.pages.guarded_xpaths import (
    _originals,
    _replaced,
    guarded_path,
    install,
    trafilatura_originals,
)
from tests.support.corpus import SHARED, corpus_absent

NAEB = SHARED / "corpus" / "extraction" / "naeb"
CORPUS_SAMPLE = 45  # every ninth NAEB page: each is evaluated twice by 20 expressions

_REGEX_LITERAL = re.compile(r"re:test\([^,]*,\s*'([^']*)'")


def expression_pairs() -> list[tuple[XPath, XPath]]:
    """(trafilatura's, guarded) for every expression install() replaced."""
    pairs = [
        (original, guarded)
        for value in _replaced
        for original, guarded in zip(_originals[id(value)], value, strict=True)
        if original is not guarded
    ]
    assert pairs, "install() replaced nothing: trafilatura's lists moved"
    return pairs


def assert_same_selections(tree: object, pairs: list[tuple[XPath, XPath]], where: str) -> None:
    for original, guarded in pairs:
        assert guarded(tree) == original(tree), f"{where}: {original.path[:120]}"


def test_a_call_is_guarded_by_what_its_regex_needs() -> None:
    assert guarded_path("//*[re:test(@class, 'sidebar|banner')]") == (
        "//*[(((contains(@class, 'sidebar') or contains(@class, 'banner')))"
        " and re:test(@class, 'sidebar|banner'))]"
    )
    # the union's value is one of the two attributes: either may hold the string
    assert guarded_path("//*[re:test(@id|@class, '^shar')]") == (
        "//*[((contains(@id, 'shar') or contains(@class, 'shar')) and re:test(@id|@class, '^shar'))]"
    )
    # a string holding a quote is written in the other quotes
    assert guarded_path(r"//*[re:test(@class, 'it\x27s')]") == (
        "//*[((contains(@class, \"it's\")) and re:test(@class, 'it\\x27s'))]"
    )


def test_calls_that_cannot_be_guarded_by_strings() -> None:
    # a regex needing no particular string: only that the attribute exists
    assert guarded_path("//*[re:test(@class, '^[a-z]+$')]") == (
        "//*[((@class) and re:test(@class, '^[a-z]+$'))]"
    )
    # a regex that matches "" selects elements without the attribute: left alone
    assert guarded_path("//*[re:test(@class, 'x*')]") == "//*[re:test(@class, 'x*')]"
    # flags (case folding) and non-attribute arguments: left alone
    assert guarded_path("//*[re:test(@class, 'nav', 'i')]") == "//*[re:test(@class, 'nav', 'i')]"
    assert guarded_path("//*[re:test(text(), 'nav')]") == "//*[re:test(text(), 'nav')]"
    # too many strings to test: the attribute's existence
    many = "|".join(f"{n:02d}z" for n in range(40))  # no common prefix to factor out
    assert guarded_path(f"//*[re:test(@class, '{many}')]") == f"//*[((@class) and re:test(@class, '{many}'))]"


def test_synthetic_attributes_select_the_same_elements() -> None:
    """Elements whose id, class and style are made of the expressions' own regex literals,
    cut, joined and mixed with noise: near misses and matches alike."""
    pairs = expression_pairs()
    fragments = sorted(
        {
            piece
            for original, _ in pairs
            for literal in _REGEX_LITERAL.findall(original.path)
            for piece in re.split(r"[|()?:^$\[\]\\]+", literal)
            if piece
        }
    )
    rng = random.Random(15)
    tags = ["div", "section", "p", "span", "ul", "ol", "aside", "article", "main", "a", "img", "h1", "header"]

    def value() -> str:
        parts = [rng.choice(fragments) for _ in range(rng.randint(1, 3))]
        parts = [part[: rng.randint(1, len(part))] if rng.random() < 0.3 else part for part in parts]
        if rng.random() < 0.3:
            parts.append(rng.choice(["x", "Main", "-", " ", "display:none", "true"]))
        return rng.choice(["", " ", "-", "_"]).join(parts)

    for round_number in range(20):
        elements = []
        for _ in range(150):
            tag = rng.choice(tags)
            names = [name for name in ("id", "class", "style", "role", "itemprop") if rng.random() < 0.5]
            attributes = "".join(f' {name}="{value()}"' for name in names)
            elements.append(f"<{tag}{attributes}><p>Some text of the page, long enough.</p></{tag}>")
        html = f"<html><body><article><h1>Title</h1>{''.join(elements)}</article></body></html>"
        tree = load_html(html)
        assert tree is not None
        assert_same_selections(tree, pairs, f"round {round_number}")


def test_corpus_pages_select_the_same_elements() -> None:
    if not NAEB.exists():
        corpus_absent(NAEB)
    pairs = expression_pairs()
    articles = json.loads((NAEB / "news_articles.json").read_text())[::9][:CORPUS_SAMPLE]
    checked = 0
    for article in articles:
        path = NAEB / "html" / f"{article['html_file']}.html.gz"
        if path.exists():
            with gzip.open(path, "rt", encoding="utf8", errors="replace") as source:
                tree = load_html(source.read())
            if tree is not None:
                assert_same_selections(tree, pairs, article["link"])
                checked += 1
    assert checked >= CORPUS_SAMPLE // 2


def test_installed_once_and_trafilatura_originals_restores_them() -> None:
    import trafilatura.xpaths

    install()  # a second time changes nothing

    def listed() -> set[int]:
        lists = [value for value in vars(trafilatura.xpaths).values() if isinstance(value, list)]
        return {id(item) for value in lists for item in value}

    pairs = expression_pairs()
    guarded = {id(g) for _, g in pairs}
    assert guarded <= listed()
    with trafilatura_originals():
        assert {id(o) for o, _ in pairs} <= listed() and not guarded & listed()
    assert guarded <= listed()
