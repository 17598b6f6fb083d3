"""Alerts in the store: rules as first seen, deliveries queued with the match and settled once sent.

Matching and queueing are one transaction, sending happens outside any, and each result is
recorded in a transaction of its own: a cycle killed before it sent leaves the rows pending for
the next one, and a story is queued at most once per rule and target (a unique index), so its
copies and later cycles never queue it again. The one unavoidable window is between a
target's acceptance and the commit that records it, where a kill means one repeat rather than
a loss.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, and_, case, func, select, update

from crawler.core.search_syntax import SearchQuery
from crawler.store.article_filter import ArticleFilter, conditions
from crawler.store.engine import read_transaction, write_transaction
from crawler.store.full_text import matches_any
from crawler.store.schema import alert_deliveries, alert_rules, article_signals, articles
from crawler.store.upsert import insert_for

SNIPPET_CHARACTERS = 280


@dataclass(frozen=True)
class Delivery:
    """A story owed to one target of one rule."""

    id: int
    rule: str
    target_key: str
    story_id: int
    article_id: int
    digest: bool
    status: str  # pending|sent|failed
    attempts: int
    matched_at: datetime


@dataclass(frozen=True)
class AlertStory:
    """What an alert says about a story."""

    article_id: int
    story_id: int
    title: str | None
    source: str
    site: str
    url: str
    published: datetime | None
    first_seen: datetime
    snippet: str
    outlets: int  # distinct sites that ran the story so far
    signals: dict[str, list[str]]  # kind -> values, counts as "80 detained"


class AlertsMixin:
    """Store methods for alert rules and their deliveries."""

    engine: Engine

    def alert_rule_since(self, name: str, now: datetime) -> datetime:
        """When the rule was first seen (now, for a new rule): it alerts on stories from then on."""
        with write_transaction(self.engine) as conn:
            conn.execute(
                insert_for(conn, alert_rules).values(name=name, created_at=now).on_conflict_do_nothing()
            )
            created = conn.scalar(select(alert_rules.c.created_at).where(alert_rules.c.name == name))
        assert created is not None
        return created

    def queue_alerts(
        self,
        rule: str,
        target_keys: Sequence[str],
        chosen: ArticleFilter,
        terms: Sequence[SearchQuery],
        digest: bool,
        now: datetime,
    ) -> int:
        """Queue every story matching the rule (articles first seen since `chosen.since`) for each
        target that has not had it; the number of rows queued."""
        story_id = func.coalesce(articles.c.story_id, articles.c.duplicate_of, articles.c.id)
        with write_transaction(self.engine) as conn:
            matching = select(story_id.label("story_id"), func.min(articles.c.id).label("article_id")).where(
                *conditions(chosen)
            )
            if terms:
                matching = matching.where(matches_any(conn.dialect.name, terms))
            stories = conn.execute(matching.group_by(story_id)).all()
            rows = [
                {
                    "rule": rule,
                    "target_key": key,
                    "story_id": story.story_id,
                    "article_id": story.article_id,
                    "digest": digest,
                    "status": "pending",
                    "matched_at": now,
                }
                for story in stories
                for key in target_keys
            ]
            if not rows:
                return 0
            statement = (
                insert_for(conn, alert_deliveries)
                .on_conflict_do_nothing(index_elements=["rule", "target_key", "story_id"])
                .returning(alert_deliveries.c.id)
            )
            return len(conn.execute(statement, rows).all())

    def owed_deliveries(self, rule: str, target_key: str) -> list[Delivery]:
        """Pending and failed deliveries of a rule to a target, oldest match first."""
        query = (
            select(*(alert_deliveries.c[name] for name in Delivery.__dataclass_fields__))
            .where(
                and_(
                    alert_deliveries.c.rule == rule,
                    alert_deliveries.c.target_key == target_key,
                    alert_deliveries.c.status.in_(("pending", "failed")),
                )
            )
            .order_by(alert_deliveries.c.matched_at, alert_deliveries.c.id)
        )
        with read_transaction(self.engine) as conn:
            return [Delivery(*row) for row in conn.execute(query)]

    def record_deliveries(self, ids: Sequence[int], error: str | None, now: datetime) -> None:
        """Sent (error None), or failed with a reason that never holds the target's URL."""
        values: dict[str, Any] = {"attempts": alert_deliveries.c.attempts + 1, "last_attempt_at": now}
        if error is None:
            values |= {"status": "sent", "sent_at": now, "last_error": None}
        else:
            values |= {"status": "failed", "last_error": error[:500]}
        with write_transaction(self.engine) as conn:
            conn.execute(update(alert_deliveries).where(alert_deliveries.c.id.in_(ids)).values(**values))

    def alert_stories(self, article_ids: Sequence[int]) -> dict[int, AlertStory]:
        """The stories behind deliveries, with their signals and how many outlets ran them."""
        with read_transaction(self.engine) as conn:
            original = articles.alias("original")
            rows = conn.execute(
                select(
                    articles.c.id,
                    func.coalesce(articles.c.story_id, articles.c.duplicate_of, articles.c.id).label(
                        "story_id"
                    ),
                    articles.c.title,
                    articles.c.source,
                    articles.c.site,
                    articles.c.url,
                    articles.c.published,
                    articles.c.first_seen,
                    func.coalesce(articles.c.text, original.c.text).label("text"),
                )
                .select_from(articles.outerjoin(original, articles.c.duplicate_of == original.c.id))
                .where(articles.c.id.in_(article_ids))
            ).all()
            signals = _signals_of(conn, article_ids)
            outlets = _outlets_of(conn, [row.story_id for row in rows])
        return {
            row.id: AlertStory(
                article_id=row.id,
                story_id=row.story_id,
                title=row.title,
                source=row.source,
                site=row.site,
                url=row.url,
                published=row.published,
                first_seen=row.first_seen,
                snippet=_lead(row.text or ""),
                outlets=outlets.get(row.story_id, 1),
                signals=signals.get(row.id, {}),
            )
            for row in rows
        }

    def alert_status(self) -> list[dict[str, Any]]:
        """Per rule and target: deliveries by status, the last sent, the last failure."""
        d = alert_deliveries
        query = (
            select(
                d.c.rule,
                d.c.target_key,
                func.sum(case((d.c.status == "sent", 1), else_=0)).label("sent"),
                func.sum(case((d.c.status == "pending", 1), else_=0)).label("pending"),
                func.sum(case((d.c.status == "failed", 1), else_=0)).label("failed"),
                func.max(d.c.sent_at).label("last_sent"),
                func.max(d.c.last_attempt_at).label("last_attempt"),
                func.max(d.c.attempts).label("most_attempts"),
            )
            .group_by(d.c.rule, d.c.target_key)
            .order_by(d.c.rule, d.c.target_key)
        )
        with read_transaction(self.engine) as conn:
            found = [dict(row) for row in conn.execute(query).mappings()]
            for entry in found:
                entry["last_error"] = conn.scalar(
                    select(d.c.last_error)
                    .where(
                        and_(
                            d.c.rule == entry["rule"],
                            d.c.target_key == entry["target_key"],
                            d.c.status == "failed",
                        )
                    )
                    .order_by(d.c.last_attempt_at.desc())
                    .limit(1)
                )
        return found


