"""Sitemaps: real samples from ../shared, written fixtures, and hostile XML (nothing expanded or
loaded, recoverable entries kept, bombs and huge files bounded)."""

from __future__ import annotations

import gzip
import socket
from datetime import UTC, datetime
from pathlib import Path

import pytest

from crawler.core.errors import NotASitemap, ProblemKind
from crawler.sources.feeds import parse_feed
from crawler.sources.sitemaps import (
    MAX_GUNZIPPED_BYTES,
    ParsedSitemap,
    parse_sitemap,
    sitemaps_from_robots,
)
from tests.support import SOURCE_FIXTURES, problem_texts
from tests.support.corpus import SHARED, corpus_absent
from tests.support.timing import cpu_seconds

REAL_SITEMAPS = SHARED / "corpus" / "feeds" / "real" / "sitemaps"
SITEMAP_URL = "https://www.example-news.com/sitemaps/index.xml"
WINDOW_START = datetime(2024, 5, 10, tzinfo=UTC)

corpus = pytest.mark.corpus


def real_sitemap(name: str) -> bytes:
    path = REAL_SITEMAPS / name
    if not path.is_file():
        corpus_absent(path)
    return path.read_bytes()


def fixture(name: str) -> bytes:
    return (SOURCE_FIXTURES / name).read_bytes()


def links(parsed: ParsedSitemap) -> list[str]:
    return [entry.link for entry in parsed.entries]


# --- real samples ------------------------------------------------------------------


@corpus
def test_nyt_news_sitemap_keeps_titles_dates_and_keywords() -> None:
    parsed = parse_sitemap(
        real_sitemap("advertools__nytimes_news_sitemap_excerpt.xml"), "https://www.nytimes.com/"
    )
    assert parsed.kind == "urlset" and problem_texts(parsed.problems) == [] and len(parsed.entries) == 6
    first = parsed.entries[0]
    # The loc has a trailing space in the file; the title a leading one.
    assert first.link == "https://www.nytimes.com/interactive/2020/05/11/magazine/quarantine-insanity.html"
    assert first.title == "Quarantine Was Driving Me Crazy — So I Decided to Lose My Mind on Purpose"
    assert first.published == datetime(2020, 5, 11, 9, 0, 1, tzinfo=UTC)
    assert first.lastmod == datetime(2020, 5, 19, 21, 57, 45, tzinfo=UTC)
    assert first.keywords == ["Coronavirus (2019-nCoV)", "Quarantines", "Writing and Writers"]


@corpus
def test_news_window_uses_publication_date_not_lastmod() -> None:
    body = real_sitemap("advertools__nytimes_news_sitemap_excerpt.xml")
    parsed = parse_sitemap(body, "https://www.nytimes.com/", newer_than=datetime(2020, 5, 15, tzinfo=UTC))
    # Every lastmod is 19 May, but only three articles were published after the 15th.
    assert [entry.published.day for entry in parsed.entries if entry.published] == [16, 19, 19]


@corpus
def test_google_spec_example_reads_date_only_publication_dates() -> None:
    parsed = parse_sitemap(real_sitemap("crawler-commons__google-spec-example-sitemap-news.xml"), SITEMAP_URL)
    assert links(parsed) == [
        "http://www.example.org/business/article55.html",
        "http://www.example.org/empty_news_name.html",
    ]
    assert parsed.entries[0].published == datetime(2008, 12, 23, tzinfo=UTC)
    assert parsed.entries[0].title == "Companies A, B in Merger Talks"
    assert parsed.entries[0].keywords == ["business", "merger", "acquisition", "A", "B"]
    assert parsed.entries[1].keywords == []


@corpus
def test_sitemaps_org_plain_urlset_uses_lastmod_as_date() -> None:
    parsed = parse_sitemap(real_sitemap("trafilatura__sitemaps_org_sitemap.xml"), "https://www.sitemaps.org/")
    assert len(parsed.entries) == 84
    assert all(entry.title is None and entry.published == entry.lastmod for entry in parsed.entries)
    assert parsed.entries[0].published == datetime(2016, 11, 21, tzinfo=UTC)


# --- written fixtures --------------------------------------------------------------


def test_index_lists_children_inside_the_window_and_resolves_relative_ones() -> None:
    parsed = parse_sitemap(fixture("sitemap-index.xml"), SITEMAP_URL, newer_than=WINDOW_START)
    assert parsed.kind == "index" and parsed.entries == []
    assert parsed.children == [
        "https://www.example-news.com/sitemaps/news.xml",
        "https://www.example-news.com/sitemaps/latest.xml.gz",
        "https://www.example-news.com/sitemaps/sections.xml",
    ]
    assert problem_texts(parsed.problems) == [
        "dropped 1 entries with an unfetchable location",
        "kept 1 entries without a date: the window cannot judge them",
    ]


