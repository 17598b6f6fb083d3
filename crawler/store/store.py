"""The store API: the only way spiders, pipelines and the CLI touch the database.

Every write is one short transaction (IMMEDIATE on SQLite), so a crash between two calls
leaves a consistent database and a rerun picks up where it stopped.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import Connection, Engine, and_, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from crawler.config import FeedConfig
from crawler.edits import Change
from crawler.store import migrate
from crawler.store.engine import make_engine, read_transaction, write_transaction
from crawler.store.records import (
    ArticleRecord,
    FeedState,
    NewEntry,
    PendingUrl,
    PollOutcome,
    RecheckTarget,
    RunCounts,
    SaveOutcome,
)
from crawler.store.schema import article_versions, articles, failures, feeds, runs, urls
from crawler.store.upsert import insert_for

# Bound parameter lists well below SQLite's limit of 32766 variables.
_IN_CHUNK = 500


class Store:
    """Feeds' polling state, the seen-URL frontier, articles and runs."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def open(cls, url: str) -> Store:
        """Connect and bring the schema up to date."""
        engine = make_engine(url)
        migrate.upgrade(engine)
        return cls(engine)

    def close(self) -> None:
        self.engine.dispose()

    # -- feeds -------------------------------------------------------------------------------

    def sync_feeds(self, configured: Sequence[FeedConfig], now: datetime) -> None:
        """Make the feeds table match the configuration; a changed URL starts the feed afresh."""
        with write_transaction(self.engine) as conn:
            existing = {row.name: row for row in conn.execute(select(feeds))}
            for feed in configured:
                row = existing.get(feed.name)
                if row is None:
                    conn.execute(
                        feeds.insert().values(
                            name=feed.name,
                            url=feed.url,
                            fetch_url=feed.url,
                            type=feed.type,
                            keep=feed.keep,
                            interval_seconds=feed.interval,
                            created_at=now,
                        )
                    )
                    continue
                changes: dict[str, Any] = {}
                if row.url != feed.url:
                    changes |= {
                        "url": feed.url,
                        "fetch_url": feed.url,
                        "etag": None,
                        "last_modified": None,
                        "retired_at": None,
                        "consecutive_failures": 0,
                        "next_check_at": None,
                        "current_interval_seconds": None,
                    }
                for column, value in (
                    ("type", feed.type),
                    ("keep", feed.keep),
                    ("interval_seconds", feed.interval),
                ):
                    if getattr(row, column) != value:
                        changes[column] = value
                if "interval_seconds" in changes:
                    changes["current_interval_seconds"] = None  # re-learn within the new bounds
                if changes:
                    conn.execute(update(feeds).where(feeds.c.id == row.id).values(**changes))

    def feeds(self, names: Iterable[str] | None = None) -> list[FeedState]:
        """Feeds by name (all when names is None), in name order."""
        query = select(feeds).order_by(feeds.c.name)
        if names is not None:
            query = query.where(feeds.c.name.in_(list(names)))
        with read_transaction(self.engine) as conn:
            return [_feed_state(row) for row in conn.execute(query)]

    def due_feeds(self, now: datetime, names: Iterable[str]) -> list[FeedState]:
        """Feeds among `names` that are not retired and whose next check has come."""
        return [
            feed
            for feed in self.feeds(names)
            if feed.retired_at is None and (feed.next_check_at is None or feed.next_check_at <= now)
        ]

    def record_poll(self, feed_id: int, outcome: PollOutcome, new_entries: Sequence[NewEntry] = ()) -> int:
        """Save a poll's result and its new entries as pending URLs, atomically.

        Validators and the entries they cover commit together: a crash cannot leave a stored
        ETag whose 304 would hide entries that were never fetched. Returns entries added.
        """
        values: dict[str, Any] = {"last_polled_at": outcome.at, "next_check_at": outcome.next_check_at}
        if outcome.succeeded:
            values |= {
                "last_success_at": outcome.at,
                "consecutive_failures": 0,
                "etag": outcome.etag,
                "last_modified": outcome.last_modified,
            }
            if outcome.interval_seconds is not None:
                values["current_interval_seconds"] = outcome.interval_seconds
            if outcome.content_fingerprint is not None:
                values["content_fingerprint"] = outcome.content_fingerprint
        else:
            values |= {
                "last_error_at": outcome.at,
                "last_error_reason": outcome.failure_reason,
                "last_error_detail": (outcome.failure_detail or "")[:2000],
                "consecutive_failures": feeds.c.consecutive_failures + 1,
            }
        if outcome.moved_to:
            values |= {"fetch_url": outcome.moved_to}
        if outcome.retire:
            values |= {"retired_at": outcome.at}
        with write_transaction(self.engine) as conn:
            conn.execute(update(feeds).where(feeds.c.id == feed_id).values(**values))
            return self._add_pending(conn, feed_id, new_entries, outcome.at)

    def add_pending(self, feed_id: int, entries: Sequence[NewEntry], now: datetime) -> int:
        """Add entries found outside a feed's own poll (child sitemaps); returns how many were new."""
        with write_transaction(self.engine) as conn:
            return self._add_pending(conn, feed_id, entries, now)

    def _add_pending(self, conn: Connection, feed_id: int, entries: Sequence[NewEntry], now: datetime) -> int:
        if not entries:
            return 0
        rows = [
            {
                "canonical_url": entry.canonical_url,
                "url": entry.url,
                "feed_id": feed_id,
                "status": "pending",
                "entry_title": entry.title,
                "entry_published": entry.published,
                "first_seen": now,
                "updated_at": now,
            }
            for entry in entries
        ]
        statement = (
            insert_for(conn, urls)
            .on_conflict_do_nothing(index_elements=["canonical_url"])
            .returning(urls.c.canonical_url)
        )
        # RETURNING, not rowcount: psycopg reports -1 for a skipped ON CONFLICT row.
        return sum(len(conn.execute(statement, row).all()) for row in rows)

    # -- the seen-URL frontier -----------------------------------------------------------------

    def unseen(self, canonical_urls: Iterable[str]) -> set[str]:
        """The subset of URLs the store has never dealt with (one indexed lookup per chunk)."""
        wanted = list(dict.fromkeys(canonical_urls))
        known: set[str] = set()
        with read_transaction(self.engine) as conn:
            for start in range(0, len(wanted), _IN_CHUNK):
                chunk = wanted[start : start + _IN_CHUNK]
                known.update(
                    conn.scalars(select(urls.c.canonical_url).where(urls.c.canonical_url.in_(chunk)))
                )
        return set(wanted) - known

    def pending_urls(self, feed_ids: Iterable[int]) -> list[PendingUrl]:
        """URLs still owed an article request for these feeds, oldest first."""
        query = (
            select(urls)
            .where(and_(urls.c.status == "pending", urls.c.feed_id.in_(list(feed_ids))))
            .order_by(urls.c.first_seen, urls.c.canonical_url)
        )
        with read_transaction(self.engine) as conn:
            return [
                PendingUrl(
                    canonical_url=row.canonical_url,
                    url=row.url,
                    feed_id=row.feed_id,
                    attempts=row.attempts,
                    entry_title=row.entry_title,
                    entry_published=row.entry_published,
                )
                for row in conn.execute(query)
            ]

    def fail_url(
        self,
        canonical_url: str,
        reason: str,
        detail: str,
        now: datetime,
        *,
        permanent: bool,
        max_attempts: int,
    ) -> str:
        """Count a failed attempt; the URL stays pending until attempts run out. Returns the new status."""
        with write_transaction(self.engine) as conn:
            attempts = conn.scalar(select(urls.c.attempts).where(urls.c.canonical_url == canonical_url))
            if attempts is None:
                return "unknown"
            status = "failed" if permanent or attempts + 1 >= max_attempts else "pending"
            conn.execute(
                update(urls)
                .where(and_(urls.c.canonical_url == canonical_url, urls.c.status == "pending"))
                .values(
                    status=status, reason=reason, detail=detail[:2000], attempts=attempts + 1, updated_at=now
                )
            )
            return status

    def mark_irrelevant(
        self, frontier_url: str, canonical: str, url: str, relevance: float, now: datetime
    ) -> None:
        """Remember an off-topic article as seen (under both URLs if a redirect changed it), text not kept."""
        with write_transaction(self.engine) as conn:
            feed_id = conn.scalar(select(urls.c.feed_id).where(urls.c.canonical_url == frontier_url))
            conn.execute(
                update(urls)
                .where(urls.c.canonical_url == frontier_url)
                .values(status="irrelevant", relevance=relevance, reason=None, updated_at=now)
            )
            if canonical != frontier_url:
                conn.execute(
                    insert_for(conn, urls)
                    .values(
                        canonical_url=canonical,
                        url=url,
                        feed_id=feed_id,
                        status="irrelevant",
                        relevance=relevance,
                        first_seen=now,
                        updated_at=now,
                    )
                    .on_conflict_do_nothing(index_elements=["canonical_url"])
                )

    def alias_url(self, frontier_url: str, canonical: str, now: datetime) -> None:
        """A pending URL turned out (after redirects) to be an article already dealt with."""
        with write_transaction(self.engine) as conn:
            known = conn.execute(
                select(urls.c.status, urls.c.article_id).where(urls.c.canonical_url == canonical)
            ).first()
            status = "duplicate" if known is None or known.status in ("stored", "duplicate") else known.status
            conn.execute(
                update(urls)
                .where(urls.c.canonical_url == frontier_url)
                .values(status=status, article_id=known.article_id if known else None, updated_at=now)
            )

    def is_stored(self, canonical_url: str) -> bool:
        """Whether an article row exists for this canonical URL (or its url row is settled)."""
        with read_transaction(self.engine) as conn:
            status = conn.scalar(select(urls.c.status).where(urls.c.canonical_url == canonical_url))
        return status in ("stored", "duplicate", "irrelevant")

    # -- articles ------------------------------------------------------------------------------

    def save_article(self, record: ArticleRecord) -> SaveOutcome:
        """Store an article once; an exact copy of an earlier text is linked, not stored twice."""
        for _attempt in range(3):
            try:
                with write_transaction(self.engine) as conn:
                    return self._save_article(conn, record)
            except IntegrityError:
                # Another worker stored the same URL or the same original text between our
                # read and our write (possible on PostgreSQL); the retry sees its row.
                continue
        raise RuntimeError(f"could not store {record.canonical_url} after 3 conflicting attempts")

    def _save_article(self, conn: Connection, record: ArticleRecord) -> SaveOutcome:
        existing = conn.scalar(select(articles.c.id).where(articles.c.canonical_url == record.canonical_url))
        if existing is not None:
            self._settle_frontier(conn, record, "duplicate", existing)
            return SaveOutcome("seen", article_id=existing)
        original = conn.scalar(
            select(articles.c.id).where(
                and_(articles.c.content_hash == record.content_hash, articles.c.duplicate_of.is_(None))
            )
        )
        values = {key: value for key, value in asdict(record).items() if key != "frontier_url"} | {
            "text": None if original is not None else record.text,
            "text_length": len(record.text),
            "duplicate_of": original,
            "first_seen": record.fetched_at,
        }
        inserted = conn.execute(articles.insert().values(**values)).inserted_primary_key
        assert inserted is not None
        article_id = inserted[0]
        status: Literal["new", "duplicate"] = "duplicate" if original is not None else "new"
        url_row = {
            "canonical_url": record.canonical_url,
            "url": record.url,
            "feed_id": record.feed_id,
            "status": "stored" if original is None else "duplicate",
            "relevance": record.relevance,
            "article_id": article_id,
            "entry_title": record.title,
            "first_seen": record.fetched_at,
            "updated_at": record.fetched_at,
        }
        statement = insert_for(conn, urls).values(**url_row)
        conn.execute(
            statement.on_conflict_do_update(
                index_elements=["canonical_url"],
                set_={
                    key: statement.excluded[key]
                    for key in ("status", "relevance", "article_id", "updated_at")
                },
            )
        )
        self._settle_frontier(conn, record, url_row["status"], article_id)
        return SaveOutcome(status, article_id=article_id, duplicate_of=original)

    def _settle_frontier(self, conn: Connection, record: ArticleRecord, status: str, article_id: int) -> None:
        """The pending URL that redirected here (an aggregator link, say) is dealt with too."""
        if record.frontier_url and record.frontier_url != record.canonical_url:
            conn.execute(
                update(urls)
                .where(urls.c.canonical_url == record.frontier_url)
                .values(status=status, article_id=article_id, updated_at=record.fetched_at)
            )

    # -- edits -----------------------------------------------------------------------------------

    def due_for_recheck(self, now: datetime, limit: int) -> list[RecheckTarget]:
        """Original articles whose next look for edits has come, oldest appointment first."""
        query = (
            select(
                articles.c.id,
                articles.c.url,
                articles.c.canonical_url,
                articles.c.feed_id,
                articles.c.source,
                articles.c.first_seen,
            )
            .where(and_(articles.c.next_recheck_at <= now, articles.c.duplicate_of.is_(None)))
            .order_by(articles.c.next_recheck_at)
            .limit(limit)
        )
        with read_transaction(self.engine) as conn:
            return [RecheckTarget(*row) for row in conn.execute(query)]

    def record_recheck(
        self,
        article_id: int,
        title: str | None,
        text: str,
        content_hash: str,
        now: datetime,
        next_recheck_at: datetime | None,
        change: Callable[[str | None, str], Change | None],
    ) -> Change | None:
        """Compare a re-fetched article with the stored one; keep the old one as a version if it changed.

        `change(old_title, old_text)` decides (crawler.edits.compare_versions with the new text).
        The article row always holds the latest version.
        """
        with write_transaction(self.engine) as conn:
            row = conn.execute(select(articles).where(articles.c.id == article_id)).first()
            if row is None:
                return None
            found = change(row.title, row.text or "")
            values: dict[str, Any] = {"next_recheck_at": next_recheck_at}
            if found is not None:
                conn.execute(
                    article_versions.insert().values(
                        article_id=article_id,
                        version=row.version_count,
                        title=row.title,
                        text=row.text,
                        content_hash=row.content_hash,
                        seen_at=row.updated_at or row.fetched_at,
                        replaced_at=now,
                        diff=found.diff,
                        summary=found.summary,
                    )
                )
                values |= {
                    "title": title,
                    "text": text,
                    "text_length": len(text),
                    "updated_at": now,
                    "version_count": row.version_count + 1,
                }
                if not conn.scalar(
                    select(func.count())
                    .select_from(articles)
                    .where(
                        and_(
                            articles.c.content_hash == content_hash,
                            articles.c.duplicate_of.is_(None),
                            articles.c.id != article_id,
                        )
                    )
                ):
                    values["content_hash"] = content_hash  # unless another original has this text already
            conn.execute(update(articles).where(articles.c.id == article_id).values(**values))
            return found

    def postpone_recheck(self, article_id: int, next_recheck_at: datetime | None) -> None:
        with write_transaction(self.engine) as conn:
            conn.execute(
                update(articles).where(articles.c.id == article_id).values(next_recheck_at=next_recheck_at)
            )

    def article(self, article_id: int) -> dict[str, Any] | None:
        with read_transaction(self.engine) as conn:
            row = conn.execute(select(articles).where(articles.c.id == article_id)).mappings().first()
            return dict(row) if row else None

    def versions(self, article_id: int) -> list[dict[str, Any]]:
        """Earlier versions of an article, oldest first."""
        query = (
            select(article_versions)
            .where(article_versions.c.article_id == article_id)
            .order_by(article_versions.c.version)
        )
        with read_transaction(self.engine) as conn:
            return [dict(row) for row in conn.execute(query).mappings()]

    # -- stories (an original and every copy linked to it) ---------------------------------------

    def stories(
        self, limit: int, order: str = "largest", since: datetime | None = None
    ) -> list[dict[str, Any]]:
        """Clusters: each original with how many copies, largest (or newest) first."""
        story_id = func.coalesce(articles.c.duplicate_of, articles.c.id)
        query = select(
            story_id.label("story_id"),
            func.count().label("copies"),
            func.count(func.distinct(articles.c.site)).label("outlets"),
            func.min(articles.c.first_seen).label("first_seen"),
            func.max(articles.c.first_seen).label("last_seen"),
        ).group_by(story_id)
        if since is not None:
            query = query.where(articles.c.first_seen >= since)
        order_by = ("copies", "last_seen") if order == "largest" else ("last_seen", "copies")
        query = query.order_by(
            *(
                func.max(articles.c.first_seen).desc() if key == "last_seen" else func.count().desc()
                for key in order_by
            )
        ).limit(limit)
        with read_transaction(self.engine) as conn:
            clusters = [dict(row) for row in conn.execute(query).mappings()]
            for cluster in clusters:
                cluster["members"] = [
                    dict(row)
                    for row in conn.execute(
                        select(
                            articles.c.id,
                            articles.c.source,
                            articles.c.site,
                            articles.c.title,
                            articles.c.first_seen,
                            articles.c.text_length,
                            articles.c.url,
                            articles.c.duplicate_of,
                        )
                        .where(
                            or_(
                                articles.c.id == cluster["story_id"],
                                articles.c.duplicate_of == cluster["story_id"],
                            )
                        )
                        .order_by(articles.c.first_seen, articles.c.id)
                    ).mappings()
                ]
        return clusters

    # -- runs and failures ---------------------------------------------------------------------

    def start_run(self, trigger: str, now: datetime) -> int:
        with write_transaction(self.engine) as conn:
            result = conn.execute(
                runs.insert().values(
                    started_at=now,
                    status="running",
                    trigger=trigger,
                    host=socket.gethostname()[:255],
                    pid=os.getpid(),
                    failures={},
                )
            )
            assert result.inserted_primary_key is not None
            return int(result.inserted_primary_key[0])

    def finish_run(self, run_id: int, counts: RunCounts, status: str, reason: str, now: datetime) -> None:
        with write_transaction(self.engine) as conn:
            conn.execute(
                update(runs)
                .where(runs.c.id == run_id)
                .values(finished_at=now, status=status, finish_reason=reason[:60], **asdict(counts))
            )

    def record_failure(
        self, run_id: int | None, feed_id: int | None, url: str, reason: str, detail: str, now: datetime
    ) -> None:
        with write_transaction(self.engine) as conn:
            conn.execute(
                failures.insert().values(
                    run_id=run_id,
                    feed_id=feed_id,
                    url=url[:4000],
                    reason=reason,
                    detail=detail[:2000],
                    at=now,
                )
            )

    def run(self, run_id: int) -> dict[str, Any] | None:
        with read_transaction(self.engine) as conn:
            row = conn.execute(select(runs).where(runs.c.id == run_id)).mappings().first()
            return dict(row) if row else None

    def run_failures(self, run_id: int) -> list[dict[str, Any]]:
        """Failures of one run with their feed names, for the run summary."""
        query = (
            select(failures.c.url, failures.c.reason, failures.c.detail, feeds.c.name.label("feed"))
            .select_from(failures.outerjoin(feeds, failures.c.feed_id == feeds.c.id))
            .where(failures.c.run_id == run_id)
            .order_by(failures.c.id)
        )
        with read_transaction(self.engine) as conn:
            return [dict(row) for row in conn.execute(query).mappings()]

    def item_counts(self, since: datetime, until: datetime | None = None) -> dict[int, int]:
        """Items (distinct article URLs) each feed listed for the first time in [since, until)."""
        query = (
            select(urls.c.feed_id, func.count()).where(urls.c.first_seen >= since).group_by(urls.c.feed_id)
        )
        if until is not None:
            query = query.where(urls.c.first_seen < until)
        with read_transaction(self.engine) as conn:
            return {feed_id: count for feed_id, count in conn.execute(query) if feed_id is not None}

    def article_counts(self, since: datetime | None = None) -> dict[int, int]:
        """Stored articles per feed id (optionally first seen since a time)."""
        query = select(articles.c.feed_id, func.count()).group_by(articles.c.feed_id)
        if since is not None:
            query = query.where(articles.c.first_seen >= since)
        with read_transaction(self.engine) as conn:
            return {feed_id: count for feed_id, count in conn.execute(query) if feed_id is not None}

    def export_rows(
        self, since: datetime | None = None, relevant_only: bool = False
    ) -> Iterator[dict[str, Any]]:
        """Stream export records (contract fields plus signals) without loading them all."""
        with self.engine.connect() as conn:
            result = conn.execution_options(stream_results=True, yield_per=500).execute(
                export_query(since, relevant_only)
            )
            try:
                for row in result.mappings():
                    yield dict(row)
            finally:
                result.close()  # a consumer that stops early must not leave a server cursor open

    def search(self, words: Sequence[str], limit: int = 20) -> list[dict[str, Any]]:
        """Articles whose title or text contains every word (case-insensitive), newest first."""
        query = select(
            articles.c.id,
            articles.c.title,
            articles.c.source,
            articles.c.published,
            articles.c.first_seen,
            articles.c.url,
            articles.c.text,
            articles.c.relevance,
        ).where(articles.c.duplicate_of.is_(None))
        for word in words:
            pattern = f"%{word}%"
            query = query.where(or_(articles.c.title.ilike(pattern), articles.c.text.ilike(pattern)))
        query = query.order_by(func.coalesce(articles.c.published, articles.c.first_seen).desc()).limit(limit)
        with read_transaction(self.engine) as conn:
            return [dict(row) for row in conn.execute(query).mappings()]

    def last_run_of_pid(self, pid: int) -> dict[str, Any] | None:
        """The newest run a given process wrote (the daemon knows its child's pid)."""
        with read_transaction(self.engine) as conn:
            row = (
                conn.execute(select(runs).where(runs.c.pid == pid).order_by(runs.c.id.desc()).limit(1))
                .mappings()
                .first()
            )
            return dict(row) if row else None

    def mark_runs_killed(self, pid: int, now: datetime) -> None:
        """A child killed at its limit cannot close its run row; the daemon does, counting what it stored."""
        with write_transaction(self.engine) as conn:
            for run_id in conn.scalars(
                select(runs.c.id).where(and_(runs.c.pid == pid, runs.c.status == "running"))
            ):
                stored = select(func.count()).select_from(articles).where(articles.c.run_id == run_id)
                conn.execute(
                    update(runs)
                    .where(runs.c.id == run_id)
                    .values(
                        status="killed",
                        finish_reason="time limit",
                        finished_at=now,
                        articles_new=conn.scalar(stored.where(articles.c.duplicate_of.is_(None))),
                        articles_duplicate=conn.scalar(stored.where(articles.c.duplicate_of.is_not(None))),
                    )
                )

    def prune_failures(self, before: datetime) -> int:
        """Delete failure records older than `before`; returns how many."""
        with write_transaction(self.engine) as conn:
            return conn.execute(failures.delete().where(failures.c.at < before)).rowcount or 0


