"""Walk ../shared/corpus/feeds: real feeds parse, sitemaps are not feeds, feedparser's edge cases hold.

feedparser keeps each edge case as a tiny file whose header comment states the
expectation (``Header:`` lines are HTTP response headers, ``Expect:`` a Python
expression over feedparser's result). The subset that maps onto ParsedFeed is
checked: feed titles, first-entry links, "bozo" as a recorded problem for the
ill-formed files, and "not bozo" as no ill-formed-XML problem. Expectations about
feedparser's own encoding names and its RFC 3023 media-type verdicts do not apply,
because newswatch decodes bodies the way Scrapy does (w3lib), not the way feedparser does.
"""

import ast
import json
import re
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from crawler.core.clock import utcnow
from crawler.core.errors import NotAFeed
from crawler.sources.feeds import ParsedFeed, parse_feed
from tests.support import problem_texts
from tests.support.corpus import SHARED

CORPUS = SHARED / "corpus" / "feeds"
FEED_URL = "https://feeds.example.org/news/feed.xml"  # relative links in the corpus resolve here

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(not CORPUS.is_dir(), reason=f"feed corpus not found at {CORPUS}: ../shared is absent"),
]

KIND_OF_FOLDER = {"atom": "atom", "rss": "rss", "rdf": "rdf", "jsonfeed": "jsonfeed", "google-news": "rss"}


def corpus_files(pattern: str) -> list[Path]:
    return sorted(CORPUS.glob(pattern)) if CORPUS.is_dir() else []


def case_id(path: Path) -> str:
    return str(path.relative_to(CORPUS))


REAL_FEEDS = [
    path
    for path in corpus_files("real/*/*")
    if path.parent.name in KIND_OF_FOLDER and not path.name.endswith(".expected.json")
]
EXPECTED = corpus_files("real/*/*.expected.json")
SITEMAPS = corpus_files("real/sitemaps/*")
FEEDPARSER_CASES = [
    path
    for folder in ("illformed", "encoding", "entities")
    for path in corpus_files(f"feedparser/{folder}/**/*.xml")
]


@pytest.mark.parametrize("path", REAL_FEEDS, ids=case_id)
def test_real_feed_parses_to_entries_with_absolute_http_links(path: Path) -> None:
    feed = parse_feed(path.read_bytes(), FEED_URL)
    assert feed.kind == KIND_OF_FOLDER[path.parent.name]
    assert feed.title
    assert feed.entries
    for entry in feed.entries:
        parts = urlsplit(entry.link)
        assert parts.scheme in ("http", "https") and parts.netloc, entry.link
        assert entry.published is None or entry.published <= utcnow()
    assert not any(
        problem.startswith(("ill-formed", "document declared")) for problem in problem_texts(feed.problems)
    )


@pytest.mark.parametrize("expected_path", EXPECTED, ids=case_id)
def test_real_feed_matches_the_expected_parse(expected_path: Path) -> None:
    """Compare with the parse other projects saved (rss-parser), item by item."""
    source = next(
        path
        for path in expected_path.parent.glob(expected_path.name.replace(".expected.json", ".*"))
        if path != expected_path
    )
    raw = expected_path.read_bytes()
    try:
        expected = json.loads(raw.decode("utf-8"))["feed"]
    except UnicodeDecodeError:  # rss-parser saved the Portuguese feed's text in latin-1
        expected = json.loads(raw.decode("latin-1"))["feed"]
    feed = parse_feed(source.read_bytes(), FEED_URL)
    assert feed.title == expected["title"]
    assert len(feed.entries) == len(expected["items"])
    for entry, item in zip(feed.entries, expected["items"], strict=True):
        assert squeeze(entry.title) == squeeze(item.get("title")), item.get("link")
        assert entry.link == item["link"]
        if item.get("isoDate"):
            assert entry.published == datetime.fromisoformat(item["isoDate"]), item["link"]


def squeeze(text: str | None) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


