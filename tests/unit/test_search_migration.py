"""A database stored before full-text search and signal rows existed is migrated and searchable."""

from __future__ import annotations

import hashlib

from sqlalchemy import insert, update

from crawler.core.search_syntax import parse_query
from crawler.store import ArticleFilter, Store, migrate
from crawler.store.engine import make_engine, write_transaction
from crawler.store.schema import SEARCH_FILTER_COLUMNS, SEARCH_FILTER_INDEX, articles
from tests.support.database import query
from tests.support.dates import ago

BODY = "Agents carried out a workplace raid in Canton on Thursday; 80 workers were detained."
SIGNALS = {
    "agencies": ["ICE"],
    "actions": ["raid"],
    "states": ["MS"],
    "cities": ["Canton, MS"],
    "counts": [
        {"number": 80, "qualifier": None, "outcome": "detained", "phrase": "80 workers were detained"}
    ],
    "event_date": ago(days=3).date().isoformat(),
}


def stored_before_search(database_url: str) -> None:
    """A database at revision 0002 holding one relevant article, written as that version wrote it."""
    engine = make_engine(database_url)
    migrate.upgrade(engine, "0002")
    moment = ago(days=1)
    with write_transaction(engine) as conn:
        conn.execute(
            insert(articles).values(
                url="https://example.org/raid",
                canonical_url="https://example.org/raid",
                source="valley",
                site="example.org",
                title="Workplace raids in Canton",
                text=BODY,
                authors=[],
                relevance=0.9,
                relevant=True,
                matched_terms=["raid"],
                signals=SIGNALS,
                content_hash=hashlib.sha256(BODY.encode()).hexdigest(),
                text_length=len(BODY),
                first_seen=moment,
                fetched_at=moment,
            )
        )
    engine.dispose()
    migrate._UPGRADED.clear()


def test_existing_articles_are_indexed_and_their_signals_become_rows(database_url: str):
    stored_before_search(database_url)
    with Store.opened(database_url) as store:
        assert migrate.stored_revision(store.engine) == migrate.HEAD_REVISION
        assert [hit.title for hit in store.search(parse_query("raid"))] == ["Workplace raids in Canton"]
        assert store.search(parse_query("raid"), ArticleFilter(states=("ms",), agencies=("ICE",)))
        assert store.search(parse_query("raid"), ArticleFilter(states=("TX",))) == []
    rows = query(
        database_url,
        "SELECT kind, value, amount, evidence FROM article_signals ORDER BY kind, value",
    )
    assert rows == [
        ("action", "raid", None, None),
        ("agency", "ICE", None, None),
        ("city", "Canton, MS", None, None),
        ("count", "detained", 80, "80 workers were detained"),
        ("event_date", SIGNALS["event_date"], None, None),
        ("state", "MS", None, None),
    ]


def test_the_search_filter_index_is_built_for_a_store_that_has_articles(sqlite_url: str):
    engine = make_engine(sqlite_url)
    migrate.upgrade(engine, "0010")
    moment = ago(days=1)
    with write_transaction(engine) as conn:
        for index, source in enumerate(("valley", "hill")):
            conn.execute(
                insert(articles).values(
                    url=f"https://example.org/raid{index}",
                    canonical_url=f"https://example.org/raid{index}",
                    source=source,
                    site="example.org",
                    title=f"Workplace raids {index}",
                    text=BODY,
                    authors=[],
                    relevance=0.9,
                    relevant=True,
                    matched_terms=["raid"],
                    content_hash=f"h{index}",
                    text_length=len(BODY),
                    first_seen=moment,
                    fetched_at=moment,
                )
            )
        conn.execute(update(articles).values(story_id=articles.c.id))  # each its own story, as stored
    engine.dispose()
    migrate._UPGRADED.clear()
    with Store.opened(sqlite_url) as store:
        assert migrate.stored_revision(store.engine) == migrate.HEAD_REVISION
        hits = store.search(parse_query("raid"), ArticleFilter(sources=("hill",), since=ago(days=2)))
        assert [hit.title for hit in hits] == ["Workplace raids 1"]
    columns = query(sqlite_url, f"SELECT name FROM pragma_index_info('{SEARCH_FILTER_INDEX}') ORDER BY seqno")
    assert tuple(name for (name,) in columns) == SEARCH_FILTER_COLUMNS
    # every entry is in it (an index built over existing rows, not only new ones)
    assert query(sqlite_url, f"SELECT count(*) FROM articles INDEXED BY {SEARCH_FILTER_INDEX}") == [(2,)]
