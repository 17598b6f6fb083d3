"""Full-text search: FTS5 on SQLite, tsvector with a GIN index on PostgreSQL, one result shape.

Both engines match words, not letters, after stemming ("raids" finds "raid", "afraid" never
does), rank by relevance (FTS5's bm25, PostgreSQL's ts_rank; a title match weighs more than
one in the text) with the newest first among equals, and fold the copies of one story into one
hit: its best-ranked version, with how many outlets ran the story. Every match is ranked, old
or new; SQLite reads article rows for the best matches only (crawler/store/fts5_page.py).

The index objects are made by migration 0003 (see crawler/store/schema.py, FULL_TEXT_TABLES).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    and_,
    case,
    func,
    literal_column,
    select,
)

from crawler.core.search_syntax import Clause, SearchQuery, Term
from crawler.store.article_filter import NO_FILTER, ArticleFilter, conditions
from crawler.store.engine import read_transaction
from crawler.store.fts5_page import FTS_ROWS, FTS_TABLE, fts5_page
from crawler.store.schema import articles

# Marks around matched words in a snippet; views turn them into bold or **markdown**.
MATCH_START = "\x02"
MATCH_END = "\x03"
SNIPPET_WORDS = 24

_search_vector: Any = literal_column("articles.search_vector")
_ENGLISH: Any = literal_column("'english'::regconfig")  # the configuration the column is built with


@dataclass(frozen=True)
class SearchHit:
    """One story that matched: its best-matching version, and how far the story ran."""

    article_id: int
    story_id: int  # the original (first-seen) version's id
    title: str | None
    source: str
    site: str
    url: str
    published: datetime | None
    first_seen: datetime
    relevance: float
    score: float  # the engine's relevance of this version to the query; larger is better
    snippet: str  # with MATCH_START/MATCH_END around matched words
    outlets: int  # distinct sites that ran the story
    copies: int  # stored versions of the story, this one included


def fts5_match(query: SearchQuery) -> str:
    """The FTS5 MATCH expression: every word quoted, so no word is read as an operator."""

    def term(one: Term) -> str:
        return '"' + " ".join(one.words) + '"'

    def clause(one: Clause) -> str:
        terms = [term(alternative) for alternative in one.alternatives]
        return terms[0] if len(terms) == 1 else "(" + " OR ".join(terms) + ")"

    expression = " AND ".join(clause(one) for one in query.positive)
    for negated in query.negative:
        expression = f"({expression}) NOT {clause(negated)}"
    return expression


def tsquery(query: SearchQuery) -> Any:
    """The PostgreSQL tsquery, built from phraseto_tsquery per term so every word is a parameter."""

    def term(one: Term) -> Any:
        return func.phraseto_tsquery(_ENGLISH, one.text)

    def clause(one: Clause) -> Any:
        combined = term(one.alternatives[0])
        for alternative in one.alternatives[1:]:
            combined = func.tsquery_or(combined, term(alternative))
        return combined

    combined = clause(query.positive[0])
    for positive in query.positive[1:]:
        combined = func.tsquery_and(combined, clause(positive))
    for negated in query.negative:
        combined = func.tsquery_and(combined, func.tsquery_not(clause(negated)))
    return combined


class SearchMixin:
    """Store methods that search the stored text."""

    engine: Engine

    def search(
        self, query: SearchQuery, chosen: ArticleFilter = NO_FILTER, limit: int = 20, offset: int = 0
    ) -> list[SearchHit]:
        """The page of stories matching `query` (see the module docstring for the order)."""
        with read_transaction(self.engine) as conn:
            sqlite = conn.dialect.name == "sqlite"
            page: Sequence[Any] = (
                fts5_page(conn, fts5_match(query), chosen, limit, offset)
                if sqlite
                else conn.execute(_pg_page_query(query, chosen, limit, offset)).all()
            )
            if not page:
                return []
            ids = [row.id for row in page]
            details = {
                row.id: row
                for row in conn.execute(
                    select(
                        articles.c.id,
                        articles.c.title,
                        articles.c.source,
                        articles.c.site,
                        articles.c.url,
                        articles.c.published,
                        articles.c.first_seen,
                        articles.c.relevance,
                    ).where(articles.c.id.in_(ids))
                )
            }
            snippets = (_fts5_snippets if sqlite else _pg_snippets)(conn, query, ids)
            reach = _story_reach(conn, [row.story_id for row in page])
        return [
            SearchHit(
                article_id=row.id,
                story_id=row.story_id,
                title=details[row.id].title,
                source=details[row.id].source,
                site=details[row.id].site,
                url=details[row.id].url,
                published=details[row.id].published,
                first_seen=details[row.id].first_seen,
                relevance=details[row.id].relevance,
                score=float(row.score),
                snippet=snippets.get(row.id) or "",
                outlets=reach[row.story_id][0],
                copies=reach[row.story_id][1],
            )
            for row in page
        ]


def _pg_page_query(query: SearchQuery, chosen: ArticleFilter, limit: int, offset: int) -> Any:
    """Stories ranked by their best-matching version; each shown by a version with text of its own
    (an exact copy stores none), the best-matching of those. SQLite's page: fts5_page."""
    story_id = func.coalesce(articles.c.story_id, articles.c.duplicate_of, articles.c.id)
    moment = func.coalesce(articles.c.published, articles.c.first_seen)
    own_text = case((articles.c.text.is_(None), 0), else_=1)
    wanted = tsquery(query)
    score = func.ts_rank(_search_vector, wanted)
    hits = (
        select(
            articles.c.id,
            story_id.label("story_id"),
            score.label("score"),
            moment.label("at"),
            own_text.label("own_text"),
        )
        .where(_search_vector.op("@@")(wanted), *conditions(chosen))
        .subquery("hits")
    )
    story = hits.c.story_id
    place = func.row_number().over(
        partition_by=story,
        order_by=(hits.c.own_text.desc(), hits.c.score.desc(), hits.c.at.desc(), hits.c.id.desc()),
    )
    ranked = select(
        *hits.c,
        place.label("place"),
        func.max(hits.c.score).over(partition_by=story).label("story_score"),
        func.max(hits.c.at).over(partition_by=story).label("story_at"),
    ).subquery("ranked")
    return (
        select(ranked.c.id, ranked.c.story_id, ranked.c.story_score.label("score"))
        .where(ranked.c.place == 1)
        .order_by(ranked.c.story_score.desc(), ranked.c.story_at.desc(), ranked.c.story_id.desc())
        .limit(limit)
        .offset(offset)
    )


