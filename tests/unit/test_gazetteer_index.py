"""The gazetteer read from its built index finds exactly the places a fresh build finds."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from crawler.core import built_index
from crawler.topic.facts import extract_facts, places
from tests.support.corpus import shared_path
from tests.unit import test_facts

# Titles and texts of the fact tests, with places and traps for them.
FACT_TEST_TEXTS = [
    (name, value) for name, value in vars(test_facts).items() if name.isupper() and isinstance(value, str)
]


@pytest.fixture(scope="module")
def fresh_and_indexed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[object, object]]:
    folder = tmp_path_factory.mktemp("cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(built_index.CACHE_DIR_ENV, str(folder))
        fresh = places._build_gazetteer()
        places._gazetteer.cache_clear()
        places._gazetteer()  # builds and writes the index
        places._gazetteer.cache_clear()
        patch.setattr(places, "_build_gazetteer", _must_not_build)
        indexed = places._gazetteer()  # read back from the index
        places._gazetteer.cache_clear()
    assert list(Path(folder).glob("gazetteer-*.pickle"))
    yield fresh, indexed


def _must_not_build() -> None:
    raise AssertionError("the gazetteer was built although its index was current")


def test_indexed_gazetteer_equals_a_fresh_build(fresh_and_indexed: tuple[object, object]) -> None:
    fresh, indexed = fresh_and_indexed
    assert indexed == fresh


def test_indexed_gazetteer_finds_the_same_places_in_the_fact_tests(
    fresh_and_indexed: tuple[object, object], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert FACT_TEST_TEXTS
    found = _places_with(fresh_and_indexed, monkeypatch, [("", text) for _, text in FACT_TEST_TEXTS])
    assert any(states for states, _ in found)


@pytest.mark.corpus
def test_indexed_gazetteer_finds_the_same_places_in_the_naeb_articles(
    fresh_and_indexed: tuple[object, object], monkeypatch: pytest.MonkeyPatch
) -> None:
    articles = json.loads(
        shared_path("corpus", "extraction", "naeb", "articles.json").read_text(encoding="utf-8")
    )
    pairs = [(a.get("title") or "", a.get("articleBody") or "") for a in articles.values()]
    found = _places_with(fresh_and_indexed, monkeypatch, pairs)
    assert sum(bool(states) for states, _ in found) > len(pairs) // 4  # the set does exercise places


def _places_with(
    fresh_and_indexed: tuple[object, object], monkeypatch: pytest.MonkeyPatch, pairs: list[tuple[str, str]]
) -> list[tuple[list[str], list[str]]]:
    """find_places over the pairs with each gazetteer; asserts they agree and returns the result."""
    results = []
    for gazetteer in fresh_and_indexed:
        monkeypatch.setattr(places, "_gazetteer", lambda g=gazetteer: g)
        found = [places.find_places(title, text) for title, text in pairs]
        results.append([(place.states, place.cities) for place in found])
    assert results[0] == results[1]
    return results[0]


def test_facts_of_an_article_use_the_indexed_gazetteer(
    fresh_and_indexed: tuple[object, object], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, indexed = fresh_and_indexed
    monkeypatch.setattr(places, "_gazetteer", lambda: indexed)
    facts = extract_facts(test_facts.PARAPHRASE_TITLE, test_facts.PARAPHRASE_TEXT, test_facts.FRIDAY)
    assert facts.states[0] == "MS"