def test_index_without_window_lists_every_fetchable_child() -> None:
    parsed = parse_sitemap(fixture("sitemap-index.xml"), SITEMAP_URL)
    assert len(parsed.children) == 4


def test_gzip_child_is_decompressed_and_repeats_are_dropped() -> None:
    body = gzip.compress(fixture("news-sitemap-child.xml"))
    parsed = parse_sitemap(body, "https://www.example-news.com/sitemaps/latest.xml.gz")
    assert links(parsed) == [
        "https://www.example-news.com/2024/05/12/ice-agents-arrest-workers-at-meatpacking-plant",
        "https://www.example-news.com/2024/05/11/county-ends-287g-agreement",
        "https://www.example-news.com/2024/05/10/immigration-court-backlog",
    ]
    first = parsed.entries[0]
    assert first.title == "ICE agents arrest workers at meatpacking plant"
    assert first.keywords == ["ICE", "immigration", "workplace raid"]
    assert "dropped 1 entries repeating an earlier location" in problem_texts(parsed.problems)


def test_repeated_locations_are_the_same_kind_of_problem_as_a_feeds_repeated_links() -> None:
    """The ledger keeps quiet about both kinds alike (tests/cycle/test_sources.py shows the cycle)."""
    sitemap = parse_sitemap(gzip.compress(fixture("news-sitemap-child.xml")), SITEMAP_URL)
    link = "<item><link>https://www.example-news.com/a</link></item>"
    feed = parse_feed(f"<rss><channel>{link}{link}</channel></rss>".encode(), SITEMAP_URL)
    assert ProblemKind.REPEATED_ENTRIES in {problem.kind for problem in sitemap.problems}
    assert [problem.kind for problem in feed.problems] == [ProblemKind.REPEATED_ENTRIES]


def test_news_window_of_two_days() -> None:
    body = fixture("news-sitemap-child.xml")
    parsed = parse_sitemap(body, SITEMAP_URL, newer_than=datetime(2024, 5, 11, 12, tzinfo=UTC))
    assert [entry.title for entry in parsed.entries] == [
        "ICE agents arrest workers at meatpacking plant",
        "County ends 287(g) agreement",
    ]


def test_plain_sitemap_window_keeps_undated_entries_and_says_so() -> None:
    parsed = parse_sitemap(fixture("plain-sitemap-lastmod.xml"), SITEMAP_URL, newer_than=WINDOW_START)
    assert [link.rsplit("/", 1)[1] for link in links(parsed)] == [
        "fresh-minute-precision",
        "fresh-fractional-seconds",
        "rfc822-date-story",
        "impossible-date-story",
        "no-date-story",
    ]
    dates = {entry.link.rsplit("/", 1)[1]: entry.published for entry in parsed.entries}
    assert dates["fresh-minute-precision"] == datetime(2024, 5, 12, 8, 0, tzinfo=UTC)
    assert dates["rfc822-date-story"] == datetime(2024, 5, 12, 6, 0, tzinfo=UTC)
    assert dates["impossible-date-story"] is None
    assert "kept 2 entries without a date: the window cannot judge them" in problem_texts(parsed.problems)


def test_cap_keeps_the_newest_entries_in_document_order() -> None:
    parsed = parse_sitemap(fixture("plain-sitemap-lastmod.xml"), SITEMAP_URL, max_entries=2)
    names = [link.rsplit("/", 1)[1] for link in links(parsed)]
    assert names == ["fresh-minute-precision", "rfc822-date-story"]
    assert "entries capped at 2 of 6 listed; the newest were kept" in problem_texts(parsed.problems)


def test_plain_text_sitemap_lists_one_url_per_line() -> None:
    parsed = parse_sitemap(fixture("sitemap.txt"), SITEMAP_URL, {"Content-Type": "text/plain"})
    assert links(parsed) == [
        "https://www.example-news.com/news/one-two-three",
        "https://www.example-news.com/news/four-five-six",
    ]
    assert parsed.entries[0].published is None
    assert problem_texts(parsed.problems) == ["skipped 1 lines that are no http(s) URL"]


