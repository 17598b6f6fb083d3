"""The topic check before each cycle: compiled once per topic content, errors never remembered."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from crawler.core import built_index
from crawler.core.config import Config, load_config
from crawler.core.errors import ConfigError
from crawler.topic import relevance
from crawler.topic.topic_check import check_topic, topic_passed_before
from tests.support import REPO
from tests.support.cli import write_config

SHIPPED_TOPIC = REPO / "config" / "topics" / "immigration-enforcement.yaml"


@pytest.fixture
def compiles(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The topic files compiled, in order, with a private cache folder."""
    monkeypatch.setenv(built_index.CACHE_DIR_ENV, str(tmp_path / "cache"))
    compiled: list[Path] = []
    real = relevance.load_topic

    def counting(config: Config) -> relevance.Topic:
        compiled.append(config.topic_path)
        return real(config)

    monkeypatch.setattr(relevance, "load_topic", counting)
    return compiled


def config_with_topic(folder: Path, topic_text: str) -> Config:
    topic = folder / "topic.yaml"
    topic.write_text(topic_text, encoding="utf-8")
    path = write_config(
        folder, f"sqlite:///{folder / 'nw.db'}", [{"name": "a", "url": "https://example.org/f"}]
    )
    document = yaml.safe_load(path.read_text())
    document["relevance"]["topic"] = str(topic)
    path.write_text(yaml.safe_dump(document))
    return load_config(path)


def test_a_topic_that_passed_is_not_compiled_again(tmp_path: Path, compiles: list[Path]) -> None:
    config = config_with_topic(tmp_path, SHIPPED_TOPIC.read_text(encoding="utf-8"))
    check_topic(config)
    check_topic(config)
    assert compiles == [config.topic_path]


def test_a_changed_topic_is_compiled_again(tmp_path: Path, compiles: list[Path]) -> None:
    text = SHIPPED_TOPIC.read_text(encoding="utf-8")
    config = config_with_topic(tmp_path, text)
    check_topic(config)
    config.topic_path.write_text(text + "\n# edited\n", encoding="utf-8")
    check_topic(config)
    assert len(compiles) == 2


def test_a_bad_topic_fails_every_time(tmp_path: Path, compiles: list[Path]) -> None:
    config = config_with_topic(tmp_path, "terms: [unclosed\n")
    for _ in range(2):
        with pytest.raises(ConfigError, match=r"relevance\.topic"):
            check_topic(config)
    assert len(compiles) == 2


def test_a_missing_topic_is_a_configuration_error(tmp_path: Path, compiles: list[Path]) -> None:
    config = config_with_topic(tmp_path, SHIPPED_TOPIC.read_text(encoding="utf-8"))
    config.topic_path.unlink()
    with pytest.raises(ConfigError, match="cannot read topic file"):
        check_topic(config)


def test_a_topic_is_checked_again_after_its_parser_is_upgraded(
    tmp_path: Path, compiles: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    config = config_with_topic(tmp_path, SHIPPED_TOPIC.read_text(encoding="utf-8"))
    check_topic(config)
    real_version = built_index.importlib.metadata.version

    def upgraded(distribution: str) -> str:
        return "999.0" if distribution == "pydantic" else real_version(distribution)

    monkeypatch.setattr(built_index.importlib.metadata, "version", upgraded)
    assert not topic_passed_before(config.topic_path)
    check_topic(config)
    assert len(compiles) == 2