def _fts5_snippets(conn: Connection, query: SearchQuery, ids: list[int]) -> dict[int, str]:
    snippet = func.snippet(FTS_TABLE, 1, MATCH_START, MATCH_END, "…", SNIPPET_WORDS)
    title = func.highlight(FTS_TABLE, 0, MATCH_START, MATCH_END)
    rows = conn.execute(
        select(FTS_ROWS.c.rowid, snippet, title).where(
            and_(FTS_TABLE.op("MATCH")(fts5_match(query)), FTS_ROWS.c.rowid.in_(ids))
        )
    )
    return {rowid: text_part or title_part or "" for rowid, text_part, title_part in rows}


def _pg_snippets(conn: Connection, query: SearchQuery, ids: list[int]) -> dict[int, str]:
    options = (
        f"StartSel={MATCH_START}, StopSel={MATCH_END}, MaxWords={SNIPPET_WORDS}, MinWords=12, "
        'MaxFragments=2, FragmentDelimiter=" … "'
    )
    document = func.coalesce(articles.c.text, articles.c.title, "")
    rows = conn.execute(
        select(articles.c.id, func.ts_headline(_ENGLISH, document, tsquery(query), options)).where(
            articles.c.id.in_(ids)
        )
    )
    return {article_id: headline for article_id, headline in rows}


def _story_reach(conn: Connection, story_ids: list[int]) -> dict[int, tuple[int, int]]:
    """(outlets, copies) of each story: distinct sites and stored versions, the original included."""
    story_id = func.coalesce(articles.c.story_id, articles.c.duplicate_of, articles.c.id)
    rows = conn.execute(
        select(story_id, func.count(func.distinct(articles.c.site)), func.count())
        .where(articles.c.story_id.in_(story_ids))
        .group_by(story_id)
    )
    return {story: (outlets, copies) for story, outlets, copies in rows}


def matches_any(dialect: str, queries: Sequence[SearchQuery]) -> ColumnElement[bool]:
    """A WHERE condition on `articles`: the article matches at least one of the queries."""
    if dialect == "sqlite":
        expression = " OR ".join(f"({fts5_match(query)})" for query in queries)
        return articles.c.id.in_(select(FTS_ROWS.c.rowid).where(FTS_TABLE.op("MATCH")(expression)))
    combined = tsquery(queries[0])
    for query in queries[1:]:
        combined = func.tsquery_or(combined, tsquery(query))
    return cast(ColumnElement[bool], _search_vector.op("@@")(combined))
