"""`newswatch backfill`: archived pages through the live pipeline, resumable and idempotent.

The WARC files are built by the tests (warcio writes them) from the tests' own enforcement
stories, off-topic pages of the shared corpus and junk records; CC-NEWS and the Wayback
Machine are local servers laid out like the real ones.
"""

from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import threading
from datetime import timedelta
from pathlib import Path

import pytest

from crawler.core.clock import utcnow
from tests.support import REPO
from tests.support.cli import cli_command, newswatch, write_config
from tests.support.corpus import shared_path
from tests.support.database import query, query_when_ready
from tests.support.mockserver import MockServer, Page
from tests.support.pages import Story, article_html, numbered_story
from tests.support.stories import RAID, publish
from tests.support.waiting import wait_for
from tests.support.warcs import Archived, ranged, warc_bytes, write_warc

SITE = "news.example.org"
OTHER = "elsewhere.example.net"
CAPTURED = utcnow() - timedelta(days=400)  # an archive of the past, whatever day the suite runs
WARC_DATE = CAPTURED.strftime("WARC-Date: %Y-%m-%dT%H:%M:%SZ").encode()


def ice_story(number: int, path: str | None = None) -> Story:
    """A distinct ICE operation story: the agency the topic needs no context for."""
    return numbered_story(4 * number, path=path or f"/news/story-{number}")


def story_record(number: int, host: str = SITE, hours: int = 0) -> Archived:
    story = ice_story(number)
    return Archived(f"https://{host}{story.path}", article_html(story), CAPTURED + timedelta(hours=hours))


def off_topic_pages(count: int) -> list[Archived]:
    """Real news pages from the shared corpus that are not about enforcement."""
    folder = shared_path("corpus", "extraction", "naeb", "html")
    pages = []
    for index, path in enumerate(sorted(folder.glob("*.html.gz"))[: count * 3]):
        body = gzip.decompress(path.read_bytes())
        if b"immigra" in body.lower() or b"deport" in body.lower():
            continue
        pages.append(Archived(f"https://{SITE}/archive/page-{index}", body, CAPTURED))
        if len(pages) == count:
            break
    return pages


def junk_records() -> list[Archived]:
    return [
        Archived(
            f"https://{SITE}/photo.jpg", b"\xff\xd8\xff" + b"0" * 500, CAPTURED, content_type="image/jpeg"
        ),
        Archived(f"https://{SITE}/gone", b"<html>not here</html>", CAPTURED, status="404 Not Found"),
        Archived(f"https://{SITE}/news/story-1", b"", CAPTURED, kind="request"),
        Archived(
            f"https://{SITE}/about",
            b'{"crawler": "test"}',
            CAPTURED,
            kind="metadata",
            content_type="application/json",
        ),
    ]


def backfill_config(tmp_path: Path, database_url: str, server: MockServer) -> Path:
    return write_config(tmp_path, database_url, [{"name": "valley", "url": server.url("/feed.xml")}])


def stored(database_url: str) -> list[tuple]:
    return query(
        database_url, "SELECT canonical_url, via, captured_at, first_seen, duplicate_of FROM articles"
    )


