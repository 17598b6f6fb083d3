"""SQLite's page of search hits: every match ranked, without reading every match's article row.

FTS5 scores every match with bm25 and SQLite sorts them, reading only the FTS5 index; the
article rows (the story each match belongs to) are read for the best matches only, a chunk at
a time, until the page's stories are settled: a story whose best score is above the lowest
score read so far cannot be passed or tied by a match not read yet, so once `offset + limit`
stories score above it, the page is among them. Their dates and the version each is shown by
are then read from all their matching versions, which is what ranking every row in one query
did. Ties at the cut make it read further, and a query that runs out of matches has read them
all, so the page is the same either way.

A filter that keeps few matches is applied as the matches are scored, so only those that pass
are scored; one that keeps most of them (`--relevant-only` in a store of relevant articles) is
applied to the ranked matches as they are read, a chunk at a time, so no match the page never
reaches is looked up (a lookup a match cost more than scoring it). Which one is decided on a
sample of the articles spread over the store (SAMPLE_SIZE). What either reads of a match (its
story, feed, date, relevance) comes from one covering index (SEARCH_FILTER_INDEX, migration
0011), never from the article's row.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Connection,
    and_,
    bindparam,
    case,
    column,
    func,
    literal_column,
    null,
    or_,
    select,
    table,
    true,
)

from crawler.store.article_filter import NO_FILTER, ArticleFilter, conditions
from crawler.store.schema import SEARCH_FILTER_INDEX, article_signals, articles

TITLE_WEIGHT = 4.0  # bm25 column weight of the title against 1.0 for the text
FIRST_CHUNK = 64  # ranked matches whose rows are read first; each further chunk is twice as long
# The filter's share is sampled on SAMPLE_SIZE articles spread over the store; at least
# KEEPS_MOST of them passing means the filter is applied to the ranking as it is read, not to
# every match before it is scored.
SAMPLE_SIZE, KEEPS_MOST = 100, 0.5
_BY_FILTER_INDEX = f"INDEXED BY {SEARCH_FILTER_INDEX}"

# the FTS5 table as a FROM (its rowid) and as the first argument of MATCH, bm25, snippet
FTS_ROWS = table("articles_fts", column("rowid"))
FTS_TABLE: Any = literal_column("articles_fts")
_STORY = func.coalesce(articles.c.story_id, articles.c.duplicate_of, articles.c.id)


@dataclass(frozen=True)
class PageRow:
    """One story of the page: the version it is shown by, and the story's best score."""

    id: int
    story_id: int
    score: float


@dataclass(frozen=True)
class _Version:
    id: int
    story: int
    at: datetime
    own_text: bool
    score: float | None  # None: matches, scored no higher than the cut


def fts5_page(conn: Connection, match: str, chosen: ArticleFilter, limit: int, offset: int) -> list[PageRow]:
    """The stories ranked offset..offset+limit for an FTS5 MATCH expression: best score first,
    then the story's newest matching version, then the larger story id."""
    with contextlib.closing(_RankedMatches(conn, match, chosen)) as ranked:
        best = _settled_stories(conn, ranked, offset + limit)
        if len(best) <= offset:
            return []
        order = list(best)
        boundary = best[order[min(offset + limit, len(order)) - 1]]
        contenders = [story for story in order if best[story] >= boundary]  # their order needs dates
        versions = _matching_versions(conn, ranked, chosen, contenders)
    rows = []
    for story in contenders:
        own = versions[story]
        shown = max(own, key=lambda one: (one.own_text, _known(one.score), one.at, one.id))
        rows.append((best[story], max(one.at for one in own), story, shown.id))
    rows.sort(key=lambda row: (row[0], row[1], row[2]), reverse=True)
    return [PageRow(id=shown, story_id=story, score=score) for score, _, story, shown in rows[offset:]][
        :limit
    ]


def _known(score: float | None) -> float:
    return -math.inf if score is None else score