def test_wrong_namespace_and_undeclared_prefix_still_read() -> None:
    body = (
        b'<urlset xmlns="http://www.google.com/schemas/sitemap/0.84"><url>'
        b"<loc>https://a.example/2024/05/12/story-one-two</loc>"
        b"<news:news><news:publication_date>2024-05-12</news:publication_date>"
        b"<news:title>Undeclared prefix</news:title></news:news></url></urlset>"
    )
    parsed = parse_sitemap(body, SITEMAP_URL)
    assert parsed.entries[0].title == "Undeclared prefix"
    assert parsed.entries[0].published == datetime(2024, 5, 12, tzinfo=UTC)
    assert any("Namespace prefix news" in problem for problem in problem_texts(parsed.problems))


def test_unfetchable_locations_are_dropped() -> None:
    body = b"".join(
        [
            b"<urlset>",
            *(
                b"<url><loc>%s</loc></url>" % loc
                for loc in (b"javascript:alert(1)", b"file:///etc/passwd", b"data:text/html,x", b"ftp://a.example/x",
                            b"http://user@a.example/x", b"https://a.example/ok-story-here", b"")
            ),
            b"<url><lastmod>2024-05-12</lastmod></url></urlset>",
        ]
    )  # fmt: skip
    parsed = parse_sitemap(body, SITEMAP_URL)
    assert links(parsed) == ["https://a.example/ok-story-here"]
    assert problem_texts(parsed.problems) == [
        "dropped 2 entries without a location",
        "dropped 5 entries with an unfetchable location",
    ]


@pytest.mark.parametrize(
    "date",
    ["0000-01-01", "9999-12-31T00:00:00Z", "2024-13-01", "2024-05-12T25:00:00Z", "2024-05-12T10:00:00+99:99",
     "2024-05-12T10:00:00+24:00", "1970-01-01", "yesterday", "2" * 200, ""],
)  # fmt: skip
def test_impossible_dates_become_none(date: str) -> None:
    body = f"<urlset><url><loc>https://a.example/x-y-z</loc><lastmod>{date}</lastmod></url></urlset>"
    entry = parse_sitemap(body.encode(), SITEMAP_URL).entries[0]
    assert entry.published is None and entry.lastmod is None


def test_robots_txt_sitemaps_case_insensitive_fetchable_unique() -> None:
    assert sitemaps_from_robots(fixture("robots.txt")) == [
        "https://www.example-news.com/sitemap_index.xml",
        "https://www.example-news.com/news-sitemap.xml",
        "https://cdn.example-news.com/sitemaps/video.xml",
    ]


def test_robots_txt_sitemaps_are_capped() -> None:
    body = b"".join(b"Sitemap: https://a.example/s%d.xml\n" % n for n in range(1000))
    assert len(sitemaps_from_robots(body)) == 100
    assert sitemaps_from_robots(b"") == [] and sitemaps_from_robots(b"\xff\xfe\x00garbage") == []


# --- not a sitemap -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "empty body"),
        (b" \r\n\t", "empty body"),
        (b'{"urls": []}', "JSON"),
        (b"<!DOCTYPE html><html><head><title>Home</title></head><body><p>Hi</body></html>", "HTML page"),
        (b"<html><body><a href='https://a.example/x'>x</a>", "HTML page"),
        (b"Just some words\nand more words\n", "neither XML nor a list of URLs"),
        (b"<", "no XML element"),
        (b"<?xml version='1.0'?><catalog><book/></catalog>", "root element <catalog>"),
        (b"\x1f\x8b\x08\x00garbage", "corrupt gzip"),
        (gzip.compress(gzip.compress(b"<urlset/>", mtime=0), mtime=0), "gzip body inside a gzip body"),
    ],
)
def test_not_a_sitemap(body: bytes, message: str) -> None:
    with pytest.raises(NotASitemap, match=message) as caught:
        parse_sitemap(body, SITEMAP_URL)
    assert caught.value.reason == "not-a-sitemap" and not caught.value.is_feed


@pytest.mark.parametrize(
    "root", [b"<rss version='2.0'><channel/></rss>", b"<feed xmlns='http://www.w3.org/2005/Atom'/>"]
)
def test_feed_at_a_sitemap_url_says_it_is_a_feed(root: bytes) -> None:
    with pytest.raises(NotASitemap) as caught:
        parse_sitemap(root, SITEMAP_URL)
    assert caught.value.is_feed


def test_empty_urlset_is_a_sitemap_with_nothing_new() -> None:
    assert parse_sitemap(b"<urlset/>", SITEMAP_URL) == ParsedSitemap("urlset", [], [], [])