@pytest.mark.slow
@pytest.mark.parametrize("layout", ["per-record", "whole-gzip", "plain"])
def test_a_warc_backfill_stores_the_watched_sites_stories_once(
    server: MockServer, tmp_path: Path, sqlite_url: str, layout: str
):
    wanted = [story_record(n, hours=n) for n in range(1, 6)]
    unwatched = [story_record(n, host=OTHER) for n in range(20, 23)]
    records = [wanted[0], *junk_records(), *wanted[1:3], *off_topic_pages(4), *unwatched, *wanted[3:]]
    warc = write_warc(tmp_path / f"sample.warc{'' if layout == 'plain' else '.gz'}", records, layout)
    config = backfill_config(tmp_path, sqlite_url, server)

    result = newswatch("backfill", "--warc", str(warc), "--site", SITE, config=config)

    assert result.returncode == 0, result.stderr
    rows = stored(sqlite_url)
    assert sorted(row[0] for row in rows) == sorted(f"https://{SITE}{ice_story(n).path}" for n in range(1, 6))
    assert {row[1] for row in rows} == {"warc"}
    for url, _via, captured_at, first_seen, _dup in rows:
        number = int(url.rsplit("-", 1)[1])
        expected = (CAPTURED + timedelta(hours=number)).replace(microsecond=0)
        assert captured_at.startswith(expected.strftime("%Y-%m-%d %H:%M:%S")), (url, captured_at)
        assert first_seen == captured_at, "an archived story was first seen when it was captured"
    # the off-topic corpus pages were read and judged (off-topic, or failed with a reason), not
    # stored; the other site was never read
    judged = query(sqlite_url, "SELECT url FROM urls WHERE status = 'irrelevant'")
    failed = query(sqlite_url, "SELECT url FROM failures WHERE url LIKE '%/archive/page-%'")
    assert len(judged) + len(failed) == 4 and judged, (judged, failed)
    assert not query(sqlite_url, f"SELECT 1 FROM urls WHERE url LIKE '%{OTHER}%'")
    trigger, requested, new, copies = query(
        sqlite_url, "SELECT trigger, articles_requested, articles_new, articles_duplicate FROM runs"
    )[0]
    assert (trigger, requested, new + copies) == ("backfill", 5 + 4, 5)
    progress = query(sqlite_url, "SELECT done, records_read, records_matched, error FROM backfill_progress")
    responses_of_the_site = 5 + 4 + 2  # the stories, the corpus pages, the image and the 404
    assert progress == [(1, len(records), responses_of_the_site, None)]

    again = newswatch("backfill", "--warc", str(warc), "--site", SITE, config=config)

    assert again.returncode == 0, again.stderr
    assert len(stored(sqlite_url)) == 5, "a repeated backfill stores nothing new"
    assert query(sqlite_url, "SELECT articles_requested FROM runs ORDER BY id DESC LIMIT 1") == [(0,)]


@pytest.mark.slow
def test_a_story_stored_live_and_found_in_an_archive_stays_one_record(
    server: MockServer, tmp_path: Path, database_url: str
):
    sqlite_url = database_url  # both engines
    publish(server, [RAID])
    config = backfill_config(tmp_path, sqlite_url, server)
    assert newswatch("run", config=config).returncode == 0
    (live_url,) = [row[0] for row in stored(sqlite_url)]
    site = server.url("").split("//", 1)[1].split(":")[0]
    copy_elsewhere = Archived(f"https://{SITE}/wire/raid-copy", article_html(RAID), CAPTURED)
    same_url = Archived(server.url(RAID.path), article_html(RAID), CAPTURED)
    warc = write_warc(tmp_path / "live.warc.gz", [same_url, copy_elsewhere])

    result = newswatch("backfill", "--warc", str(warc), "--site", site, "--site", SITE, config=config)

    assert result.returncode == 0, result.stderr
    rows = {row[0]: row for row in stored(sqlite_url)}
    assert set(rows) == {live_url, f"https://{SITE}/wire/raid-copy"}
    assert rows[live_url][1] == "live"
    original_id = query(sqlite_url, "SELECT id FROM articles WHERE via = 'live'")[0][0]
    assert rows[f"https://{SITE}/wire/raid-copy"][4] == original_id, (
        "the archived copy links to the live story"
    )


