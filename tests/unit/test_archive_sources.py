"""Reading archives without a crawl: CC-NEWS listings, Wayback CDX answers, site matching and
the WARC reader's record-by-record decisions."""

from __future__ import annotations

import gzip
import io
import json
from datetime import date, timedelta

import pytest

from crawler.core.clock import utcnow
from crawler.core.errors import Reason
from crawler.sources import cc_news, wayback
from crawler.sources.archives import BackfillPlan, site_of_host_name, watched_sites
from crawler.sources.warc import ArchivedPage, ArchiveEnded, ArchiveReader, SkippedRecord, sniff_layout
from tests.support.warcs import Archived, warc_bytes

PAST = utcnow() - timedelta(days=500)
# a capture time passes the clock's plausibility check: derived from the clock, at noon
STAMP = PAST.strftime("%Y%m%d120000")


def test_periods_are_months_or_days_and_never_end_before_they_start():
    assert cc_news.parse_period("2024-02") == cc_news.Period(date(2024, 2, 1), date(2024, 2, 29))
    assert cc_news.parse_period("2023-12..2024-01").months() == [(2023, 12), (2024, 1)]
    assert cc_news.parse_period("2024-01-05..2024-01-09").last == date(2024, 1, 9)
    for bad in ("2024", "last month", "2024-03..2024-01", "2024-13"):
        with pytest.raises(ValueError):
            cc_news.parse_period(bad)


def test_a_cc_news_listing_is_narrowed_to_the_days_asked_for():
    listing = gzip.compress(
        b"crawl-data/CC-NEWS/2024/01/CC-NEWS-20240104235959-00001.warc.gz\n"
        b"crawl-data/CC-NEWS/2024/01/CC-NEWS-20240105000000-00002.warc.gz\n"
        b"crawl-data/CC-NEWS/2024/01/CC-NEWS-20240110000000-00003.warc.gz\n"
    )
    files = cc_news.files_in(
        listing, "https://archive.example/", cc_news.parse_period("2024-01-05..2024-01-09")
    )
    assert files == [
        "https://archive.example/crawl-data/CC-NEWS/2024/01/CC-NEWS-20240105000000-00002.warc.gz"
    ]
    assert cc_news.listing_url("https://archive.example", 2024, 1).endswith("/CC-NEWS/2024/01/warc.paths.gz")


def test_cdx_rows_become_raw_captures_of_article_urls_only():
    rows = [
        ["timestamp", "original", "mimetype", "statuscode"],
        [STAMP, "https://news.example/2024/01/05/agents-detain-workers", "text/html", "200"],
        [STAMP, "https://news.example/", "text/html", "200"],
        ["not-a-time", "https://news.example/2024/01/05/other-story-here", "text/html", "200"],
    ]
    (capture,) = wayback.captures(json.dumps(rows).encode(), "https://web.archive.example")
    assert capture.capture_url == (
        "https://web.archive.example/web/"
        + STAMP
        + "id_/https://news.example/2024/01/05/agents-detain-workers"
    )
    assert capture.captured_at is not None and capture.captured_at.hour == 12
    assert wayback.page_count(b"7\n") == 7
    with pytest.raises(ValueError):
        wayback.page_count(b"<html>")
    assert "showNumPages=true" in wayback.query_url(
        "https://w.example", "news.example", date(2024, 1, 1), date(2024, 1, 2), None
    )


def test_watched_sites_come_from_feed_hosts_without_their_feed_labels():
    sites = watched_sites(
        [
            ("a", "https://feeds.example.com/rss"),
            ("b", "https://news.google.com/rss/search?q=x"),
            ("c", "https://www.other.org/"),
        ]
    )
    assert sites == {"example.com": "a", "other.org": "c"}
    plan = BackfillPlan(via="warc", sites=frozenset(sites), site_names=sites)
    assert plan.wants("www.example.com") and plan.wants("example.com") and not plan.wants("badexample.com")
    assert plan.source_name("www.example.com") == "a" and plan.source_name("x.net") == "x.net"
    assert (
        site_of_host_name("rss.example.co.uk") == "example.co.uk"
        and site_of_host_name("example.com") == "example.com"
    )


