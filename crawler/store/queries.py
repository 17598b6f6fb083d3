"""Read-only views for the CLI and analysts: stories, counts, export."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, func, select

from crawler.store.article_filter import NO_FILTER, ArticleFilter, conditions
from crawler.store.engine import read_transaction
from crawler.store.schema import articles, urls


class QueriesMixin:
    """Store methods that only read."""

    engine: Engine

    def stories(
        self, limit: int, order: str = "largest", since: datetime | None = None
    ) -> list[dict[str, Any]]:
        """Stories, largest (or newest) first: every article of each, in publication order.

        A story is the write-thrus of one wire story and every copy of each; a member with
        ``duplicate_of`` empty is a version (a text of its own), the others are its copies.
        """
        story_id = articles.c.story_id  # every stored article has one (migration 0006 filled them in)
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
                            articles.c.published,
                            articles.c.first_seen,
                            articles.c.text_length,
                            articles.c.url,
                            articles.c.duplicate_of,
                            articles.c.original_basis,
                        )
                        .where(story_id == cluster["story_id"])
                        .order_by(
                            func.coalesce(articles.c.published, articles.c.first_seen),
                            articles.c.first_seen,
                            articles.c.id,
                        )
                    ).mappings()
                ]
                cluster["versions"] = sum(member["duplicate_of"] is None for member in cluster["members"])
        return clusters

    def relations(self) -> dict[int, tuple[int, int]]:
        """Every article's (original, story): the article it is a copy of, else itself, and its story."""
        with read_transaction(self.engine) as conn:
            rows = conn.execute(select(articles.c.id, articles.c.duplicate_of, articles.c.story_id)).all()
        return {
            row.id: (row.duplicate_of or row.id, row.story_id or row.duplicate_of or row.id) for row in rows
        }

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

    def export_rows(self, chosen: ArticleFilter = NO_FILTER) -> Iterator[dict[str, Any]]:
        """Stream export records (contract fields plus the facts, as `signals`) without loading them all."""
        with self.engine.connect() as conn:
            result = conn.execution_options(stream_results=True, yield_per=500).execute(export_query(chosen))
            try:
                for row in result.mappings():
                    yield dict(row)
            finally:
                result.close()  # a consumer that stops early must not leave a server cursor open


def export_query(chosen: ArticleFilter) -> Any:
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
            articles.c.kind,
            articles.c.relevance,
            articles.c.matched_terms,
            articles.c.duplicate_of,
            articles.c.original_basis,
            func.coalesce(articles.c.story_id, articles.c.duplicate_of, articles.c.id).label("story_id"),
            articles.c.content_hash,
            articles.c.first_seen,
            articles.c.fetched_at,
            articles.c.signals,
            articles.c.version_count,
            articles.c.updated_at,
            articles.c.via,
            articles.c.captured_at,
        )
        .select_from(articles.outerjoin(original, articles.c.duplicate_of == original.c.id))
        .order_by(articles.c.first_seen, articles.c.id)
    )
    return query.where(*conditions(chosen))
