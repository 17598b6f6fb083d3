"""Discovery: feeds announced by pages, judging fetched candidates, and appending to the config safely."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
import yaml

from crawler.app import config_editing
from crawler.app.config_editing import append_to_config, config_entries
from crawler.core.config import load_config
from crawler.core.errors import ConfigError
from crawler.sources.discovery import (
    COMMON_FEED_PATHS,
    DiscoveredSource,
    classify_response,
    common_source_candidates,
    feed_links_in_html,
)
from tests.support import SOURCE_FIXTURES

SITE = "https://www.example-tribune.com/"


def fixture_text(name: str) -> str:
    return (SOURCE_FIXTURES / name).read_text(encoding="utf-8")


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "newswatch.yaml"
    path.write_bytes((SOURCE_FIXTURES / "config-with-comments.yaml").read_bytes())
    return path


NEW_SOURCES = [
    DiscoveredSource("https://www.example-tribune.com/feed/", "feed", "The Example Tribune » Feed"),
    DiscoveredSource("https://www.example-tribune.com/news-sitemap.xml", "sitemap", "news sitemap"),
]


# --- finding sources -----------------------------------------------------------------


def test_page_announces_feeds_and_sitemaps_in_document_order() -> None:
    sources = feed_links_in_html(fixture_text("discovery-page.html"), SITE)
    assert [(source.url, source.type) for source in sources] == [
        ("https://www.example-tribune.com/feed/", "feed"),
        ("https://www.example-tribune.com/feed.json", "feed"),
        ("https://www.example-tribune.com/news-sitemap.xml", "sitemap"),
        ("https://www.example-tribune.com/news/immigration/rss", "feed"),
        ("https://www.example-tribune.com/syndication/headlines.xml", "feed"),
        ("https://feeds.feedburner.com/example-tribune/atom", "feed"),
    ]
    assert sources[0].title == "The Example Tribune » Feed"
    assert sources[3].title == "Immigration RSS"


@pytest.mark.parametrize(
    "html", ["", "\x00", "<link rel=alternate type=application/rss+xml href='http://[::1'>"]
)
def test_bad_pages_announce_nothing(html: str) -> None:
    assert feed_links_in_html(html, SITE) == []


def test_common_candidates_sit_at_the_site_root() -> None:
    candidates = common_source_candidates("https://www.example-tribune.com/news/immigration/?x=1")
    assert len(candidates) == len(COMMON_FEED_PATHS)
    assert candidates[0] == DiscoveredSource("https://www.example-tribune.com/feed", "feed")
    assert DiscoveredSource("https://www.example-tribune.com/sitemap_news.xml", "sitemap") in candidates
    assert {path for path, _ in COMMON_FEED_PATHS} >= {"/feed", "/rss", "/rss.xml", "/feeds/posts/default"}


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "bing-news-search.xml",
            DiscoveredSource("https://x.example/c", "feed", '"workplace raid" immigration - BingNews'),
        ),
        ("news-sitemap-child.xml", DiscoveredSource("https://x.example/c", "sitemap", "news sitemap")),
        ("sitemap-index.xml", DiscoveredSource("https://x.example/c", "sitemap", "sitemap index")),
        ("plain-sitemap-lastmod.xml", DiscoveredSource("https://x.example/c", "sitemap", "sitemap")),
        ("discovery-page.html", None),
        ("robots.txt", None),
    ],
)
def test_fetched_candidates_are_classified(name: str, expected: DiscoveredSource | None) -> None:
    assert classify_response((SOURCE_FIXTURES / name).read_bytes(), "https://x.example/c") == expected


def test_gzip_sitemap_candidate_is_a_sitemap() -> None:
    body = gzip.compress((SOURCE_FIXTURES / "news-sitemap-child.xml").read_bytes())
    source = classify_response(body, "https://x.example/sitemap.xml.gz")
    assert source is not None and source.type == "sitemap"


# --- config entries ------------------------------------------------------------------


def test_config_entries_are_ready_to_paste_yaml() -> None:
    text = config_entries(NEW_SOURCES, "Example Tribune")
    assert text.startswith("  # The Example Tribune » Feed\n  - name: example-tribune-feed\n")
    items = yaml.safe_load(text)
    assert items == [
        {"name": "example-tribune-feed", "url": "https://www.example-tribune.com/feed/", "type": "feed",
         "interval": "30m"},
        {"name": "example-tribune-news-sitemap", "url": "https://www.example-tribune.com/news-sitemap.xml",
         "type": "sitemap", "interval": "30m"},
    ]  # fmt: skip


def test_config_entry_names_are_unique_against_taken_ones() -> None:
    sources = [
        DiscoveredSource("https://a.example/feed", "feed"),
        DiscoveredSource("https://a.example/feed/", "feed"),  # the same feed: skipped
        DiscoveredSource("https://a.example/feed.xml", "feed"),
        DiscoveredSource("javascript:alert(1)", "feed"),
    ]
    items = yaml.safe_load(config_entries(sources, "", taken={"a-example-feed"}))
    assert [item["name"] for item in items] == ["a-example-feed-2", "a-example-feed-3"]


def test_hostile_titles_and_urls_cannot_inject_config() -> None:
    evil = "Feed\n  - name: injected\n    url: http://169.254.169.254/\u2028- x\x85y\r#"
    sources = [
        DiscoveredSource("https://a.example/feed", "feed", evil),
        DiscoveredSource("https://a.example/news/\u2028feed #x: y", "feed", None),
    ]
    items = yaml.safe_load(config_entries(sources, "a"))
    assert [set(item) for item in items] == [{"name", "url", "type", "interval"}] * 2
    assert items[1]["url"] == "https://a.example/news/%E2%80%A8feed%20#x:%20y"  # percent-encoded, quoted
    assert "injected" not in {item["name"] for item in items}


# --- appending to the config ---------------------------------------------------------


def test_append_keeps_every_comment_and_line(config_file: Path) -> None:
    original = config_file.read_text(encoding="utf-8")
    entries = config_entries(NEW_SOURCES, "example-tribune")
    names = append_to_config(config_file, entries)
    assert names == ["example-tribune-feed", "example-tribune-news-sitemap"]
    # Inserted right after the last item's last line: before the commented-out feed and the crawl section.
    last_item_line = "    # keep: all   (commented out on purpose)\n"
    assert config_file.read_text(encoding="utf-8") == original.replace(
        last_item_line, last_item_line + entries
    )
    config = load_config(config_file)
    assert [feed.name for feed in config.feeds][-2:] == names
    assert config.feed("example-tribune-news-sitemap").type == "sitemap"
    assert config.crawl.download_delay == 1.0


def test_append_to_a_feeds_list_at_the_end_without_final_newline(tmp_path: Path) -> None:
    path = tmp_path / "newswatch.yaml"
    path.write_text("feeds:\n- name: first\n  url: https://a.example/feed", encoding="utf-8")
    append_to_config(path, config_entries(NEW_SOURCES[:1], "b"))
    assert path.read_text(encoding="utf-8") == (
        "feeds:\n- name: first\n  url: https://a.example/feed\n"
        "# The Example Tribune » Feed\n- name: b-feed\n  url: https://www.example-tribune.com/feed/\n"
        "  type: feed\n  interval: 30m\n"
    )


def test_append_keeps_crlf_line_endings(config_file: Path) -> None:
    config_file.write_bytes(config_file.read_bytes().replace(b"\n", b"\r\n"))
    append_to_config(config_file, config_entries(NEW_SOURCES, "t"))
    raw = config_file.read_bytes()
    assert b"\n" not in raw.replace(b"\r\n", b"")
    assert len(load_config(config_file).feeds) == 4


def test_duplicate_name_is_refused_and_nothing_written(config_file: Path) -> None:
    before = config_file.read_bytes()
    entries = config_entries([DiscoveredSource("https://a.example/feed", "feed")], "border-report", taken=())
    entries = entries.replace("border-report-feed", "border-report")
    with pytest.raises(
        ConfigError, match=r"(?s)duplicate feed name 'border-report'.*nothing was written"
    ) as caught:
        append_to_config(config_file, entries)
    assert str(config_file) in str(caught.value) and ".tmp" not in str(caught.value)
    assert config_file.read_bytes() == before
    assert sorted(path.name for path in config_file.parent.iterdir()) == ["newswatch.yaml"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "storage:\n  url: sqlite:///x.db\nfeeds: [{name: a, url: 'https://a.example/feed'}]\n",
            "block-style",
        ),
        ("feeds:\n  - name: a\n    url: https://a.example/feed\n    interval: 0s\n", "interval"),
        ("storage: {url: 'sqlite:///x.db'}\n", "feeds"),
    ],
    ids=["flow-style-feeds", "already-invalid", "no-feeds"],
)
def test_files_that_cannot_take_an_append_are_left_alone(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "newswatch.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        append_to_config(path, config_entries(NEW_SOURCES, "t"))
    assert path.read_text(encoding="utf-8") == text


def test_an_insert_that_would_change_more_than_feeds_is_refused(
    config_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The last guard: whatever the text insert did, only new feeds may appear."""
    before = config_file.read_bytes()

    def careless_insert(path: Path, text: str, entries_yaml: str) -> str:
        return insert(path, text, entries_yaml).replace("download_delay: 1s", "download_delay: 9s")

    insert = config_editing._insert_feed_items
    monkeypatch.setattr(config_editing, "_insert_feed_items", careless_insert)
    with pytest.raises(ConfigError, match="would change more than the feeds list"):
        append_to_config(config_file, config_entries(NEW_SOURCES, "t"))
    assert config_file.read_bytes() == before


def test_entries_must_be_a_list_of_mappings(config_file: Path) -> None:
    with pytest.raises(ConfigError, match="not a YAML list"):
        append_to_config(config_file, "name: x\nurl: https://a.example/feed\n")
    with pytest.raises(ConfigError, match="not valid YAML"):
        append_to_config(config_file, "  - name: x\ncrawl:\n  download_delay: 9s\n")
    assert append_to_config(config_file, "") == []


def test_append_keeps_the_file_mode(config_file: Path) -> None:
    config_file.chmod(0o640)
    append_to_config(config_file, config_entries(NEW_SOURCES, "t"))
    assert config_file.stat().st_mode & 0o777 == 0o640


def test_append_through_a_symlink_writes_the_target(config_file: Path, tmp_path: Path) -> None:
    link = tmp_path / "link.yaml"
    link.symlink_to(config_file)
    append_to_config(link, config_entries(NEW_SOURCES, "t"))
    assert link.is_symlink()
    assert len(load_config(config_file).feeds) == 4