def test_max_entries_must_be_positive() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        parse_sitemap(b"<urlset/>", SITEMAP_URL, max_entries=0)


# --- hostile XML -------------------------------------------------------------------


def billion_laughs(levels: int = 10, padding: bytes = b"") -> bytes:
    entities = b"".join(
        b'<!ENTITY lol%d "%s">' % (level, (b"&lol%d;" % (level - 1)) * 10) for level in range(1, levels)
    )
    return (
        b'<?xml version="1.0"?>' + padding + b'<!DOCTYPE urlset [<!ENTITY lol0 "lol">' + entities + b"]>"
        b"<urlset><url><loc>https://a.example/first-story-here</loc></url>"
        b"<url><loc>https://a.example/&lol%d;</loc></url></urlset>" % (levels - 1)
    )


@pytest.mark.parametrize("levels", [3, 10])
@pytest.mark.parametrize("padding", [b"", b"<!--" + b"x" * 70_000 + b"-->"], ids=["plain", "after-70KiB"])
def test_billion_laughs_is_never_expanded(padding: bytes, levels: int) -> None:
    parsed, cpu = cpu_seconds(lambda: parse_sitemap(billion_laughs(levels, padding), SITEMAP_URL))
    assert cpu < 2, f"{cpu:.2f} s of CPU"
    assert links(parsed) == ["https://a.example/first-story-here"]  # the entity's <loc> is dropped
    assert "ignored a DOCTYPE: entities are never expanded or loaded" in problem_texts(parsed.problems)


def test_values_after_a_declared_entity_are_read_whole_on_every_lxml() -> None:
    # lxml 6.2 drops an unexpanded reference past the amplification limit and keeps the rest of
    # the value; once libxml2 has met an entity error, later "&amp;" are dropped too
    body = billion_laughs(10).replace(
        b"</urlset>", b"<url><loc>https://a.example/story?id=1&amp;page=2</loc></url></urlset>"
    )
    parsed = parse_sitemap(body, SITEMAP_URL)
    assert links(parsed) == ["https://a.example/first-story-here", "https://a.example/story?id=1&page=2"]


def test_an_undeclared_entity_drops_its_value_and_no_later_ampersand() -> None:
    body = (
        b"<urlset><url><loc>https://a.example/&nbsp;story</loc></url>"
        b"<url><loc>https://a.example/story?id=1&amp;page=2</loc></url></urlset>"
    )
    assert links(parse_sitemap(body, SITEMAP_URL)) == ["https://a.example/story?id=1&page=2"]


def test_a_reference_inside_cdata_is_text() -> None:
    body = (
        b'<urlset xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"><url>'
        b"<loc>https://a.example/story</loc><news:news><news:title><![CDATA[Raids &nbsp; arrests]]>"
        b"</news:title></news:news></url></urlset>"
    )
    assert [entry.title for entry in parse_sitemap(body, SITEMAP_URL).entries] == ["Raids &nbsp; arrests"]


def test_quadratic_blowup_is_not_expanded() -> None:
    body = (
        b'<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY a "' + b"A" * 50_000 + b'">]><urlset>'
        b"<url><loc>https://a.example/" + b"&a;" * 50_000 + b"</loc></url></urlset>"
    )

    def parse() -> ParsedSitemap | None:
        try:
            return parse_sitemap(body, SITEMAP_URL)
        except NotASitemap:
            return None

    parsed, cpu = cpu_seconds(parse)
    assert cpu < 2, f"{cpu:.2f} s of CPU"
    assert parsed is None or links(parsed) == []


