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

from sqlalchemy import Connection, Engine, select, update
from sqlalchemy.exc import IntegrityError

from crawler.dedup.lead import lead_signature
from crawler.dedup.minhash import DEFAULT_THRESHOLDS, Thresholds
from crawler.dedup.stories import Copy, Version, original_of, same_story
from crawler.store.engine import write_transaction
from crawler.store.neardup_index import Match, Matches, add_signature, find_matches
from crawler.store.records import (
    ArticleRecord,
    SaveOutcome,
)
from crawler.store.schema import article_signals, articles, urls
from crawler.store.signal_rows import signal_rows
from crawler.store.story_links import (
    cited_site,
    copies_of,
    join_stories,
    repoint,
    roots,
    stories_of,
    versions_of,
)
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


def exact_row_original(row: Any) -> int | None:
    """The id of the original an exact match belongs to (its own id when it is one)."""
    return None if row is None else (row.duplicate_of or row.id)


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
        # The same text stored before, original or copy, is the same set of copies.
        exact_row = conn.execute(
            select(articles.c.id, articles.c.duplicate_of)
            .where(articles.c.content_hash == record.content_hash)
            .order_by(articles.c.duplicate_of.is_not(None), articles.c.id)
            .limit(1)
        ).first()
        lead = lead_signature(record.text) if record.signature is not None else None
        found = Matches([], [])
        if exact_row is None and record.signature is not None and self.near_duplicate_thresholds is not None:
            found = find_matches(
                conn,
                record.signature,
                self.near_duplicate_thresholds,
                lead=lead,
                text=record.text,
                title=record.title,
            )
        matched = [exact_row.id] if exact_row is not None else [m.article_id for m in found.copies]
        originals = roots(conn, matched)
        chosen_id, basis = self._choose_original(conn, record, originals)
        # a shallow copy: asdict would deep-copy the text and the 128-slot signature again
        values = {column: getattr(record, name) for column, name in _COLUMNS} | {
            # An exact copy of an original keeps no text of its own; the export reads the original's.
            "text": None
            if chosen_id is not None and chosen_id == exact_row_original(exact_row)
            else record.text,
            "text_length": len(record.text),
            # Stored as a copy of a matched original first, even when it is to become the
            # original: the text's unique index allows one original per text at any moment.
            "duplicate_of": chosen_id if chosen_id is not None else (originals[0] if originals else None),
            # An archived page was first seen when the archive captured it, not when it was read.
            "first_seen": record.captured_at or record.fetched_at,
        }
        inserted = conn.execute(articles.insert(), values).inserted_primary_key
        assert inserted is not None
        article_id = inserted[0]
        original = chosen_id
        if originals and chosen_id is None:  # published before every stored copy: it is the original
            for old in originals:
                repoint(conn, old, article_id)
            conn.execute(
                update(articles)
                .where(articles.c.id == article_id)
                .values(duplicate_of=None, original_basis=basis)
            )
        elif chosen_id is not None:
            for old in originals:
                if old != chosen_id:
                    repoint(conn, old, chosen_id)
            conn.execute(update(articles).where(articles.c.id == chosen_id).values(original_basis=basis))
        # Copies with a text of their own are indexed too: a cut copy of a copy missing its top
        # shares a lead only with that copy. An exact copy adds nothing an indexed text lacks.
        if record.signature is not None and exact_row is None:
            add_signature(conn, article_id, record.signature, lead, record.title, record.text)
        self._join_story(conn, record, article_id, originals, found.related)
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

    def _choose_original(
        self, conn: Connection, record: ArticleRecord, originals: list[int]
    ) -> tuple[int | None, str | None]:
        """Which stored original the new article is a copy of (None: it is the original), and why."""
        if not originals:
            return None, None
        new = Copy(
            None,
            record.site,
            record.published,
            record.fetched_at,
            cited_site(record.page_canonical_url, record.site),
        )
        chosen, basis = original_of([*copies_of(conn, originals), new])
        return chosen.article_id, basis

    def _join_story(
        self,
        conn: Connection,
        record: ArticleRecord,
        article_id: int,
        originals: list[int],
        related: list[Match],
    ) -> None:
        """Put the article into its story: its copies' story, and that of every other version it matches."""
        story_members = list(originals)
        if related:
            mine = Version(record.title, record.text, record.published, record.fetched_at)
            versions = versions_of(conn, [m.article_id for m in related])
            story_members += [
                m.article_id
                for m in related
                if m.article_id in versions and same_story(mine, versions[m.article_id], m.similarity)
            ]
        join_stories(conn, stories_of(conn, story_members), article_id)

    def _settle_frontier(self, conn: Connection, record: ArticleRecord, status: str, article_id: int) -> None:
        """The pending URL that redirected here (an aggregator link, say) is dealt with too."""
        if record.frontier_url and record.frontier_url != record.canonical_url:
            conn.execute(
                update(urls)
                .where(urls.c.canonical_url == record.frontier_url)
                .values(status=status, article_id=article_id, updated_at=record.fetched_at)
            )
