"""Extraction quality gate: crawler.pages.extraction against the development corpora.

Scored exactly as ../shared/tools/extract_score.py scores (that file is imported, not
copied), against floors pinned in extraction_floor.json that may only go up.
"""

from __future__ import annotations

import importlib.util
import json
from types import ModuleType
from typing import Any

import pytest

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


@pytest.mark.corpus
@pytest.mark.parametrize("corpus", CORPORA)
def test_extraction_scores_at_least_the_pinned_floor(corpus: str) -> None:
    scorer = load_scorer()
    if not (SHARED / "corpus" / "extraction" / corpus).exists():
        corpus_absent(SHARED / "corpus" / "extraction" / corpus)
    pairs, _seconds = scorer.run(extract_text, list(scorer.load(corpus)))
    result = scorer.score(pairs)
    floor = FLOORS[corpus]["floor"]
    for measure in ("f1", "precision", "recall"):
        assert result[measure] >= floor[measure], f"{corpus} {measure} fell below its floor: {result}"


@pytest.mark.parametrize("corpus", CORPORA)
def test_floors_are_not_below_bare_trafilatura(corpus: str) -> None:
    # the design's bar: at least trafilatura's own score on the same corpus
    assert FLOORS[corpus]["floor"]["f1"] >= FLOORS[corpus]["trafilatura"]["f1"]
