"""Configuration errors are refused at start, naming file, key and problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.app.cli import main
from crawler.core.config import load_config
from crawler.core.errors import ConfigError
from tests.support import REPO

GOOD_FEED = "  - name: one\n    url: https://example.org/feed.xml\n"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "newswatch.yaml"
    path.write_text(text)
    return path


def error_of(path: Path) -> str:
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    return str(caught.value)


def test_shipped_config_is_valid():
    config = load_config(REPO / "config" / "newswatch.yaml")
    assert len(config.feeds) >= 10
    assert config.database_url.startswith("sqlite:///")
    assert config.database_url.endswith("/data/newswatch.db")
    assert not config.crawl.allow_private_addresses


def test_minimal_config_gets_defaults(tmp_path: Path):
    config = load_config(write(tmp_path, "feeds:\n" + GOOD_FEED))
    feed = config.feeds[0]
    assert (feed.type, feed.interval, feed.keep, feed.enabled) == ("feed", 900.0, "relevant", True)
    assert config.database_url == f"sqlite:///{tmp_path.resolve() / 'data' / 'newswatch.db'}"


@pytest.mark.parametrize(
    ("text", "key", "problem"),
    [
        ("feeds:\n" + GOOD_FEED + "    intervall: 5m\n", "feeds[0] (name=one).intervall", "unknown key"),
        ("feeds:\n" + GOOD_FEED + GOOD_FEED, "feeds", "duplicate feed name 'one'"),
        ("feeds:\n  - name: one\n    url: not a url\n", "feeds[0] (name=one).url", "http(s) URL"),
        (
            "feeds:\n  - name: one\n    url: ftp://example.org/feed\n",
            "feeds[0] (name=one).url",
            "http(s) URL",
        ),
        ("feeds:\n" + GOOD_FEED + "    interval: -5m\n", "feeds[0] (name=one).interval", "duration"),
        ("feeds:\n" + GOOD_FEED + "    interval: 0s\n", "feeds[0] (name=one).interval", "positive"),
        ("feeds:\n" + GOOD_FEED + "    interval: 10s\n", "feeds[0] (name=one).interval", "between 60s"),
        ("feeds:\n" + GOOD_FEED + "    interval: soon\n", "feeds[0] (name=one).interval", "like 90s"),
        ("feeds: []\n", "feeds", "no feeds configured"),
        ("storage:\n  url: nonsense\nfeeds:\n" + GOOD_FEED, "storage.url", "not a database URL"),
        ("storage:\n  url: mysql://x/y\nfeeds:\n" + GOOD_FEED, "storage.url", "unsupported database"),
        ("feeds:\n  - name: one\n", "feeds[0] (name=one).url", "required key is missing"),
        (
            "crawl:\n  concurrent_requests: 0\nfeeds:\n" + GOOD_FEED,
            "crawl.concurrent_requests",
            "greater than",
        ),
        ("feeds:\n" + GOOD_FEED + "    keep: some\n", "feeds[0] (name=one).keep", "'relevant' or 'all'"),
        ("extraction:\n  start: soon\nfeeds:\n" + GOOD_FEED, "extraction.start", "'lazy' or 'eager'"),
    ],
)
def test_hostile_36_bad_config_is_refused_naming_file_key_and_problem(tmp_path: Path, text, key, problem):
    path = write(tmp_path, text)
    message = error_of(path)
    assert message.startswith(str(path))
    assert key in message
    assert problem in message


def test_a_file_is_parsed_once_per_content(tmp_path: Path):
    path = write(tmp_path, "feeds:\n" + GOOD_FEED)
    first = load_config(path)
    assert load_config(path) is first  # a cycle reads it three times
    path.write_text("extraction:\n  start: eager\nfeeds:\n" + GOOD_FEED, encoding="utf-8")
    edited = load_config(path)
    assert edited is not first and edited.extraction.start == "eager" and first.extraction.start == "lazy"


def test_duplicate_yaml_keys_are_refused(tmp_path: Path):
    message = error_of(write(tmp_path, "feeds:\n" + GOOD_FEED + "feeds:\n" + GOOD_FEED))
    assert "duplicate key 'feeds'" in message


def test_invalid_yaml_is_refused_with_position(tmp_path: Path):
    message = error_of(write(tmp_path, "feeds: [\n"))
    assert "not valid YAML" in message and "line" in message


def test_missing_file_is_refused(tmp_path: Path):
    assert "file not found" in error_of(tmp_path / "absent.yaml")


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/feed",
        "http://localhost:8080/feed",
        "http://169.254.169.254/latest/meta-data",
        "http://10.1.2.3/feed",
        "http://2130706433/feed",
        "http://0x7f.1/feed",
        "http://[::ffff:127.0.0.1]/feed",
        "http://[fd00::1]/feed",
    ],
)
def test_hostile_37_private_feed_address_is_refused_while_guard_is_on(tmp_path: Path, url: str):
    message = error_of(write(tmp_path, f"feeds:\n  - name: one\n    url: '{url}'\n"))
    assert "private address" in message and "allow_private_addresses" in message


def test_private_feed_address_is_accepted_when_allowed(tmp_path: Path):
    path = write(
        tmp_path,
        "crawl:\n  allow_private_addresses: true\nfeeds:\n  - name: one\n    url: http://127.0.0.1/f\n",
    )
    assert load_config(path).crawl.allow_private_addresses


def test_cli_exits_2_with_the_message_on_a_bad_config(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    path = write(tmp_path, "feeds:\n" + GOOD_FEED + "    keep: some\n")
    assert main(["--config", str(path), "feeds", "list"]) == 2
    assert f"{path}: feeds[0] (name=one).keep" in capsys.readouterr().err


def test_cli_refuses_unknown_feed_name_with_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    path = write(tmp_path, "feeds:\n" + GOOD_FEED)
    assert main(["--config", str(path), "run", "--feed", "nope"]) == 2
    assert "no feed named 'nope'" in capsys.readouterr().err
