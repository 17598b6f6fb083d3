"""The seen-URL frontier: every canonical URL dealt with, and the ones still owed a request."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Engine, Select, and_, select, update

from crawler.store.engine import read_transaction, write_transaction
from crawler.store.records import (
    PendingUrl,
)
from crawler.store.schema import urls
from crawler.store.upsert import insert_for

# Bound parameter lists well below SQLite's limit of 32766 variables.
_IN_CHUNK = 500


class FrontierMixin:
    """Store methods for the urls table."""

    engine: Engine

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
        return read_pending_urls(self.engine, query)

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
            # An archived page (a backfill) has no pending row yet: it is remembered all the same.
            conn.execute(
                insert_for(conn, urls)
                .values(canonical_url=frontier_url, url=url, status="pending", first_seen=now, updated_at=now)
                .on_conflict_do_nothing(index_elements=["canonical_url"])
            )
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
        """Whether this canonical URL is settled: stored, a copy of a stored article, or off-topic."""
        with read_transaction(self.engine) as conn:
            status = conn.scalar(select(urls.c.status).where(urls.c.canonical_url == canonical_url))
        return status in ("stored", "duplicate", "irrelevant")


def read_pending_urls(engine: Engine, query: Select) -> list[PendingUrl]:
    """The rows of a query over ``urls`` as the crawler's PendingUrl, in the query's order."""
    with read_transaction(engine) as conn:
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