def _signals_of(conn: Connection, article_ids: Sequence[int]) -> dict[int, dict[str, list[str]]]:
    found: dict[int, dict[str, list[str]]] = {}
    rows = conn.execute(
        select(
            article_signals.c.article_id,
            article_signals.c.kind,
            article_signals.c.value,
            article_signals.c.amount,
        )
        .where(article_signals.c.article_id.in_(article_ids))
        .order_by(article_signals.c.id)
    )
    for article_id, kind, value, amount in rows:
        shown = f"{amount} {value}" if amount is not None else value
        found.setdefault(article_id, {}).setdefault(kind, []).append(shown)
    return found


def _outlets_of(conn: Connection, story_ids: Sequence[int]) -> dict[int, int]:
    story_id = func.coalesce(articles.c.story_id, articles.c.duplicate_of, articles.c.id)
    rows = conn.execute(
        select(story_id, func.count(func.distinct(articles.c.site)))
        .where(articles.c.story_id.in_(story_ids))
        .group_by(story_id)
    )
    return {story: outlets for story, outlets in rows}


def _lead(text: str) -> str:
    flat = " ".join(text.split())
    if len(flat) <= SNIPPET_CHARACTERS:
        return flat
    return flat[:SNIPPET_CHARACTERS].rsplit(" ", 1)[0] + "…"
