"""`newswatch check` says whether a store is whole (exit 0/1) and changes nothing; `newswatch
backup PATH` copies a live SQLite store, verified, while another process writes to it."""

from __future__ import annotations

import contextlib
import hashlib
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from crawler.store import Store, migrate
from tests.support import REPO
from tests.support.cli import newswatch, write_config
from tests.support.database import query
from tests.support.mockserver import MockServer
from tests.support.records import NOW, record
from tests.support.store_copies import copy_of_store
from tests.support.stories import DEPORTATION, RAID, publish

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def crawled_once(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    """(folder, database) of one real cycle that stored two articles, run once for the module;
    its server stays up, so a later cycle on a copy can poll it."""
    with MockServer() as server:
        publish(server, [RAID, DEPORTATION])
        folder = tmp_path_factory.mktemp("crawled")
        database = folder / "data" / "newswatch.db"
        config = write_config(
            folder, f"sqlite:///{database}", [{"name": "valley", "url": server.url("/feed.xml")}]
        )
        assert newswatch("run", config=config).returncode == 0
        assert query(database, "SELECT count(*) FROM articles") == [(2,)]
        yield folder, database


@pytest.fixture
def crawled(crawled_once: tuple[Path, Path], tmp_path: Path) -> tuple[Path, Path]:
    """(config, database): this test's own copy of the crawled store, free to damage."""
    return copy_of_store(*crawled_once, into=tmp_path / "crawled")


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def damage(database: Path, *statements: str) -> None:
    """Edit rows behind the store's back, as a bug or a hand edit would (foreign keys off)."""
    with contextlib.closing(sqlite3.connect(database)) as connection, connection:
        connection.execute("PRAGMA foreign_keys=OFF")
        for statement in statements:
            connection.execute(statement)


def test_check_of_a_sound_store_is_exit_0_with_every_check_passed(crawled: tuple[Path, Path]):
    config, database = crawled
    before = digest(database)

    result = newswatch("check", config=config)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "Verdict: sound" in result.stdout
    for check in ("integrity_check", "schema revision", "foreign keys", "copies have their original"):
        assert check in result.stdout
    assert "FAIL" not in result.stdout
    assert digest(database) == before


@pytest.mark.parametrize(
    ("statements", "words"),
    [
        (["UPDATE articles SET duplicate_of = 9999 WHERE id = 2"], "copies point at a missing original: 2"),
        (["UPDATE articles SET text = NULL WHERE id = 1"], "originals have no text: 1"),
        (["DELETE FROM articles WHERE id = 1"], "stored URLs point at no article"),
    ],
    ids=["dangling-original", "lost-text", "dangling-url"],
)
def test_check_names_rows_the_store_api_could_never_leave(
    crawled: tuple[Path, Path], statements: list[str], words: str
):
    config, database = crawled
    damage(database, *statements)

    result = newswatch("check", config=config)

    assert result.returncode == 1, result.stdout + result.stderr
    assert "Verdict: damaged" in result.stdout
    assert words in result.stdout


def test_check_finds_a_url_a_later_cycle_left_pending_for_a_retired_feed(crawled: tuple[Path, Path]):
    config, database = crawled
    # Retired before the newest finished cycle started, and that cycle left its URL pending.
    damage(
        database,
        "UPDATE feeds SET retired_at = '2000-01-01 00:00:00.000000'",
        "INSERT INTO urls (canonical_url, url, feed_id, status, attempts, first_seen, updated_at) "
        "VALUES ('https://example.org/stuck', 'https://example.org/stuck', 1, 'pending', 0, "
        "'2000-01-01 00:00:00.000000', '2000-01-01 00:00:00.000000')",
    )

    result = newswatch("check", config=config)

    assert result.returncode == 1
    assert "pending URLs of retired or removed feeds" in result.stdout
    assert "https://example.org/stuck" in result.stdout


def test_check_sees_damaged_pages(crawled: tuple[Path, Path]):
    config, database = crawled
    pages = database.stat().st_size // 4096
    assert pages > 4
    with database.open("r+b") as file:  # scribble over the middle of the file, keeping its header
        file.seek(4096 * (pages // 2))
        file.write(b"\xa5" * 4096 * 2)

    result = newswatch("check", config=config)

    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert "Verdict: damaged" in result.stdout


def test_check_reports_an_older_revision_without_migrating_it(crawled: tuple[Path, Path]):
    config, database = crawled
    from alembic import command

    store = Store.open(f"sqlite:///{database}")
    with store.engine.begin() as connection:
        alembic = migrate.alembic_config()
        alembic.attributes["connection"] = connection
        command.downgrade(alembic, "0001")
    store.close()

    result = newswatch("check", config=config)

    assert result.returncode == 1
    assert f"0001, this newswatch knows {migrate.HEAD_REVISION}" in result.stdout
    assert query(database, "SELECT version_num FROM alembic_version") == [("0001",)]


def test_check_of_a_missing_database_is_exit_3_and_creates_nothing(tmp_path: Path):
    database = tmp_path / "data" / "newswatch.db"
    config = write_config(tmp_path, f"sqlite:///{database}", [{"name": "a", "url": "https://example.org/f"}])

    result = newswatch("check", config=config)

    assert result.returncode == 3
    assert result.stderr.strip().splitlines() == [
        f"newswatch: cannot use the store: sqlite:///{database}: no database there"
    ]
    assert not database.exists()


WRITER = """
import sys, time
from pathlib import Path
from crawler.store import Store
from tests.support.records import record
store = Store.open(sys.argv[1])
stop = Path(sys.argv[2])
index = 0
while not stop.exists():
    store.save_article(record(f"https://writer.example/{index}", f"text number {index}"))
    index += 1
    if index == 20:
        Path(sys.argv[2] + ".started").touch()
store.close()
print(index)
"""


def test_backup_of_a_store_being_written_is_consistent_and_restores(
    crawled: tuple[Path, Path], tmp_path: Path
):
    config, database = crawled
    stop = tmp_path / "stop-writing"
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, f"sqlite:///{database}", str(stop)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        while not Path(f"{stop}.started").exists():
            assert writer.poll() is None and time.monotonic() < deadline, "the writer did not start"
            time.sleep(0.1)
        copy = tmp_path / "backups" / "copy.db"
        copy.parent.mkdir()

        result = newswatch("backup", str(copy), config=config)

        assert writer.poll() is None, "the writer must still be writing when the copy is made"
    finally:
        stop.touch()
        written = int(writer.communicate(timeout=120)[0])
    assert result.returncode == 0, result.stderr
    assert "check passed" in result.stderr
    assert sorted(path.name for path in copy.parent.iterdir()) == ["copy.db"]  # no -wal, no scratch file
    copied = query(copy, "SELECT count(*) FROM articles WHERE site = 'example.org'")[0][0]
    assert 20 <= copied <= written
    # A snapshot: the writer's articles in the copy are exactly its first `copied`, in order.
    urls = [url for (url,) in query(copy, "SELECT canonical_url FROM articles WHERE site = 'example.org'")]
    assert sorted(urls) == sorted(f"https://writer.example/{index}" for index in range(copied))

    restored_config = tmp_path / "backups" / "newswatch.yaml"
    restored_config.write_text(config.read_text().replace(str(database), str(copy)))
    assert newswatch("check", config=restored_config).returncode == 0
    exported = newswatch("export", config=restored_config)
    assert exported.returncode == 0
    assert len(exported.stdout.splitlines()) == copied + 2
    rerun = newswatch("run", config=restored_config)  # the seen set came along: nothing is fetched again
    assert rerun.returncode == 0, rerun.stderr
    assert query(copy, "SELECT count(*) FROM articles") == [(copied + 2,)]


def test_backup_never_replaces_a_file(crawled: tuple[Path, Path], tmp_path: Path):
    config, _ = crawled
    existing = tmp_path / "precious.db"
    existing.write_text("keep me")

    result = newswatch("backup", str(existing), config=config)

    assert result.returncode == 2
    assert "already exists" in result.stderr
    assert existing.read_text() == "keep me"


@pytest.mark.postgres
def test_backup_of_postgresql_gives_the_pg_dump_recipe(tmp_path: Path, postgres_url: str):
    config = write_config(tmp_path, postgres_url, [{"name": "a", "url": "https://example.org/f"}])

    result = newswatch("backup", str(tmp_path / "copy"), config=config)

    assert result.returncode == 2
    assert "pg_dump" in result.stderr and "pg_restore" in result.stderr
    assert not (tmp_path / "copy").exists()


@pytest.mark.postgres
def test_check_of_a_postgresql_store_is_exit_0(tmp_path: Path, postgres_url: str):
    Store.open(postgres_url).close()
    store = Store.open(postgres_url)
    store.save_article(record("https://example.org/a", "some text", fetched_at=NOW))
    store.close()
    config = write_config(tmp_path, postgres_url, [{"name": "a", "url": "https://example.org/f"}])

    result = newswatch("check", config=config)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "Verdict: sound" in result.stdout
