"""The package carries its defaults: the topic and the starter configuration are package data
(one copy, the repository's config/), and a configuration without `relevance.topic` uses them."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from crawler.core.config import load_config
from crawler.core.config_paths import DEFAULT_CONFIG_PATH, LOCAL_CONFIG_PATH, default_config_path
from crawler.core.errors import ConfigError
from crawler.core.packaged import packaged_topic_path, starter_config_text
from crawler.topic.relevance import load_topic
from tests.support import REPO

FEED = "feeds:\n  - name: one\n    url: https://example.org/feed.xml\n"


def write(folder: Path, text: str) -> Path:
    path = folder / "newswatch.yaml"
    path.write_text(text)
    return path


def test_pyproject_lists_every_package_of_the_source_tree():
    listed = set(tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    on_disk = {
        ".".join(init.parent.relative_to(REPO).parts)
        for top in ("crawler", "spiders", "pipelines")
        for init in (REPO / top).rglob("__init__.py")
    }
    assert listed == on_disk | {"crawler.defaults", "crawler.defaults.topics"}


def test_packaged_files_are_the_repository_files_not_copies():
    assert packaged_topic_path().samefile(REPO / "config" / "topics" / "immigration-enforcement.yaml")
    assert starter_config_text() == (REPO / "config" / "newswatch.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize("relevance", ["", "relevance: {}\n", "relevance:\n  threshold: 0.4\n"])
def test_config_without_relevance_topic_uses_the_packaged_topic(tmp_path: Path, relevance: str):
    config = load_config(write(tmp_path, FEED + relevance))

    assert config.topic_path == packaged_topic_path()
    assert load_topic(config).name  # parsed, valid


def test_relevance_topic_resolves_against_the_config_folder(tmp_path: Path):
    (tmp_path / "beats").mkdir()
    (tmp_path / "beats" / "mine.yaml").write_bytes(packaged_topic_path().read_bytes())
    config = load_config(write(tmp_path, FEED + "relevance:\n  topic: beats/mine.yaml\n"))

    assert config.topic_path == tmp_path / "beats" / "mine.yaml"
    assert load_topic(config).name


@pytest.mark.parametrize(
    ("make_topic", "problem"),
    [
        (lambda path: None, "cannot read topic file"),
        (lambda path: path.mkdir(), "cannot read topic file"),
        (lambda path: path.write_bytes(b"\xff\xfe\x00"), "not UTF-8"),
        (lambda path: path.write_text("name: [unclosed\n"), "not valid YAML: line 2"),
        (lambda path: path.write_text("name: x\nthreshold: 0.5\n"), "terms"),
    ],
    ids=["missing", "directory", "invalid-bytes", "invalid-yaml", "not-a-topic"],
)
def test_unusable_relevance_topic_is_a_configuration_error_naming_file_key_and_path(
    tmp_path: Path, make_topic, problem: str
):
    topic = tmp_path / "topic.yaml"
    make_topic(topic)
    path = write(tmp_path, FEED + f"relevance:\n  topic: {topic.name}\n")

    with pytest.raises(ConfigError) as caught:
        load_topic(load_config(path))

    message = str(caught.value)
    assert message.startswith(f"{path}: relevance.topic: {topic}")
    assert problem in message
    assert "\n" not in message


def test_config_default_is_env_then_local_file_then_repository_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NEWSWATCH_CONFIG", raising=False)
    assert default_config_path() == DEFAULT_CONFIG_PATH

    write(tmp_path, FEED)
    assert default_config_path() == LOCAL_CONFIG_PATH
    assert load_config().source_path == tmp_path.resolve() / "newswatch.yaml"

    monkeypatch.setenv("NEWSWATCH_CONFIG", str(tmp_path / "elsewhere.yaml"))
    assert default_config_path() == tmp_path / "elsewhere.yaml"