@pytest.mark.slow
def test_cc_news_files_of_the_period_are_listed_streamed_and_filtered(
    server: MockServer, tmp_path: Path, sqlite_url: str
):
    day = CAPTURED.date()
    stamp = day.strftime("%Y%m%d")
    outside = (day + timedelta(days=3)).strftime("%Y%m%d")
    month = f"crawl-data/CC-NEWS/{day:%Y}/{day:%m}"
    files = {
        f"{month}/CC-NEWS-{stamp}000000-00001.warc.gz": [story_record(1), story_record(30, host=OTHER)],
        f"{month}/CC-NEWS-{stamp}120000-00002.warc.gz": [story_record(2), story_record(3)],
        f"{month}/CC-NEWS-{outside}000000-00003.warc.gz": [story_record(4)],
    }
    for path, records in files.items():
        server.serve("/" + path, ranged(warc_bytes(records)))
    listing = gzip.compress("\n".join(files).encode())
    server.serve(f"/{month}/warc.paths.gz", Page(listing, content_type="application/octet-stream"))
    config = backfill_config(tmp_path, sqlite_url, server)

    result = newswatch(
        "backfill",
        "--cc-news",
        f"{day}..{day + timedelta(days=1)}",
        "--archive-base",
        server.base,
        "--site",
        SITE,
        config=config,
    )

    assert result.returncode == 0, result.stderr
    assert sorted(row[0].rsplit("-", 1)[1] for row in stored(sqlite_url)) == ["1", "2", "3"]
    assert {row[1] for row in stored(sqlite_url)} == {"cc-news"}
    assert not server.requests_to(f"/{month}/CC-NEWS-{outside}000000-00003.warc.gz"), (
        "a day outside the period"
    )
    status = newswatch("backfill", "status", config=config)
    assert status.returncode == 0 and "done" in status.stdout and "00002.warc.gz" in status.stdout


