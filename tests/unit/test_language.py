"""The language of an article: declared, else detected; `languages` lists in the topic and feeds."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.core.config import load_config
from crawler.core.errors import ConfigError, TopicError
from crawler.topic import language
from crawler.topic.language import article_language, detect_language
from crawler.topic.relevance import Topic

# Leads in our own words, each long enough to be evidence.
LEADS = {
    "en": "Federal immigration agents detained dozens of workers at a food plant on Thursday morning.",
    "es": "Agentes de inmigración detuvieron a decenas de trabajadores en una planta de alimentos el jueves.",
    "fr": "Des agents de la police aux frontières ont interpellé plusieurs personnes jeudi matin à la gare.",
    "de": "Die Bundespolizei hat am Donnerstag mehrere Menschen an der Grenze zu Österreich festgenommen.",
    "pt": "Agentes de imigração detiveram dezenas de trabalhadores numa fábrica na quinta-feira de manhã.",
}


@pytest.mark.parametrize("language", sorted(LEADS))
def test_the_language_of_a_lead_is_detected(language: str) -> None:
    assert detect_language(LEADS[language]) == language


def test_too_little_text_is_no_evidence() -> None:
    assert detect_language("") is None
    assert detect_language("Photo: AP") is None
    assert article_language(None, "", "12:30 — 4-3") is None


def test_the_page_declaration_wins_over_the_text() -> None:
    assert article_language("es", "ICE agents detain workers", LEADS["en"]) == "es"
    assert article_language(None, "Redada en una planta", LEADS["es"]) == "es"


def test_a_long_article_is_judged_by_its_beginning() -> None:
    text = LEADS["es"] + " " + " ".join([LEADS["en"]] * 200)
    assert article_language(None, "Redada en Texas", text) == "en"  # mostly English from the start
    assert article_language(None, "Redada", LEADS["es"] * 60 + LEADS["en"] * 200) == "es"


TOPIC_HEAD = "name: x\nthreshold: 0.5\nterms: [{term: a, weight: 1, phrases: [a]}]\n"


def test_a_topic_may_restrict_languages(tmp_path: Path) -> None:
    path = tmp_path / "topic.yaml"
    path.write_text(TOPIC_HEAD + "languages: [en, es]\n", encoding="utf-8")
    assert Topic.from_file(path).languages == frozenset({"en", "es"})
    path.write_text(TOPIC_HEAD, encoding="utf-8")
    assert Topic.from_file(path).languages is None


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("[sp]", "'sp' is not an ISO 639-1"),
        ("[]", "non-empty list"),
        ("en", "non-empty list"),
        ("[en, en]", "twice"),
    ],
)
def test_a_bad_topic_language_list_names_file_key_and_problem(
    tmp_path: Path, value: str, problem: str
) -> None:
    path = tmp_path / "topic.yaml"
    path.write_text(TOPIC_HEAD + f"languages: {value}\n", encoding="utf-8")
    with pytest.raises(TopicError) as caught:
        Topic.from_file(path)
    message = str(caught.value)
    assert str(path) in message and "languages" in message and problem in message


FEED = "feeds:\n  - name: one\n    url: https://example.org/feed.xml\n"


def test_a_feed_may_restrict_languages(tmp_path: Path) -> None:
    path = tmp_path / "newswatch.yaml"
    path.write_text(FEED + "    languages: [es]\n", encoding="utf-8")
    assert load_config(path).feeds[0].languages == ["es"]


def test_a_bad_feed_language_list_names_file_key_and_problem(tmp_path: Path) -> None:
    path = tmp_path / "newswatch.yaml"
    path.write_text(FEED + "    languages: [english]\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert message.startswith(str(path))
    assert "feeds[0] (name=one).languages" in message
    assert "'english' is not an ISO 639-1 language code" in message


def test_the_unpacked_model_from_the_cache_classifies_as_the_packaged_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    from crawler.core import built_index

    monkeypatch.setenv(built_index.CACHE_DIR_ENV, str(tmp_path / "cache"))
    packaged = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    texts = [
        "Immigration agents detained three people outside the courthouse on Tuesday morning.",
        "Les agents ont arrêté trois personnes devant le palais de justice mardi matin.",
        "Agentes de inmigración detuvieron a tres personas frente al tribunal el martes.",
    ]
    for _ in range(2):  # built and kept the first time, read from the cache the second
        language._loaded.cache_clear()
        cached = language._loaded()
        assert [cached.classify(text) for text in texts] == [packaged.classify(text) for text in texts]
    assert [path.name.startswith("language-model-") for path in (tmp_path / "cache").iterdir()] == [True]
