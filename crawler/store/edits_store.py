"""Edits: articles due for a re-check, and earlier versions kept with their diffs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, and_, func, select, update

from crawler.dedup.versions import Change
from crawler.store.engine import read_transaction, write_transaction
from crawler.store.records import (
    RecheckTarget,
)
from crawler.store.schema import article_versions, articles


class EditsMixin:
    """Store methods for re-checks and article versions."""

    engine: Engine

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

        `change(old_title, old_text)` decides (crawler.dedup.versions.compare_versions with the new text).
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