def _feed_state(row: Any) -> FeedState:
    return FeedState(
        id=row.id,
        name=row.name,
        url=row.url,
        fetch_url=row.fetch_url,
        type=row.type,
        keep=row.keep,
        interval_seconds=row.interval_seconds,
        etag=row.etag,
        last_modified=row.last_modified,
        consecutive_failures=row.consecutive_failures,
        next_check_at=row.next_check_at,
        retired_at=row.retired_at,
        last_polled_at=row.last_polled_at,
        last_success_at=row.last_success_at,
        last_error_at=row.last_error_at,
        last_error_reason=row.last_error_reason,
        last_error_detail=row.last_error_detail,
        current_interval_seconds=row.current_interval_seconds,
        content_fingerprint=row.content_fingerprint,
    )


def export_query(since: datetime | None, relevant_only: bool) -> Any:
    """Articles in first-seen order, with an exact copy's text taken from its original."""
    original = articles.alias("original")
    query = (
        select(
            articles.c.id,
            articles.c.url,
            articles.c.canonical_url,
            articles.c.source,
            articles.c.site,
            articles.c.title,
            func.coalesce(articles.c.text, original.c.text).label("text"),
            articles.c.authors,
            articles.c.published,
            articles.c.language,
            articles.c.relevance,
            articles.c.matched_terms,
            articles.c.duplicate_of,
            articles.c.content_hash,
            articles.c.first_seen,
            articles.c.fetched_at,
            articles.c.signals,
            articles.c.version_count,
            articles.c.updated_at,
        )
        .select_from(articles.outerjoin(original, articles.c.duplicate_of == original.c.id))
        .order_by(articles.c.first_seen, articles.c.id)
    )
    if since is not None:
        query = query.where(articles.c.first_seen >= since)
    if relevant_only:
        query = query.where(articles.c.relevant.is_(True))
    return query
