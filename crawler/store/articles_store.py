"""Storing articles once: copies linked to the first, the frontier settled in the same transaction.

An exact copy (same normalized text) is stored without its text; a near-duplicate (the same
story in another outlet's version: new headline, a local paragraph, the end cut off) keeps
its own text, so a story's versions can be compared, and links to the first-seen original.
Only originals enter the near-duplicate index, so every copy links to the story's first record.
"""

from __future__ import annotations

import functools
from dataclasses import fields
from typing import Any, Literal

from sqlalchemy import Connection, Engine, and_, select, update
from sqlalchemy.exc import IntegrityError

from crawler.dedup.minhash import DEFAULT_THRESHOLDS, Thresholds
from crawler.store.engine import write_transaction
from crawler.store.neardup_index import add_signature, find_original
from crawler.store.records import (
    ArticleRecord,
    SaveOutcome,
)
from crawler.store.schema import article_signals, articles, urls
from crawler.store.signal_rows import signal_rows
from crawler.store.upsert import insert_for_dialect

NOT_COLUMNS = ("frontier_url", "signature")
COLUMN_OF_FIELD = {"cycle_id": "run_id"}  # the `runs` table keeps its public name
# (column, field) of every ArticleRecord field stored in the articles row
_COLUMNS = tuple(
    (COLUMN_OF_FIELD.get(field.name, field.name), field.name)
    for field in fields(ArticleRecord)
    if field.name not in NOT_COLUMNS
)


@functools.cache
def _settle_url_statement(dialect: str) -> Any:
    """The frontier row of a stored article, inserted or brought up to date. Built once per
    dialect: constructing ``excluded`` costs more than running the statement."""
    statement = insert_for_dialect(dialect, urls)
    return statement.on_conflict_do_update(
        index_elements=["canonical_url"],
        set_={key: statement.excluded[key] for key in ("status", "relevance", "article_id", "updated_at")},
    )


class ArticlesMixin:
    """Store methods that write articles."""

    engine: Engine
    near_duplicate_thresholds: Thresholds | None = DEFAULT_THRESHOLDS  # None: exact copies only

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
        exact = conn.scalar(
            select(articles.c.id).where(
                and_(articles.c.content_hash == record.content_hash, articles.c.duplicate_of.is_(None))
            )
        )
        original = exact
        if original is None and record.signature is not None and self.near_duplicate_thresholds is not None:
            match = find_original(conn, record.signature, self.near_duplicate_thresholds)
            original = match.article_id if match else None
        # a shallow copy: asdict would deep-copy the text and the 128-slot signature again
        values = {column: getattr(record, name) for column, name in _COLUMNS} | {
            "text": None if exact is not None else record.text,
            "text_length": len(record.text),
            "duplicate_of": original,
            "first_seen": record.fetched_at,
        }
        inserted = conn.execute(articles.insert(), values).inserted_primary_key
        assert inserted is not None
        article_id = inserted[0]
        if original is None and record.signature is not None:
            add_signature(conn, article_id, record.signature)
        facts = list(signal_rows(article_id, record.signals))
        if facts:
            conn.execute(article_signals.insert(), facts)
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
        conn.execute(_settle_url_statement(conn.dialect.name), url_row)
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
