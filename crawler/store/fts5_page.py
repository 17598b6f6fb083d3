"""SQLite's page of search hits: every match ranked, without reading every match's article row.

FTS5 scores every match with bm25 and sorts them itself, reading only its own index. The
article rows (the story each match belongs to, the filters) are read for the best matches
only, a chunk at a time, until the page's stories are settled: a story whose best score is
above the lowest score read so far cannot be passed or tied by a match not read yet, so once
`offset + limit` stories score above it, the page is among them. Their dates and the version
each is shown by are then read from all their matching versions, which is what ranking every
row in one query did. Ties at the cut make it read further, and a query that runs out of
matches has read them all, so the page is the same either way.

A filter that keeps few of the matches read (one feed, one state) would make it read almost
every row in chunks; then it gives up (returns None) and the caller ranks every match in one
query, where SQLite can start from the filter's index instead.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, case, column, func, literal_column, or_, select, table

from crawler.store.article_filter import ArticleFilter, conditions
from crawler.store.schema import articles

TITLE_WEIGHT = 4.0  # bm25 column weight of the title against 1.0 for the text
FIRST_CHUNK = 64  # ranked matches whose rows are read first; each further chunk is twice as long
# Give up on a filter that keeps fewer than this share of the matches read, once this many are read
FEW_KEPT, JUDGED_AFTER = 0.25, 2 * FIRST_CHUNK

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


def fts5_page(
    conn: Connection, match: str, chosen: ArticleFilter, limit: int, offset: int
) -> list[PageRow] | None:
    """The stories ranked offset..offset+limit for an FTS5 MATCH expression: best score first,
    then the story's newest matching version, then the larger story id. None: the filter keeps
    too few matches for this way to pay."""
    settled = _settled_stories(conn, match, chosen, offset + limit)
    if settled is None:
        return None
    best, scores, cut = settled
    if len(best) <= offset:
        return []
    ranked = list(best)
    boundary = best[ranked[min(offset + limit, len(ranked)) - 1]]
    contenders = [story for story in ranked if best[story] >= boundary]  # their order needs dates
    versions = _matching_versions(conn, match, chosen, contenders, scores, cut)
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


def _settled_stories(
    conn: Connection, match: str, chosen: ArticleFilter, wanted: int
) -> tuple[dict[int, float], dict[int, float], float] | None:
    """({story: best score} best first, for every story no unread match can reach; {article:
    score} of the matches read that pass the filter; the lowest score read, -inf when all were).
    None when the filter keeps too few of the matches read."""
    score = (-func.bm25(FTS_TABLE, TITLE_WEIGHT, 1.0)).label("score")
    ranked = conn.execute(
        select(FTS_ROWS.c.rowid, score).where(_matches(match)).order_by(score.desc(), FTS_ROWS.c.rowid.desc())
    )
    best: dict[int, float] = {}  # in the order met, which is best first
    scores: dict[int, float] = {}
    chunk, cut, read = FIRST_CHUNK, math.inf, 0
    try:
        while True:
            rows = ranked.fetchmany(chunk)
            read += len(rows)
            cut = rows[-1].score if len(rows) == chunk else -math.inf
            story_of = _stories(conn, [row.rowid for row in rows], chosen)
            for row in rows:
                if row.rowid in story_of:
                    scores[row.rowid] = row.score
                    best.setdefault(story_of[row.rowid], row.score)
            settled = {story: top for story, top in best.items() if top > cut}
            if len(settled) >= wanted or cut == -math.inf:
                return settled, scores, cut
            if read >= JUDGED_AFTER and len(scores) < FEW_KEPT * read:
                return None
            chunk *= 2
    finally:
        ranked.close()


def _matches(match: str) -> Any:
    return FTS_TABLE.op("MATCH")(bindparam("match", match))


def _stories(conn: Connection, ids: Sequence[int], chosen: ArticleFilter) -> dict[int, int]:
    """{article: story} of the articles among `ids` that pass the filter."""
    if not ids:
        return {}
    found = conn.execute(select(articles.c.id, _STORY).where(articles.c.id.in_(ids), *conditions(chosen)))
    return {article_id: story for article_id, story in found}


def _matching_versions(
    conn: Connection,
    match: str,
    chosen: ArticleFilter,
    stories: list[int],
    scores: dict[int, float],
    cut: float,
) -> dict[int, list[_Version]]:
    """Each story's versions that match and pass the filter. A version not read while ranking
    scores no higher than the cut; it is scored only when it could be the one shown."""
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
            ),
            *conditions(chosen),
        )
        .order_by(articles.c.id)
    )
    candidates = [row for row in rows if row[1] in wanted]
    unread = [row[0] for row in candidates if row[0] not in scores]
    also = (
        set(conn.scalars(select(FTS_ROWS.c.rowid).where(_matches(match), FTS_ROWS.c.rowid.in_(unread))))
        if unread
        else set()
    )
    versions: dict[int, list[_Version]] = {story: [] for story in stories}
    for article_id, story, at, own in candidates:
        if article_id in scores or article_id in also:
            versions[story].append(_Version(article_id, story, at, bool(own), scores.get(article_id)))
    contested = [
        one.id for own in versions.values() if _needs_scores(own, cut) for one in own if one.score is None
    ]
    if contested:
        rescored = _scores(conn, match, contested)
        for story, own in versions.items():
            versions[story] = [
                _Version(one.id, one.story, one.at, one.own_text, rescored.get(one.id, one.score))
                for one in own
            ]
    return versions


def _needs_scores(versions: list[_Version], cut: float) -> bool:
    """Whether an unscored version could be the one shown: it has text of its own when the best
    scored one does not, or the best scored one with text ties the cut."""
    own_text = any(one.own_text for one in versions)
    group = [one for one in versions if one.own_text == own_text]
    scored = [one.score for one in group if one.score is not None]
    return any(one.score is None for one in group) and (not scored or max(scored) <= cut)


def _scores(conn: Connection, match: str, ids: list[int]) -> dict[int, float]:
    score = -func.bm25(FTS_TABLE, TITLE_WEIGHT, 1.0)
    found = conn.execute(select(FTS_ROWS.c.rowid, score).where(_matches(match), FTS_ROWS.c.rowid.in_(ids)))
    return {article_id: value for article_id, value in found}