class _RankedMatches:
    """The bm25 score of every match that passes the filter, best first, read a chunk at a time
    from one FTS5 query (bm25 walks each phrase's whole index once per query, so no score is
    asked for twice). Unfiltered, no article row is read; filtered, each match's entry of the
    filter index is read (for the filter and the story) and only the matches that pass are
    scored."""

    def __init__(self, conn: Connection, match: str, chosen: ArticleFilter) -> None:
        self.match = match
        self._conn = conn
        # a filter that keeps most matches is applied to each chunk read, not to every match
        self._read_filter = chosen if chosen != NO_FILTER and _keeps_most(conn, chosen) else None
        score = (-func.bm25(FTS_TABLE, TITLE_WEIGHT, 1.0)).label("score")
        ranked: Any
        if chosen != NO_FILTER and self._read_filter is None:
            ranked = (
                select(FTS_ROWS.c.rowid, score, _STORY)
                .select_from(FTS_ROWS.join(articles, articles.c.id == FTS_ROWS.c.rowid))
                .where(_matches(match), *_signal_lists(chosen), *conditions(_without_signals(chosen)))
                .with_hint(articles, _BY_FILTER_INDEX, "sqlite")
            )
        else:
            ranked = select(FTS_ROWS.c.rowid, score, null()).where(_matches(match))
        self._result = conn.execute(ranked.order_by(score.desc(), FTS_ROWS.c.rowid.desc()))
        self.scores: dict[int, float] = {}  # of every match read
        self.cut = math.inf  # the lowest score read: no match not read scores higher; -inf once all are read
        self._chunk = FIRST_CHUNK

    def read(self, filtered: bool = True) -> list[tuple[int, float, int | None]]:
        """The next matches: (article, score, story when the filter read the row). Unfiltered
        (read_past), a filter applied as the ranking is read is skipped, so `scores` may then
        hold matches that do not pass: asked only about versions known to pass."""
        # the driver's rows as they are (integers and floats): a Row object each costs more
        rows: list[tuple[int, float, int | None]] = list(self._result.cursor.fetchmany(self._chunk))
        self.cut = rows[-1][1] if len(rows) == self._chunk else -math.inf
        self._chunk *= 2
        if filtered and self._read_filter is not None and rows:
            story_of = _passing_stories(self._conn, [rowid for rowid, _, _ in rows], self._read_filter)
            rows = [(rowid, score, story_of[rowid]) for rowid, score, _ in rows if rowid in story_of]
        self.scores.update((rowid, score) for rowid, score, _ in rows)
        return rows

    def read_past(self, ids: Sequence[int]) -> None:
        """Read on until every one of these matches (each known to pass the filter) is read."""
        while self.cut > -math.inf and not all(one in self.scores for one in ids):
            self.read(filtered=False)

    def close(self) -> None:
        self._result.close()


def _settled_stories(conn: Connection, ranked: _RankedMatches, wanted: int) -> dict[int, float]:
    """{story: best score}, best first, of at least `wanted` stories no unread match can reach
    or tie (fewer when the query has fewer)."""
    best: dict[int, float] = {}  # in the order met, which is best first
    while True:
        rows = ranked.read()
        unknown = [rowid for rowid, _, story in rows if story is None]
        story_of = _passing_stories(conn, unknown, NO_FILTER) if unknown else {}
        for rowid, score, story in rows:
            best.setdefault(story if story is not None else story_of[rowid], score)
        settled = {story: top for story, top in best.items() if top > ranked.cut}
        if len(settled) >= wanted or ranked.cut == -math.inf:
            return settled


def _keeps_most(conn: Connection, chosen: ArticleFilter) -> bool:
    """Whether the filter passes at least KEEPS_MOST of SAMPLE_SIZE articles at ids drawn over
    the store: one lookup of the filter index, where sampling the matches would cost an FTS5
    query a probe. Either way the page is the same; this only picks the cheaper. The ids are
    drawn, not evenly spaced, so a feed or a signal that recurs every N ids is not aliased; the
    seed is the store's size, so the same store always picks the same way."""
    top = conn.scalar(select(func.max(articles.c.id))) or 0
    sampled = sorted(random.Random(top).sample(range(1, top + 1), min(SAMPLE_SIZE, top)))
    ids_json: Any = bindparam("ids", json.dumps(sampled))
    listed: Any = select(literal_column("value")).select_from(func.json_each(ids_json))
    counted = (
        select(func.count(), func.count(case((and_(true(), *conditions(chosen)), 1))))
        .where(articles.c.id.in_(listed))
        .with_hint(articles, _BY_FILTER_INDEX, "sqlite")
    )
    present, passing = conn.execute(counted).one()
    return bool(present) and passing >= KEEPS_MOST * present


