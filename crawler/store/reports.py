"""Aggregates for `newswatch report`, computed by the database on indexed signal rows."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Date, Engine, Integer, String, and_, cast, func, literal, select

from crawler.store.article_filter import NO_FILTER, ArticleFilter, conditions
from crawler.store.engine import read_transaction
from crawler.store.schema import article_signals, articles
from crawler.store.signal_rows import SignalKind


class ReportsMixin:
    """Store methods that count stories."""

    engine: Engine

    def state_week_counts(self, chosen: ArticleFilter = NO_FILTER) -> list[tuple[str, str, int]]:
        """(week, state, stories): relevant originals per state named, per ISO week (its Monday).

        The week is the event's (the `event_date` signal), else the publication's, else the
        first sighting's, in UTC. Copies are left out and write-thrus count as their story, so a
        wire story rewritten through the day and run by fifty outlets counts once; a story naming
        two states counts in both.
        """
        state = article_signals.alias("state")
        event = article_signals.alias("event")
        with read_transaction(self.engine) as conn:
            week = _week_expression(conn.dialect.name, event.c.value)
            query = (
                select(
                    week.label("week"),
                    state.c.value,
                    # write-thrus of one story are originals of their own texts: count the story
                    func.count(func.distinct(func.coalesce(articles.c.story_id, articles.c.id))),
                )
                .select_from(
                    articles.join(
                        state,
                        and_(state.c.article_id == articles.c.id, state.c.kind == SignalKind.STATE.value),
                    ).outerjoin(
                        event,
                        and_(
                            event.c.article_id == articles.c.id, event.c.kind == SignalKind.EVENT_DATE.value
                        ),
                    )
                )
                .where(articles.c.relevant.is_(True), articles.c.duplicate_of.is_(None), *conditions(chosen))
                .group_by(week, state.c.value)
                .order_by(week, state.c.value)
            )
            return [(str(week), value, count) for week, value, count in conn.execute(query)]


def _week_expression(dialect: str, event_date: Any) -> Any:
    """The Monday (YYYY-MM-DD) of the day an article is counted on, in the dialect's date functions."""
    if dialect == "sqlite":
        day = func.date(func.coalesce(event_date, articles.c.published, articles.c.first_seen))
        # strftime('%w') is 0 for Sunday: step back (weekday + 6) % 7 days to the Monday
        back = (cast(func.strftime("%w", day), Integer) + 6) % 7
        return func.date(day, literal("-", String) + cast(back, String) + literal(" days", String))
    utc_day = func.coalesce(
        cast(event_date, Date),
        cast(func.timezone("UTC", articles.c.published), Date),
        cast(func.timezone("UTC", articles.c.first_seen), Date),
    )
    return func.to_char(func.date_trunc("week", utc_day), "YYYY-MM-DD")
