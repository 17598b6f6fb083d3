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
        return self.signal_week_counts(SignalKind.STATE, chosen)

    def signal_week_counts(
        self, kind: SignalKind, chosen: ArticleFilter = NO_FILTER
    ) -> list[tuple[str, str, int]]:
        """(week, value, stories) for one signal kind (state, agency, action), counted as
        `state_week_counts` describes."""
        named = article_signals.alias("named")
        event = article_signals.alias("event")
        with read_transaction(self.engine) as conn:
            week = _week_expression(conn.dialect.name, event.c.value)
            query = (
                select(
                    week.label("week"),
                    named.c.value,
                    # write-thrus of one story are originals of their own texts: count the story
                    func.count(func.distinct(func.coalesce(articles.c.story_id, articles.c.id))),
                )
                .select_from(
                    articles.join(
                        named,
                        and_(named.c.article_id == articles.c.id, named.c.kind == kind.value),
                    ).outerjoin(
                        event,
                        and_(
                            event.c.article_id == articles.c.id, event.c.kind == SignalKind.EVENT_DATE.value
                        ),
                    )
                )
                .where(articles.c.relevant.is_(True), articles.c.duplicate_of.is_(None), *conditions(chosen))
                .group_by(week, named.c.value)
                .order_by(week, named.c.value)
            )
            return [(str(week), value, count) for week, value, count in conn.execute(query)]

    def signal_totals(self, kind: SignalKind, chosen: ArticleFilter = NO_FILTER) -> list[tuple[str, int]]:
        """(value, stories) for one signal kind over the whole period, most stories first."""
        named = article_signals.alias("named")
        stories = func.count(func.distinct(func.coalesce(articles.c.story_id, articles.c.id)))
        query = (
            select(named.c.value, stories)
            .select_from(
                articles.join(named, and_(named.c.article_id == articles.c.id, named.c.kind == kind.value))
            )
            .where(articles.c.relevant.is_(True), *conditions(chosen))
            .group_by(named.c.value)
            .order_by(stories.desc(), named.c.value)
        )
        with read_transaction(self.engine) as conn:
            return [(value, count) for value, count in conn.execute(query)]

    def outlet_counts(self, chosen: ArticleFilter = NO_FILTER, limit: int = 15) -> list[tuple[str, int]]:
        """(site, relevant articles) for the outlets that ran the most, copies included: running a
        wire story is what an outlet did."""
        count = func.count()
        query = (
            select(articles.c.site, count)
            .where(articles.c.relevant.is_(True), *conditions(chosen))
            .group_by(articles.c.site)
            .order_by(count.desc(), articles.c.site)
            .limit(limit)
        )
        with read_transaction(self.engine) as conn:
            return [(site, number) for site, number in conn.execute(query)]

    def syndicated_stories(
        self, chosen: ArticleFilter = NO_FILTER, limit: int = 15
    ) -> list[tuple[str, int, int]]:
        """(title, outlets, copies) of the relevant stories run by the most outlets."""
        story = func.coalesce(articles.c.story_id, articles.c.duplicate_of, articles.c.id)
        outlets = func.count(func.distinct(articles.c.site))
        query = (
            select(func.min(articles.c.title), outlets, func.count())
            .where(articles.c.relevant.is_(True), *conditions(chosen))
            .group_by(story)
            .order_by(outlets.desc(), func.count().desc(), func.min(articles.c.title))
            .limit(limit)
        )
        with read_transaction(self.engine) as conn:
            return [(title or "(untitled)", number, copies) for title, number, copies in conn.execute(query)]


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