@pytest.mark.parametrize("layout", ["per-record", "whole-gzip", "plain"])
def test_the_reader_knows_the_layout_and_resumes_at_any_record(layout: str):
    records = [
        Archived(f"https://news.example/story-{n}", f"<html><p>story {n}</p></html>".encode(), PAST)
        for n in range(4)
    ]
    data = warc_bytes(records, layout)
    assert sniff_layout(io.BytesIO(data))[0] == (
        layout if layout != "whole-gzip" or len(records) > 1 else "per-record"
    )

    def open_at(offset: int) -> io.BytesIO:
        stream = io.BytesIO(data)
        stream.seek(offset)
        return stream

    reader = ArchiveReader(open_at)
    pages = list(reader)
    assert [p.url for p in pages if isinstance(p, ArchivedPage)] == [r.url for r in records]
    assert reader.finished and reader.next_offset == (
        len(data) if layout != "whole-gzip" else len(gzip.decompress(data))
    )
    resumed = ArchiveReader(open_at, start_offset=pages[2].offset, layout=reader.layout)
    assert [p.url for p in resumed] == [records[2].url, records[3].url]


def test_unwanted_hosts_and_non_pages_are_skipped_before_their_payload_is_read():
    records = [
        Archived("https://news.example/a-story-here", b"<html>a</html>", PAST),
        Archived("https://other.example/b-story-here", b"<html>b</html>", PAST),
        Archived("https://news.example/img.png", b"\x89PNG", PAST, content_type="image/png"),
        Archived("https://news.example/moved", b"", PAST, status="301 Moved Permanently"),
        Archived("https://news.example/huge-page-here", b"<html>" + b"x" * 5000 + b"</html>", PAST),
    ]
    reader = ArchiveReader(
        lambda offset: io.BytesIO(warc_bytes(records)),
        wanted_host=lambda h: h == "news.example",
        max_bytes=1000,
    )
    events = list(reader)
    assert [type(e) for e in events] == [ArchivedPage, SkippedRecord]
    assert events[1].reason == Reason.TOO_LARGE
    assert (reader.records_read, reader.records_matched) == (5, 4)


def test_only_wanted_records_have_their_http_headers_parsed(monkeypatch: pytest.MonkeyPatch):
    from warcio.recordloader import ArcWarcRecordLoader

    parsed: list[str] = []
    parse = ArcWarcRecordLoader.load_http_headers

    def counting(self, rec_type, uri, stream, length):  # type: ignore[no-untyped-def]
        parsed.append(uri)
        return parse(self, rec_type, uri, stream, length)

    monkeypatch.setattr(ArcWarcRecordLoader, "load_http_headers", counting)
    records = [
        Archived(f"https://other-{n}.example/story-{n}", b"<html>elsewhere</html>", PAST) for n in range(5)
    ] + [Archived("https://news.example/a-story-here", b"<html>ours</html>", PAST)]
    reader = ArchiveReader(
        lambda offset: io.BytesIO(warc_bytes(records)), wanted_host=lambda h: h == "news.example"
    )
    pages = [e for e in reader if isinstance(e, ArchivedPage)]
    assert [p.body for p in pages] == [b"<html>ours</html>"]
    assert pages[0].headers["content-type"].startswith("text/html")
    assert parsed == ["https://news.example/a-story-here"]  # the other five cost their WARC headers only
    assert reader.records_read == 6


def test_a_file_that_is_no_archive_or_ends_inside_a_record_says_so():
    (ended,) = list(ArchiveReader(lambda offset: io.BytesIO(b"<!doctype html><p>a page</p>")))
    assert isinstance(ended, ArchiveEnded) and "not a WARC" in ended.detail
    good = warc_bytes([Archived("https://news.example/first-story-here", b"<html>1</html>", PAST)])
    cut = warc_bytes(
        [Archived("https://news.example/second-story-here", b"<html>" + b"2" * 3000 + b"</html>", PAST)]
    )
    events = list(ArchiveReader(lambda offset: io.BytesIO(good + cut[: len(cut) // 2])))
    assert isinstance(events[0], ArchivedPage) and isinstance(events[-1], ArchiveEnded)
    assert events[-1].reason == Reason.ARCHIVE_UNREADABLE


def test_a_host_filtered_backfill_asks_for_one_extraction_worker_recycled_sooner():
    # The reader is the bottleneck when the host filter lets few pages through (README
    # "Backfill": a second worker bought no speed; the one worker grows with the pages it
    # extracts); --any-site extracts every page.
    from spiders.backfill import BackfillSpider

    filtered = BackfillPlan(via="warc", archives=("a.warc.gz",), sites=frozenset({"example.org"}))
    assert BackfillSpider(plan=filtered).extraction_workers == 1
    assert BackfillSpider(plan=filtered).extraction_max_tasks_per_worker == 40
    every_site = BackfillPlan(via="warc", archives=("a.warc.gz",), any_site=True)
    assert BackfillSpider(plan=every_site).extraction_workers is None  # the configured pool
    assert BackfillSpider(plan=every_site).extraction_max_tasks_per_worker is None
