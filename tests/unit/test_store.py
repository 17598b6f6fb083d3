"""The store on real SQLite files and a real PostgreSQL server."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text

from crawler.core.config import FeedConfig
from crawler.store import CycleCounts, NewEntry, PollOutcome, Store, migrate
from crawler.store.schema import (
    FULL_TEXT_COLUMN,
    FULL_TEXT_INDEX,
    FULL_TEXT_TABLES,
    SEARCH_FILTER_INDEX,
    metadata,
)
from tests.support.records import NOW, record


@pytest.fixture
def store(database_url: str):
    opened = Store.open(database_url)
    yield opened
    opened.close()


def test_migrations_create_exactly_the_declared_schema(store: Store):
    with store.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_name": declared_by_sqlalchemy})
        differences = compare_metadata(context, metadata)
    assert differences == []


def declared_by_sqlalchemy(name: str | None, kind: str, _parent: object) -> bool:
    """Everything but the full-text index objects, which SQLAlchemy cannot declare, and the
    SQLite-only index that search's filters read."""
    if kind == "table":
        return name not in FULL_TEXT_TABLES
    return name not in (FULL_TEXT_COLUMN, FULL_TEXT_INDEX, SEARCH_FILTER_INDEX)


def test_head_revision_constant_is_alembics_head(store: Store):
    # the fast path skips Alembic for a database at HEAD_REVISION: it must be the real head
    head = ScriptDirectory.from_config(migrate.alembic_config()).get_current_head()
    assert head == migrate.HEAD_REVISION
    assert migrate.stored_revision(store.engine) == head


def test_a_database_behind_head_is_migrated_even_after_the_fast_path(database_url: str, store: Store):
    # a process that opened the store once must still upgrade a database rolled back under it
    migrate._UPGRADED.clear()
    with store.engine.begin() as conn:
        config = migrate.alembic_config()
        config.attributes["connection"] = conn
        command.downgrade(config, "0001")
    assert migrate.stored_revision(store.engine) == "0001"
    reopened = Store.open(database_url)
    assert migrate.stored_revision(reopened.engine) == migrate.HEAD_REVISION
    with reopened.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM article_bands")).scalar() == 0
    reopened.close()


def test_reopening_an_existing_database_is_a_no_op(database_url: str, store: Store):
    store.save_article(record("https://example.org/a", "text a"))
    again = Store.open(database_url)
    assert again.unseen(["https://example.org/a"]) == set()
    again.close()


def test_sync_feeds_inserts_then_updates_and_resets_a_changed_url(store: Store):
    feed = FeedConfig(name="one", url="https://example.org/feed")
    store.sync_feeds([feed], NOW)
    [state] = store.feeds(["one"])
    store.record_poll(
        state.id,
        PollOutcome(
            at=NOW,
            next_check_at=NOW + timedelta(minutes=15),
            succeeded=True,
            etag='"v1"',
            last_modified="yesterday",
        ),
    )
    store.sync_feeds([feed], NOW)
    assert store.feeds(["one"])[0].etag == '"v1"'

    store.sync_feeds([FeedConfig(name="one", url="https://example.org/new-feed")], NOW)

    [moved] = store.feeds(["one"])
    assert (moved.fetch_url, moved.etag, moved.last_modified, moved.next_check_at) == (
        "https://example.org/new-feed",
        None,
        None,
        None,
    )


def test_due_feeds_respects_next_check_and_retirement(store: Store):
    store.sync_feeds([FeedConfig(name=n, url=f"https://example.org/{n}") for n in ("a", "b", "c")], NOW)
    ids = {f.name: f.id for f in store.feeds()}
    store.record_poll(ids["a"], PollOutcome(at=NOW, next_check_at=NOW + timedelta(hours=1), succeeded=True))
    store.record_poll(ids["b"], PollOutcome(at=NOW, next_check_at=NOW - timedelta(seconds=1), succeeded=True))
    store.record_poll(
        ids["c"],
        PollOutcome(
            at=NOW,
            next_check_at=NOW,
            succeeded=False,
            retire=True,
            failure_reason="gone",
            failure_detail="HTTP 410",
        ),
    )

    assert [f.name for f in store.due_feeds(NOW, ["a", "b", "c"])] == ["b"]
    assert [f.name for f in store.due_feeds(NOW + timedelta(hours=2), ["a", "b", "c"])] == ["a", "b"]


def test_failures_count_up_and_success_resets(store: Store):
    store.sync_feeds([FeedConfig(name="a", url="https://example.org/a")], NOW)
    [feed] = store.feeds()
    for _ in range(3):
        store.record_poll(
            feed.id,
            PollOutcome(
                at=NOW, next_check_at=NOW, succeeded=False, failure_reason="timeout", failure_detail="slow"
            ),
        )
    failing = store.feeds()[0]
    assert (failing.consecutive_failures, failing.last_error_reason) == (3, "timeout")
    store.record_poll(feed.id, PollOutcome(at=NOW, next_check_at=NOW, succeeded=True))
    assert store.feeds()[0].consecutive_failures == 0


def test_new_entries_commit_with_the_poll_and_stay_pending_until_stored(store: Store):
    store.sync_feeds([FeedConfig(name="a", url="https://example.org/a")], NOW)
    [feed] = store.feeds()
    entries = [
        NewEntry(f"https://example.org/{i}", f"https://example.org/{i}?x", f"T{i}", NOW) for i in range(3)
    ]
    assert store.record_poll(feed.id, PollOutcome(at=NOW, next_check_at=NOW, succeeded=True), entries) == 3
    assert store.unseen([e.canonical_url for e in entries] + ["https://example.org/new"]) == {
        "https://example.org/new"
    }
    assert [p.canonical_url for p in store.pending_urls([feed.id])] == [e.canonical_url for e in entries]

    store.save_article(record("https://example.org/0", "body zero", feed_id=feed.id))

    assert [p.canonical_url for p in store.pending_urls([feed.id])] == [e.canonical_url for e in entries[1:]]


