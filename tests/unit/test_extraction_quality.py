"""Extraction quality gate: crawler.pages.extraction against the development corpora.

Scored exactly as ../shared/tools/extract_score.py scores (that file is imported, not
copied), against floors pinned in extraction_floor.json that may only go up, and page by page
against bare trafilatura: an average can hide a page that lost its article, so the number of
pages more than ``far_below_margin`` F1 under bare trafilatura's is pinned too.
"""

from __future__ import annotations

import functools
import importlib.util
import json
from types import ModuleType
from typing import Any

import pytest
import trafilatura

from crawler.pages.extraction import extract_text
from tests.support import REPO
from tests.support.corpus import SHARED, corpus_absent

SCORER = SHARED / "tools" / "extract_score.py"
FLOORS: dict[str, Any] = json.loads((REPO / "tests" / "extraction_floor.json").read_text())
CORPORA = [name for name in FLOORS if not name.startswith("_")]


def load_scorer() -> ModuleType:
    if not SCORER.exists():
        corpus_absent(SCORER)
    spec = importlib.util.spec_from_file_location("extract_score", SCORER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@functools.cache
def corpus_pages(corpus: str) -> tuple[ModuleType, list[tuple[str, str, str]]]:
    """(url, html, gold) of every page, read once per corpus."""
    scorer = load_scorer()
    if not (SHARED / "corpus" / "extraction" / corpus).exists():
        corpus_absent(SHARED / "corpus" / "extraction" / corpus)
    return scorer, list(scorer.load(corpus))


@functools.cache
def ours(corpus: str) -> tuple[str, ...]:
    """newswatch's text of every page, computed once per corpus."""
    return tuple(extract_text(html, url) for url, html, _gold in corpus_pages(corpus)[1])


@functools.cache
def bare(corpus: str) -> tuple[str, ...]:
    """Bare trafilatura's text of every page, computed once per corpus, and only by the test
    that compares with it: xdist may run the floor test in another process."""
    return tuple(trafilatura.extract(html, url=url) or "" for url, html, _gold in corpus_pages(corpus)[1])


def extracted(corpus: str) -> tuple[ModuleType, list[tuple[str, str, str, str]]]:
    """(url, gold, newswatch text, bare trafilatura text) of every page."""
    scorer, pages = corpus_pages(corpus)
    return scorer, [
        (url, gold, text, bare_text)
        for (url, _html, gold), text, bare_text in zip(pages, ours(corpus), bare(corpus), strict=True)
    ]


@pytest.mark.corpus
@pytest.mark.parametrize("corpus", CORPORA)
def test_extraction_scores_at_least_the_pinned_floor(corpus: str) -> None:
    scorer, pages = corpus_pages(corpus)
    result = scorer.score(
        [(gold, text) for (_url, _html, gold), text in zip(pages, ours(corpus), strict=True)]
    )
    floor = FLOORS[corpus]["floor"]
    for measure in ("f1", "precision", "recall"):
        assert result[measure] >= floor[measure], f"{corpus} {measure} fell below its floor: {result}"


@pytest.mark.corpus
@pytest.mark.parametrize("corpus", CORPORA)
def test_no_page_is_far_below_bare_trafilatura(corpus: str) -> None:
    scorer, pages = extracted(corpus)
    margin = FLOORS["_page"]["far_below_margin"]
    lost = [
        (url, ours_f1, bare_f1)
        for url, gold, ours, bare in pages
        if (bare_f1 := scorer.score([(gold, bare)])["f1"]) - (ours_f1 := scorer.score([(gold, ours)])["f1"])
        > margin
    ]
    assert len(lost) <= FLOORS["_page"]["max_pages_far_below"], f"{corpus}: pages (url, ours, bare): {lost}"


@pytest.mark.parametrize("corpus", CORPORA)
def test_floors_are_not_below_bare_trafilatura(corpus: str) -> None:
    # the design's bar: at least trafilatura's own score on the same corpus
    assert FLOORS[corpus]["floor"]["f1"] >= FLOORS[corpus]["trafilatura"]["f1"]