@pytest.mark.parametrize("path", SITEMAPS, ids=case_id)
def test_news_sitemaps_are_not_feeds(path: Path) -> None:
    with pytest.raises(NotAFeed, match="urlset"):
        parse_feed(path.read_bytes(), FEED_URL)


@pytest.mark.parametrize("path", FEEDPARSER_CASES, ids=case_id)
def test_feedparser_edge_case(path: Path) -> None:
    raw = path.read_bytes()
    header = header_comment(raw)
    headers = {
        name.strip(): value.strip()
        for name, _, value in (line.partition(":") for line in re.findall(r"^\s*Header:(.+)$", header, re.M))
    }
    expect_match = re.search(r"Expect:\s*(.+?)\s*$", header, re.M)
    expect = expect_match.group(1) if expect_match else ""
    try:
        feed: ParsedFeed | None = parse_feed(raw, "http://example.com/feed.xml", headers)
    except NotAFeed:
        feed = None  # the only exception parse_feed may raise
    check_expectation(path, expect, feed)


# feedparser flags these as bozo only for a media-type rule: RFC 3023 made text/xml without a
# charset us-ascii and text/plain suspect; RFC 7303 replaced that, and the XML declaration (or
# UTF-8) decodes them cleanly, so newswatch rightly records no problem.
MEDIA_TYPE_ONLY_BOZO = {"bozo_http_i18n.xml", "bozo_http_text_plain.xml", "bozo_http_text_plain_charset.xml"}
NOT_KEPT = {
    "where": "newswatch does not keep GeoRSS locations",
    "feed.link": "newswatch does not keep a feed's own link, only its entries' links",
}


def check_expectation(path: Path, expect: str, feed: ParsedFeed | None) -> None:
    """Check the parse against the case's `Expect:` line; a case we cannot judge skips, saying why."""
    if title := re.fullmatch(r"(?:(?:not )?bozo and )?feed\[['\"]title['\"]\] == (.+)", expect):
        assert feed is not None and feed.title == ast.literal_eval(title.group(1)).strip()
    elif link := re.fullmatch(r"entries\[0\](?:\.link|\['link'\]) == (.+)", expect):
        assert feed is not None and feed.entries[0].link == ast.literal_eval(link.group(1))
    elif entry_title := re.fullmatch(r"entries\[0\]\['title'\] == (.+)", expect):
        assert feed is not None
        if not feed.entries:
            pytest.skip("the case's entry has no link, and newswatch keeps only fetchable entries")
        assert feed.entries[0].title == ast.literal_eval(entry_title.group(1))
    elif re.fullmatch(r"bozo\b.*", expect):
        if path.name in MEDIA_TYPE_ONLY_BOZO:
            pytest.skip("bozo only by RFC 3023's media-type rule, which RFC 7303 replaced")
        assert feed is None or problem_texts(feed.problems), "an ill-formed feed must record its problem"
    elif expect.startswith("not bozo"):
        assert feed is not None
        assert not [problem for problem in problem_texts(feed.problems) if problem.startswith("ill-formed")]
    elif expect == "1":
        # feedparser's crash cases expect nothing but a return: parse_feed returned a feed or
        # raised NotAFeed (caught by the caller); any other exception has failed the test already.
        assert feed is None or isinstance(feed, ParsedFeed)
    elif reason := next((why for key, why in NOT_KEPT.items() if key in expect), None):
        pytest.skip(reason)
    else:
        pytest.fail(f"no check for the expectation {expect!r}: add one, or a skip saying why")


def header_comment(raw: bytes) -> str:
    """The file's leading comment, whichever Unicode encoding the file is in."""
    for encoding in ("utf-8", "utf-16", "utf-32", "utf-16-be", "utf-16-le", "utf-32-be", "utf-32-le"):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "Expect:" in text or "Description:" in text:
            return text[: text.find("-->") + 3]
    return raw[:2000].decode("latin-1")