def _passing_stories(conn: Connection, ids: Sequence[int], chosen: ArticleFilter) -> dict[int, int]:
    """{article: story} of these articles that pass the filter (every one without a filter).
    The ids go in as one JSON array, not one bound value each: no limit on how many, and no
    statement of thousands of parameters to build."""
    ids_json: Any = bindparam("ids", json.dumps(ids))
    listed: Any = select(literal_column("value")).select_from(func.json_each(ids_json))
    found = conn.execute(
        select(articles.c.id, _STORY)
        .where(articles.c.id.in_(listed), *conditions(chosen))
        .with_hint(articles, _BY_FILTER_INDEX, "sqlite")
    )
    return dict(found.cursor.fetchall())  # the driver's rows as they are, as in _RankedMatches.read


def _signal_lists(chosen: ArticleFilter) -> list[Any]:
    """The filter's signals as lists of the articles that have them, read once from the signals
    index, that each match's id is looked up in (`+rowid`: a test of each match, not an FTS5
    rowid constraint, which would walk the posting lists once per listed article). An EXISTS
    probe a match cost two index seeks a match, the article's and the signal's: `--state` at
    1M articles 28.6 -> 18.3 ms for the ranking alone (bench/search.py)."""
    match_id: Any = literal_column("+articles_fts.rowid")
    return [
        match_id.in_(
            select(article_signals.c.article_id).where(
                article_signals.c.kind == kind.value,
                article_signals.c.value_key.in_(sorted({value.casefold() for value in values})),
            )
        )
        for kind, values in chosen.signal_filters.items()
    ]


def _without_signals(chosen: ArticleFilter) -> ArticleFilter:
    return dataclasses.replace(chosen, agencies=(), actions=(), states=())


def _matches(match: str) -> Any:
    return FTS_TABLE.op("MATCH")(bindparam("match", match))


def _matching_versions(
    conn: Connection, ranked: _RankedMatches, chosen: ArticleFilter, stories: list[int]
) -> dict[int, list[_Version]]:
    """Each story's versions that match and pass the filter. A version not read yet scores no
    higher than the cut; the ranking is read on past it only when it could be the one shown."""
    wanted = set(stories)
    moment = func.coalesce(articles.c.published, articles.c.first_seen)
    own_text = case((articles.c.text.is_(None), False), else_=True)
    rows = conn.execute(
        select(articles.c.id, _STORY, moment, own_text)
        .where(
            or_(
                articles.c.story_id.in_(stories),
                articles.c.duplicate_of.in_(stories),
                articles.c.id.in_(stories),
            )
        )
        .order_by(articles.c.id)
    )
    candidates = [row for row in rows if row[1] in wanted]
    unread = [row[0] for row in candidates if row[0] not in ranked.scores]
    also = _passing(conn, _matching(conn, ranked.match, unread), chosen)
    versions: dict[int, list[_Version]] = {story: [] for story in stories}
    for article_id, story, at, own in candidates:
        if article_id in ranked.scores or article_id in also:
            versions[story].append(_Version(article_id, story, at, bool(own), ranked.scores.get(article_id)))
    cut = ranked.cut
    contested = [
        one.id for own in versions.values() if _needs_scores(own, cut) for one in own if one.score is None
    ]
    if not contested:
        return versions
    ranked.read_past(contested)
    return {
        story: [_Version(one.id, one.story, one.at, one.own_text, ranked.scores.get(one.id)) for one in own]
        for story, own in versions.items()
    }


def _matching(conn: Connection, match: str, ids: list[int]) -> set[int]:
    if not ids:
        return set()
    return set(conn.scalars(select(FTS_ROWS.c.rowid).where(_matches(match), FTS_ROWS.c.rowid.in_(ids))))


def _passing(conn: Connection, ids: set[int], chosen: ArticleFilter) -> set[int]:
    if chosen == NO_FILTER or not ids:
        return ids
    found = select(articles.c.id).where(articles.c.id.in_(ids), *conditions(chosen))
    return set(conn.scalars(found))


def _needs_scores(versions: list[_Version], cut: float) -> bool:
    """Whether an unscored version could be the one shown: it has text of its own when the best
    scored one does not, or the best scored one with text ties the cut. A story with one
    version that has text is shown by it, whatever it scores."""
    own_text = any(one.own_text for one in versions)
    group = [one for one in versions if one.own_text == own_text]
    if len(group) == 1:
        return False
    scored = [one.score for one in group if one.score is not None]
    return any(one.score is None for one in group) and (not scored or max(scored) <= cut)
