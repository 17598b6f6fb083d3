"""A store on a filesystem that fills up or turns read-only, for real: a small tmpfs mounted for
the test (root only; skipped with the reason where mounting is impossible).

A cycle that fills the disk mid-way stops with exit 3 and one clear line; the database passes
``PRAGMA integrity_check``; once space is freed the next cycle stores the rest, none twice.
"""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.support.cli import newswatch, write_config
from tests.support.database import query
from tests.support.mockserver import MockServer, Page
from tests.support.pages import Story, article_html, rss

pytestmark = pytest.mark.slow

ARTICLES = 60
WORDS_PER_STORY = 300
WORDS = [f"w{uuid.UUID(int=i).hex[-6:]}" for i in range(ARTICLES * WORDS_PER_STORY)]


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 16 MB tmpfs mounted at tmp_path/disk, unmounted afterwards."""
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(mount_point)], capture_output=True, text=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root): {mounted.stderr.strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], capture_output=True)


def story(index: int) -> Story:
    # Distinct words per story: no two are copies or near-copies of each other.
    words = WORDS[index * WORDS_PER_STORY : (index + 1) * WORDS_PER_STORY]
    paragraphs = tuple(" ".join(words[i : i + 60]) + "." for i in range(0, WORDS_PER_STORY, 60))
    return Story(
        path=f"/news/story-{index}", title=f"Immigration raid report number {index}", paragraphs=paragraphs
    )


def serve_stories(server: MockServer) -> None:
    stories = [story(i) for i in range(ARTICLES)]
    for item in stories:
        server.serve(item.path, Page(article_html(item)))
    items = [(s.title, server.url(s.path), None) for s in stories]
    server.serve("/feed.xml", Page(rss("f", server.base, items), content_type="application/rss+xml"))


def fill(disk: Path, leave_bytes: int) -> Path:
    """A filler file that leaves about `leave_bytes` free on `disk`."""
    filler = disk / "filler"
    free = _free_bytes(disk)
    with filler.open("wb") as file:
        file.write(b"\0" * max(free - leave_bytes, 0))
    return filler


def _free_bytes(path: Path) -> int:
    stats = os.statvfs(path)
    return stats.f_bavail * stats.f_frsize


def assert_one_store_line(result: subprocess.CompletedProcess[str], *words: str) -> str:
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    assert result.returncode == 3, output
    lines = [line for line in result.stderr.strip().splitlines() if line.startswith("newswatch:")]
    assert len(lines) == 1, result.stderr
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


def test_hostile_29_disk_full_mid_cycle_stops_with_exit_3_and_the_next_cycle_stores_the_rest(
    small_disk: Path, server: MockServer, tmp_path: Path
):
    serve_stories(server)
    database = small_disk / "newswatch.db"
    config = write_config(
        tmp_path,
        f"sqlite:///{database}",
        [{"name": "valley", "url": server.url("/feed.xml"), "keep": "all"}],
        extraction={"workers": 1},
    )
    assert newswatch("feeds", "status", config=config).returncode == 0  # the store, created and migrated
    filler = fill(small_disk, leave_bytes=250_000)

    full = newswatch("run", config=config)

    line = assert_one_store_line(full, "full")
    stored_then = {urlsplit(url).path for (url,) in query(database, "SELECT canonical_url FROM articles")}
    assert 0 < len(stored_then) < ARTICLES, line
    assert query(database, "PRAGMA integrity_check") == [("ok",)]

    filler.unlink()
    server.clear_log()
    again = newswatch("run", config=config)

    assert again.returncode == 0, again.stdout + again.stderr
    assert query(database, "SELECT count(*), count(DISTINCT canonical_url) FROM articles") == [
        (ARTICLES, ARTICLES)
    ]
    assert query(database, "SELECT count(*) FROM urls WHERE status = 'pending'") == [(0,)]
    assert query(database, "PRAGMA integrity_check") == [("ok",)]
    # The rest, each once; nothing stored before is fetched again.
    requested = sorted(hit.path for hit in server.hits if hit.path.startswith("/news/"))
    assert requested == sorted({story(i).path for i in range(ARTICLES)} - stored_then)


def test_hostile_29_read_only_storage_is_exit_3_in_one_line_and_nothing_changes(
    small_disk: Path, server: MockServer, tmp_path: Path
):
    serve_stories(server)
    database = small_disk / "newswatch.db"
    config = write_config(
        tmp_path, f"sqlite:///{database}", [{"name": "valley", "url": server.url("/feed.xml"), "keep": "all"}]
    )
    assert newswatch("feeds", "status", config=config).returncode == 0
    remounted = subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], capture_output=True, text=True)
    assert remounted.returncode == 0, remounted.stderr
    before = database.read_bytes()

    result = newswatch("run", config=config)

    assert_one_store_line(result, "read-only")
    assert server.paths_requested() == []  # nothing crawled into a store that cannot keep it
    assert database.read_bytes() == before
    subprocess.run(["mount", "-o", "remount,rw", str(small_disk)], check=True)
    assert newswatch("run", config=config).returncode == 0
    assert query(database, "SELECT count(*) FROM articles") == [(ARTICLES,)]
