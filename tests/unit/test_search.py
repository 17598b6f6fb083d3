"""Full-text search on a real SQLite file (FTS5) and the real PostgreSQL server (tsvector + GIN)."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import insert, update

from crawler.core.search_syntax import SearchSyntaxError, parse_query
from crawler.dedup.versions import compare_versions
from crawler.store import ArticleFilter, Store
from crawler.store.engine import write_transaction
from crawler.store.full_text import MATCH_END, MATCH_START
from crawler.store.schema import articles
from tests.support.dates import ago
from tests.support.records import record

RAID = (
    "Federal immigration agents carried out a workplace raid at a meatpacking plant on Thursday. "
    "ICE said 80 workers were detained."
)
ADVICE = "Afraid of being alone after a breakup? Our columnist has advice for readers who are afraid."
CULTURE = "An Icelandic film festival opens downtown with a week of premieres and concerts."
SWEEP = "Border Patrol agents conducted a sweep along the highway; raids were reported near the river."


@pytest.fixture
def store(database_url: str):
    opened = Store.open(database_url)
    yield opened
    opened.close()


def save(store: Store, slug: str, body: str, **changes) -> int:
    changes.setdefault("published", ago(days=2))
    changes.setdefault("fetched_at", ago(days=1))
    changes.setdefault("content_hash", hashlib.sha256(body.encode()).hexdigest())
    outcome = store.save_article(record(f"https://{slug}.example/story", body, **changes))
    assert outcome.article_id is not None
    return outcome.article_id


def titles(store: Store, query: str, **filters) -> list[str | None]:
    return [hit.title for hit in store.search(parse_query(query), ArticleFilter(**filters))]


@pytest.fixture
def stocked(store: Store) -> Store:
    save(store, "raid", RAID, title="ICE raids meatpacking plant")
    save(store, "advice", ADVICE, title="Breakup advice")
    save(store, "culture", CULTURE, title="Festival preview")
    save(store, "sweep", SWEEP, title="Highway sweep")
    return store


def test_a_word_matches_words_not_letters(stocked: Store):
    # "ICE raid" must not find "Icelandic" or "advice"/"afraid", the letters-not-words failure
    assert titles(stocked, "ICE raid") == ["ICE raids meatpacking plant"]
    assert "Breakup advice" not in titles(stocked, "raid")
    assert titles(stocked, "afraid") == ["Breakup advice"]


def test_stemming_finds_other_forms_of_a_word(stocked: Store):
    assert set(titles(stocked, "raid")) == {"ICE raids meatpacking plant", "Highway sweep"}
    assert set(titles(stocked, "raided")) == {"ICE raids meatpacking plant", "Highway sweep"}
    assert titles(stocked, "detain") == ["ICE raids meatpacking plant"]


def test_a_phrase_needs_its_words_together_and_in_order(stocked: Store):
    save(stocked, "apart", "The raid came weeks after a workplace inspection.", title="Apart")
    assert titles(stocked, '"workplace raid"') == ["ICE raids meatpacking plant"]
    assert titles(stocked, '"raid workplace"') == []


def test_or_takes_either_and_minus_excludes(stocked: Store):
    assert set(titles(stocked, "meatpacking OR festival")) == {
        "ICE raids meatpacking plant",
        "Festival preview",
    }
    assert titles(stocked, "raid -meatpacking") == ["Highway sweep"]
    assert titles(stocked, 'raid -"Border Patrol"') == ["ICE raids meatpacking plant"]


def test_more_relevant_first_and_newest_first_among_equals(store: Store):
    once = "The county board met on Tuesday. Among many items, a raid was mentioned briefly. " * 3
    save(store, "once", once, title="County board", published=ago(days=1))
    save(store, "title", RAID, title="Raid at the plant", published=ago(days=9))
    # identical text and title (distinct hashes, so not linked as copies): only the date differs
    save(store, "older", SWEEP, title="Sweep", content_hash="older", published=ago(days=5))
    save(store, "newer", SWEEP, title="Sweep", content_hash="newer", published=ago(days=3))
    hits = store.search(parse_query("raid"))
    assert hits[0].title == "Raid at the plant"  # in the title and the text beats once in a long text
    sweeps = [hit for hit in hits if hit.title == "Sweep"]
    assert [hit.site for hit in sweeps] == ["example.org", "example.org"]
    assert sweeps[0].published > sweeps[1].published
    assert [hit.score for hit in hits] == sorted((hit.score for hit in hits), reverse=True)


def test_copies_of_a_story_are_one_hit_with_their_outlet_count(store: Store):
    original = save(store, "wire", RAID, title="ICE raids meatpacking plant", site="wire.example")
    for outlet in ("one", "two"):
        save(store, outlet, RAID, title="ICE raids meatpacking plant", site=f"{outlet}.example")
    save(store, "again", RAID, title="ICE raids meatpacking plant", site="one.example", source="second-feed")
    [hit] = store.search(parse_query("meatpacking raid"))
    assert hit.story_id == original
    assert (hit.outlets, hit.copies) == (3, 4)


def test_snippet_marks_the_matched_words(stocked: Store):
    [hit] = stocked.search(parse_query("meatpacking"))
    assert f"{MATCH_START}meatpacking{MATCH_END}" in hit.snippet


def test_index_follows_an_edit_found_by_a_recheck(store: Store):
    article_id = save(store, "edit", RAID, title="ICE raids meatpacking plant")
    edited = RAID.replace("meatpacking plant", "poultry processor")
    found = store.record_recheck(
        article_id,
        "ICE raids poultry processor",
        edited,
        "h-edited",
        ago(),
        None,
        lambda title, text: compare_versions(title, text, "ICE raids poultry processor", edited),
    )
    assert found is not None
    assert titles(store, "poultry") == ["ICE raids poultry processor"]
    assert titles(store, "meatpacking") == []


@pytest.mark.parametrize("keeps_most", [2.0, 0.0], ids=["filter-before-scoring", "filter-as-read"])
def test_filters_are_the_exports(store: Store, keeps_most: float, monkeypatch):
    from crawler.store import fts5_page

    monkeypatch.setattr(fts5_page, "KEEPS_MOST", keeps_most)  # SQLite's two ways to apply a filter
    save(
        store,
        "ms",
        RAID,
        title="Mississippi",
        signals={"agencies": ["ICE"], "actions": ["raid"], "states": ["MS"]},
        fetched_at=ago(days=1),
    )
    save(
        store,
        "tx",
        SWEEP,
        title="Texas",
        source="border-feed",
        signals={"agencies": ["Border Patrol"], "actions": ["raid"], "states": ["TX"]},
        fetched_at=ago(days=10),
    )
    save(store, "off", SWEEP + " Off topic.", title="Irrelevant", relevant=False, relevance=0.1)
    assert titles(store, "agents", agencies=("ice",)) == ["Mississippi"]
    assert set(titles(store, "agents", states=("MS", "TX"), actions=("RAID",))) == {"Mississippi", "Texas"}
    assert titles(store, "agents", states=("MS",), agencies=("Border Patrol",)) == []  # all kinds must match
    assert titles(store, "agents", states=("tx",), sources=("border-feed",)) == ["Texas"]
    assert titles(store, "agents", sources=("border-feed",)) == ["Texas"]
    assert set(titles(store, "agents", since=ago(days=5))) == {"Mississippi", "Irrelevant"}
    assert "Irrelevant" not in titles(store, "agents", relevant_only=True)


def test_paging_continues_where_the_first_page_stopped(store: Store):
    for index in range(5):
        save(store, f"p{index}", f"{SWEEP} Item {index}.", title=f"Sweep {index}", published=ago(days=index))
    first = store.search(parse_query("sweep"), limit=3)
    second = store.search(parse_query("sweep"), limit=3, offset=3)
    assert len(first) == 3 and len(second) == 2
    assert {hit.title for hit in first}.isdisjoint(hit.title for hit in second)


@pytest.mark.parametrize("query", ["-raid", "raid OR", "OR raid", '"workplace raid', "raid OR -sweep"])
def test_queries_that_cannot_mean_what_was_typed_are_refused(query: str):
    with pytest.raises(SearchSyntaxError):
        parse_query(query)


def test_dates_in_hits_are_aware(stocked: Store):
    [hit] = stocked.search(parse_query("meatpacking"))
    assert hit.published is not None and hit.published.utcoffset() == timedelta(0)


NEWER_MATCHES = 2_100  # more than the 2,000 newest matches search once ranked without a filter


def store_newer_matches(store: Store, count: int) -> None:
    """`count` articles that mention a raid once in a long text, stored after everything else
    (in one transaction, as the bench fills its stores: the index is kept by the same triggers
    or generated column)."""
    filler = " The county board met on Tuesday and discussed the budget for the coming year." * 6
    moment = ago(hours=1)
    rows = [
        {
            "url": f"https://board{index}.example/minutes",
            "canonical_url": f"https://board{index}.example/minutes",
            "source": "valley",
            "site": f"board{index}.example",
            "title": f"Board minutes {index}",
            "text": f"Minutes {index}: a raid was mentioned.{filler}",
            "authors": [],
            "published": moment,
            "relevance": 0.9,
            "relevant": True,
            "matched_terms": [],
            "content_hash": f"minutes-{index}",
            "text_length": 600,
            "first_seen": moment,
            "fetched_at": moment,
        }
        for index in range(count)
    ]
    with write_transaction(store.engine) as conn:
        conn.execute(insert(articles), rows)
        conn.execute(update(articles).where(articles.c.story_id.is_(None)).values(story_id=articles.c.id))


def test_an_old_best_match_is_found_behind_thousands_of_newer_ones(store: Store):
    best = save(
        store,
        "best",
        "raid raid raid at the plant",
        title="Raid raid",
        published=ago(days=401),
        fetched_at=ago(days=400),
    )
    store_newer_matches(store, NEWER_MATCHES)
    for chosen in (
        ArticleFilter(),
        ArticleFilter(sources=("valley",)),
        ArticleFilter(since=ago(days=500)),
        ArticleFilter(relevant_only=True),
    ):
        hits = store.search(parse_query("raid"), chosen, limit=5)
        assert hits[0].article_id == best, chosen
        assert len(hits) == 5
    # every match is ranked: the last page ends with the last of the 2,101 stories
    assert len(store.search(parse_query("raid"), limit=20, offset=NEWER_MATCHES - 19)) == 20
    assert store.search(parse_query("raid"), limit=20, offset=NEWER_MATCHES + 1) == []


def join_story(store: Store, article_id: int, story: int) -> None:
    """Link a version with text of its own into a story, as near-duplicate matching does."""
    with write_transaction(store.engine) as conn:
        conn.execute(
            update(articles).where(articles.c.id == article_id).values(duplicate_of=story, story_id=story)
        )


def test_sqlite_pages_read_chunk_by_chunk_are_the_pages_of_all_matches(sqlite_url: str, monkeypatch):
    from crawler.store import fts5_page

    filler = " The county board met on Tuesday and discussed the budget for the coming year."
    with Store.opened(sqlite_url) as store:
        for index in range(40):  # most articles do not match, as in a real store (bm25's idf > 0)
            save(store, f"board{index}", f"Board meeting {index}." + filler * 4, title=f"Board {index}")
        for index in range(4):  # the best texts
            source = "wire" if index % 2 else "valley"
            body = f"{SWEEP} Item {index} of the raid." + filler[: 20 * index]
            save(store, f"p{index}", body, title=f"Raid item {index}", source=source)
        # a story whose best version is an exact copy (no text; its headline scores above most
        # texts), shown by its best-scoring version with text, published before the other one
        plant = save(store, "plant", RAID, title="Plant news", published=ago(days=6))
        save(store, "copy", RAID, title="Raid raid raid", site="copy.example", published=ago(days=2))
        rewrite = save(store, "rewrite", RAID + " The raid ended.", title="Plant", published=ago(days=7))
        join_story(store, rewrite, plant)
        # equal scores, so dates decide: the one stored last is the oldest, and the first stored
        # ranks first by its version that scores lowest of all
        updated = save(store, "updated", SWEEP, title="Sweep", content_hash="updated", published=ago(days=5))
        newer = save(
            store, "newer", SWEEP, title="Sweep", content_hash="newer", published=ago(days=3), source="wire"
        )
        oldest = save(
            store, "oldest", SWEEP, title="Sweep", content_hash="o", published=ago(days=8), source="wire"
        )
        for index in range(6):
            body = f"Minutes {index}: a raid was mentioned." + filler * (2 + index % 3)
            save(store, f"minutes{index}", body, title=f"Minutes {index}")
        update = save(
            store, "update", SWEEP + filler * 9, title="Update", content_hash="u", published=ago(days=1)
        )
        join_story(store, update, updated)
        query = parse_query("raid")

        def hits(chosen: ArticleFilter, limit: int, offset: int = 0) -> list[tuple[int, int, float]]:
            return [
                (hit.story_id, hit.article_id, hit.score)
                for hit in store.search(query, chosen, limit, offset)
            ]

        monkeypatch.setattr(fts5_page, "FIRST_CHUNK", 1000)  # one read: every match scored
        everything = hits(ArticleFilter(), 100)
        assert (plant, rewrite) in [(story, shown) for story, shown, _ in everything]
        sweeps = [story for story, _, _ in everything if story in (updated, newer, oldest)]
        assert sweeps == [updated, newer, oldest]
        filters = [ArticleFilter(), ArticleFilter(sources=("valley",)), ArticleFilter(sources=("wire",))]
        # each filter both ways: applied before scoring (never "keeps most") and to the ranking
        # as it is read (always), the same pages
        for keeps_most in (2.0, 0.0):
            monkeypatch.setattr(fts5_page, "KEEPS_MOST", keeps_most)
            for chosen, stories in zip(filters, (14, 10, 4), strict=True):
                monkeypatch.setattr(fts5_page, "FIRST_CHUNK", 1000)
                everything = hits(chosen, 100)
                assert len(everything) == stories
                for first_chunk in (1, 2, 3):
                    monkeypatch.setattr(fts5_page, "FIRST_CHUNK", first_chunk)  # then twice as many...
                    pages = [hit for offset in range(stories) for hit in hits(chosen, 1, offset)]
                    assert pages == everything, (keeps_most, chosen, first_chunk)