@pytest.mark.slow
def test_a_backfill_killed_mid_file_resumes_there_and_stores_every_story_once(
    server: MockServer, tmp_path: Path, sqlite_url: str
):
    records = [story_record(n) for n in range(1, 41)]
    # One build of each half: warcio's random record IDs change each gzip member's compressed
    # length, so a second build of the first 20 records could end inside record 20 of `data`.
    first = warc_bytes(records[:20])
    data = first + warc_bytes(records[20:])
    first_half = len(first)  # the first 20 records arrive, then the server stalls
    release = threading.Event()
    server.serve("/big.warc.gz", ranged(data, stall_after=first_half, release=release))
    config = backfill_config(tmp_path, sqlite_url, server)
    database = Path(sqlite_url.removeprefix("sqlite:///"))
    command = cli_command(config, "backfill", "--warc", server.url("/big.warc.gz"), "--site", SITE)
    process = subprocess.Popen(
        command,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        # All 20 delivered stories stored: the reader is stuck in the stall.
        wait_for(
            lambda: (
                query_when_ready(database, "SELECT count(*) FROM articles") == [(20,)]
                and query_when_ready(database, "SELECT count(*) FROM backfill_progress") == [(1,)]
            ),
            120,
            "the first 20 stories and their progress",
        )
        ((saved,),) = query(database, "SELECT resume_offset FROM backfill_progress")
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(30)
        release.set()

    assert query(database, "PRAGMA integrity_check") == [("ok",)]
    result = newswatch("backfill", "--warc", server.url("/big.warc.gz"), "--site", SITE, config=config)

    assert result.returncode == 0, result.stderr
    urls = [row[0] for row in stored(sqlite_url)]
    assert len(urls) == len(set(urls)) == 40
    resumed = server.requests_to("/big.warc.gz")[-1]
    assert 0 < saved <= first_half
    assert resumed.headers.get("Range") == f"bytes={saved}-", "the second run resumes at the saved offset"
    assert query(database, "SELECT done FROM backfill_progress") == [(1,)]


@pytest.mark.slow
def test_hostile_records_are_skipped_typed_and_the_rest_is_stored(
    server: MockServer, tmp_path: Path, sqlite_url: str
):
    huge_page = b"<html><body>" + b"<p>padding words here</p>" * (3 << 20) + b"</body></html>"  # ~75 MB
    good = warc_bytes(
        [story_record(1), Archived(f"https://{SITE}/huge", huge_page, CAPTURED), story_record(2)]
    )
    bad_status = (
        b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://news.example.org/garbled\r\n"
        + WARC_DATE
        + b"\r\nContent-Type: application/http; msgtype=response\r\n"
        b"Content-Length: 24\r\n\r\nthis is no status line\r\n\r\n\r\n"
    )
    claims_4gb = (
        b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://news.example.org/liar\r\n"
        + WARC_DATE
        + b"\r\nContent-Type: application/http; msgtype=response\r\n"
        b"Content-Length: 4294967296\r\n\r\nHTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html>short"
    )
    member = warc_bytes([story_record(3)])
    truncated = member[: len(member) // 2]
    (tmp_path / "good.warc.gz").write_bytes(good + gzip.compress(bad_status))
    (tmp_path / "lies.warc.gz").write_bytes(warc_bytes([story_record(4)]) + gzip.compress(claims_4gb))
    (tmp_path / "cut.warc.gz").write_bytes(warc_bytes([story_record(5)]) + truncated)
    (tmp_path / "not-a-warc.warc").write_bytes(b"<html>this is a web page, not an archive</html>")
    config = backfill_config(tmp_path, sqlite_url, server)
    archives = [
        str(tmp_path / name) for name in ("good.warc.gz", "lies.warc.gz", "cut.warc.gz", "not-a-warc.warc")
    ]

    result = newswatch("backfill", "--warc", *archives, "--site", SITE, config=config, timeout=300)

    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(row[0].rsplit("-", 1)[1] for row in stored(sqlite_url)) == ["1", "2", "4", "5"]
    reasons = {row[0] for row in query(sqlite_url, "SELECT reason FROM failures")}
    assert "too-large" in reasons, reasons  # the 75 MB page, never read whole
    assert "archive-unreadable" in reasons, reasons  # the truncated member, the page that is not a WARC
    states = dict(query(sqlite_url, "SELECT archive, error IS NULL FROM backfill_progress"))
    assert states[archives[2]] == 0 and states[archives[3]] == 0, "where reading stopped is recorded"


@pytest.mark.slow
def test_wayback_captures_are_fetched_raw_and_stored_under_the_original_url(
    server: MockServer, tmp_path: Path, sqlite_url: str
):
    first = CAPTURED.date()
    stamps = {n: (CAPTURED + timedelta(hours=n)).strftime("%Y%m%d%H%M%S") for n in (1, 2)}
    stories = {n: ice_story(n, path=f"/news/ice-operation-report-{n}") for n in stamps}
    rows = [["timestamp", "original", "mimetype", "statuscode"]]
    for number, stamp in stamps.items():
        original = f"https://{SITE}{stories[number].path}"
        rows.append([stamp, original, "text/html", "200"])
        server.serve(f"/web/{stamp}id_/{original}", Page(article_html(stories[number])))
    rows.append([stamps[1], f"https://{SITE}/", "text/html", "200"])  # the home page: not an article

    def cdx(handler) -> None:  # type: ignore[no-untyped-def]
        pages = "showNumPages=true" in handler.path
        handler.send_simple(200, b"1" if pages else json.dumps(rows).encode(), "text/plain")

    server.serve("/cdx/search/cdx", cdx)
    config = backfill_config(tmp_path, sqlite_url, server)

    result = newswatch(
        "backfill",
        "--wayback",
        SITE,
        "--from",
        str(first),
        "--to",
        str(first + timedelta(days=1)),
        "--wayback-base",
        server.base,
        config=config,
    )

    assert result.returncode == 0, result.stderr
    got = {row[0]: row for row in stored(sqlite_url)}
    assert set(got) == {f"https://{SITE}{story.path}" for story in stories.values()}
    assert {row[1] for row in got.values()} == {"wayback"}
    for number, row in got.items():
        assert row[2].startswith((CAPTURED + timedelta(hours=int(number[-1]))).strftime("%Y-%m-%d %H:%M:%S"))
    assert f"/web/{stamps[1]}id_/https://{SITE}/" not in server.paths_requested(), (
        "the home page is no article"
    )


def test_backfill_usage_errors_are_one_line_exit_2(server: MockServer, tmp_path: Path, sqlite_url: str):
    config = backfill_config(tmp_path, sqlite_url, server)
    for args, words in (
        ((), "say what to read"),
        (("--wayback", SITE), "--from"),
        (("--cc-news", "last year"), "--cc-news"),
        (("--wayback", SITE, "--from", "2024-02-01", "--to", "2024-01-01"), "before"),
    ):
        result = newswatch("backfill", *args, config=config)
        assert result.returncode == 2, (args, result.stderr)
        assert words in result.stderr and "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