def test_external_entity_never_reads_a_local_file(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-MARKER")
    body = (
        b'<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY xxe SYSTEM "%s">]><urlset>'
        b"<url><loc>https://a.example/ok-story-here</loc><news:news><news:title>&xxe;</news:title></news:news></url>"
        b"<url><loc>https://a.example/&xxe;</loc></url></urlset>" % secret.as_uri().encode()
    )
    parsed = parse_sitemap(body, SITEMAP_URL)
    assert links(parsed) == ["https://a.example/ok-story-here"]
    assert parsed.entries[0].title is None
    assert "TOP-SECRET-MARKER" not in repr(parsed)
    assert "ignored a DOCTYPE: entities are never expanded or loaded" in problem_texts(parsed.problems)


def test_external_dtd_and_parameter_entities_are_never_loaded(tmp_path: Path) -> None:
    dtd = tmp_path / "evil.dtd"
    dtd.write_text('<!ENTITY injected "https://evil.example/from-dtd">')
    body = (
        b'<?xml version="1.0"?><!DOCTYPE urlset SYSTEM "%s" [<!ENTITY %% p SYSTEM "%s"> %%p;]>'
        b"<urlset><url><loc>&injected;</loc></url><url><loc>https://a.example/ok-story-here</loc></url></urlset>"
        % (dtd.as_uri().encode(), dtd.as_uri().encode())
    )
    parsed = parse_sitemap(body, SITEMAP_URL)
    assert links(parsed) == ["https://a.example/ok-story-here"]


def test_external_dtd_on_loopback_is_never_fetched() -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        listener.setblocking(False)
        port = listener.getsockname()[1]
        body = (
            b'<?xml version="1.0"?><!DOCTYPE urlset SYSTEM "http://127.0.0.1:%d/evil.dtd" '
            b'[<!ENTITY net SYSTEM "http://127.0.0.1:%d/entity">]>'
            b"<urlset><url><loc>https://a.example/ok-story-here</loc><lastmod>&net;</lastmod></url></urlset>"
        ) % (port, port)
        parsed = parse_sitemap(body, SITEMAP_URL)
        with pytest.raises(BlockingIOError):
            listener.accept()  # nobody connected
    assert links(parsed) == ["https://a.example/ok-story-here"]


def test_ill_formed_xml_keeps_what_recovery_reads() -> None:
    body = (
        b"<urlset><url><loc>https://a.example/one-two-three</loc></url>"
        b"<url><loc>https://a.example/four-five-six</loc><lastmod>2024-05-12</url>"
        b"<url><loc>https://a.example/seven-\x00-eight</loc></url>"
    )
    parsed = parse_sitemap(body, SITEMAP_URL)
    # Recovery nests the third <url> in the second; all three survive.
    assert sorted(links(parsed)) == [
        "https://a.example/four-five-six",
        "https://a.example/one-two-three",
        "https://a.example/seven--eight",
    ]
    assert any(problem.startswith("ill-formed XML") for problem in problem_texts(parsed.problems))


def test_compression_bomb_is_cut_at_the_cap() -> None:
    head = b"<urlset><url><loc>https://a.example/first-story-here</loc></url><!--"
    bomb = gzip.compress(head + b" " * (MAX_GUNZIPPED_BYTES + 1_000_000), compresslevel=9)
    assert len(bomb) < 200_000
    parsed = parse_sitemap(bomb, SITEMAP_URL)
    assert links(parsed) == ["https://a.example/first-story-here"]
    assert any("larger than" in problem for problem in problem_texts(parsed.problems))


def test_truncated_gzip_keeps_what_it_held() -> None:
    whole = gzip.compress(fixture("news-sitemap-child.xml"))
    parsed = parse_sitemap(whole[: len(whole) * 3 // 4], SITEMAP_URL)
    assert "gzip body was truncated; read what it held" in problem_texts(parsed.problems)
    assert parsed.entries  # the first entries survive the cut


def test_many_entries_are_read_in_bounded_time() -> None:
    body = (
        b"<urlset>"
        + b"".join(
            b"<url><loc>https://a.example/story-number-%d</loc><lastmod>2024-05-12</lastmod></url>" % n
            for n in range(50_000)
        )
        + b"</urlset>"
    )
    parsed, cpu = cpu_seconds(lambda: parse_sitemap(body, SITEMAP_URL, max_entries=500))
    assert cpu < 10, f"{cpu:.2f} s of CPU"
    assert len(parsed.entries) == 500


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "iso-8859-1", "utf-8-sig"])
def test_declared_and_sniffed_encodings(encoding: str) -> None:
    text = (
        f'<?xml version="1.0" encoding="{encoding.removesuffix("-le").removesuffix("-sig")}"?>'
        "<urlset><url><loc>https://a.example/noticias/redada-en-la-planta</loc>"
        "<news:news><news:title>Redada en la planta: niños y familias</news:title></news:news></url></urlset>"
    )
    parsed = parse_sitemap(text.encode(encoding), SITEMAP_URL)
    assert [entry.title for entry in parsed.entries] == ["Redada en la planta: niños y familias"]


def test_plain_text_drops_unfetchable_http_lines() -> None:
    body = b"https://a.example/one-two-three\nhttp://user@a.example/four-five-six\nhttps://a.example/seven-eight-nine\n"
    parsed = parse_sitemap(body, SITEMAP_URL)
    assert links(parsed) == ["https://a.example/one-two-three", "https://a.example/seven-eight-nine"]
    assert problem_texts(parsed.problems) == ["dropped 1 entries with an unfetchable location"]