def test_failed_url_is_retried_until_attempts_run_out(store: Store):
    store.sync_feeds([FeedConfig(name="a", url="https://example.org/a")], NOW)
    [feed] = store.feeds()
    entry = NewEntry("https://example.org/x", "https://example.org/x", None, None)
    store.record_poll(feed.id, PollOutcome(at=NOW, next_check_at=NOW, succeeded=True), [entry])
    kwargs = {"permanent": False, "max_attempts": 3}
    assert store.fail_url(entry.canonical_url, "timeout", "slow", NOW, **kwargs) == "pending"
    assert store.fail_url(entry.canonical_url, "timeout", "slow", NOW, **kwargs) == "pending"
    assert store.fail_url(entry.canonical_url, "timeout", "slow", NOW, **kwargs) == "failed"
    assert store.pending_urls([feed.id]) == []


def test_permanent_failure_gives_up_at_once(store: Store):
    store.sync_feeds([FeedConfig(name="a", url="https://example.org/a")], NOW)
    [feed] = store.feeds()
    entry = NewEntry("https://example.org/pdf", "https://example.org/pdf", None, None)
    store.record_poll(feed.id, PollOutcome(at=NOW, next_check_at=NOW, succeeded=True), [entry])
    assert (
        store.fail_url(entry.canonical_url, "not-html", "pdf", NOW, permanent=True, max_attempts=3)
        == "failed"
    )


def test_exact_duplicate_is_linked_and_its_text_stored_once(store: Store):
    first = store.save_article(record("https://a.example/story", "same words"))
    second = store.save_article(record("https://b.example/copy", "same words", source="other"))
    assert (first.status, second.status) == ("new", "duplicate")
    assert second.duplicate_of == first.article_id
    rows = {r["id"]: r for r in store.export_rows()}
    assert rows[second.article_id]["text"] == "same words"  # exported in full
    with store.engine.connect() as conn:
        stored = conn.execute(
            text("SELECT text FROM articles WHERE id = :id"), {"id": second.article_id}
        ).scalar()
    assert stored is None  # but stored once


def test_same_url_twice_in_a_batch_is_one_row(store: Store):
    assert store.save_article(record("https://a.example/story", "one")).status == "new"
    assert store.save_article(record("https://a.example/story", "one")).status == "seen"
    assert len(list(store.export_rows())) == 1


def test_hostile_30_concurrent_writers_of_the_same_article_make_one_row(store: Store):
    barrier = threading.Barrier(8)
    outcomes = []

    def save(index: int) -> None:
        barrier.wait()
        outcomes.append(store.save_article(record(f"https://site{index}.example/story", "identical text")))

    threads = [threading.Thread(target=save, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(o.status for o in outcomes) == ["duplicate"] * 7 + ["new"]
    originals = [r for r in store.export_rows() if r["duplicate_of"] is None]
    assert len(originals) == 1


def test_runs_record_counts_and_failures(store: Store):
    run_id = store.start_cycle("test", NOW)
    store.record_failure(run_id, None, "https://example.org/x", "timeout", "slow", NOW)
    store.finish_cycle(
        run_id,
        CycleCounts(feeds_polled=3, articles_new=2, failures={"timeout": 1}),
        "finished",
        "finished",
        NOW + timedelta(seconds=5),
    )
    run = store.cycle(run_id)
    assert run is not None
    assert (run["status"], run["feeds_polled"], run["articles_new"], run["failures"]) == (
        "finished",
        3,
        2,
        {"timeout": 1},
    )
    assert store.cycle_failures(run_id)[0]["reason"] == "timeout"


def test_datetimes_come_back_timezone_aware_utc(store: Store):
    store.save_article(record("https://a.example/story", "body"))
    row = next(store.export_rows())
    assert row["published"] == NOW - timedelta(days=1)
    assert row["first_seen"].tzinfo is not None


def test_starters_racing_to_create_a_new_sqlite_file_all_open_it(tmp_path):
    # An empty file is refused as not newswatch's, so creating one must never show an empty file.
    url = f"sqlite:///{tmp_path / 'data' / 'newswatch.db'}"
    barrier = threading.Barrier(6)
    errors: list[BaseException] = []

    def start() -> None:
        barrier.wait()
        try:
            Store.open(url).close()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert migrate.schema_state(Store.open(url).engine)[0] == migrate.HEAD_REVISION
    assert sorted(path.name for path in (tmp_path / "data").iterdir() if path.name.startswith(".")) == []


@pytest.mark.postgres
def test_a_store_migrated_by_another_worker_between_reads_is_never_taken_for_foreign(postgres_url: str):
    # Workers starting together on a new PostgreSQL store: one commits the schema while another
    # is reading what the database holds. The reader must see all of it or none of it.
    from sqlalchemy import create_engine, event

    url = postgres_url.replace("postgresql://", "postgresql+psycopg://", 1)
    reader = create_engine(url)
    migrated: list[bool] = []

    def migrate_elsewhere(*_args: object) -> None:
        if not migrated:
            migrated.append(True)
            Store.open(postgres_url).close()  # the other worker's whole migration, committed

    event.listen(reader, "after_cursor_execute", migrate_elsewhere)
    event.listen(reader, "handle_error", migrate_elsewhere)
    try:
        current, tables = migrate.schema_state(reader)
    finally:
        reader.dispose()
    assert migrated
    assert (current, tables) in [(None, []), (migrate.HEAD_REVISION, [])]
    migrate.refuse_foreign(current, tables)  # raises UnusableDatabase where the race is lost
