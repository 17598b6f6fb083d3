"""Keeping ``duplicate_of`` and ``story_id`` right as copies arrive in any order (one transaction each).

Every copy points straight at its original (never at another copy), and every article of a
story carries the story's id. When a new article is a copy of several stored originals they
were one text all along (a cut copy and a copy missing its top of the same wire story): they
become one set under the original that ``crawler.dedup.stories.original_of`` chooses, and the
new article may itself be that original (published earlier than any stored copy). Former
originals keep their rows in the near-duplicate index, so a later copy that resembles one of
them still finds the set; ``roots`` maps whatever the index returns to the current original.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, func, or_, select, update

from crawler.core.urls import site_of
from crawler.dedup.stories import Copy, Version
from crawler.store.schema import articles, urls


def roots(conn: Connection, article_ids: Iterable[int]) -> list[int]:
    """The current originals of the given articles, in first-given order, each once."""
    ids = list(dict.fromkeys(article_ids))
    if not ids:
        return []
    parent = {
        row.id: row.duplicate_of or row.id
        for row in conn.execute(select(articles.c.id, articles.c.duplicate_of).where(articles.c.id.in_(ids)))
    }
    return list(dict.fromkeys(parent[i] for i in ids if i in parent))


def copies_of(conn: Connection, article_ids: list[int]) -> list[Copy]:
    """What choosing an original reads of stored articles."""
    rows = conn.execute(
        select(
            articles.c.id,
            articles.c.site,
            articles.c.published,
            articles.c.first_seen,
            articles.c.page_canonical_url,
        ).where(articles.c.id.in_(article_ids))
    )
    return [
        Copy(row.id, row.site, row.published, row.first_seen, cited_site(row.page_canonical_url, row.site))
        for row in rows
    ]


def cited_site(page_canonical_url: str | None, site: str) -> str | None:
    """The site a page names as its canonical home, when that is another site."""
    cited = site_of(page_canonical_url) if page_canonical_url else ""
    return cited if cited and cited != site else None


def versions_of(conn: Connection, article_ids: list[int]) -> dict[int, Version]:
    """What the story rule reads of stored articles (a copy without text of its own reads its original's)."""
    original = articles.alias("original")
    rows = conn.execute(
        select(
            articles.c.id,
            articles.c.title,
            func.coalesce(articles.c.text, original.c.text).label("text"),
            articles.c.published,
            articles.c.first_seen,
        )
        .select_from(articles.outerjoin(original, articles.c.duplicate_of == original.c.id))
        .where(articles.c.id.in_(article_ids))
    )
    return {row.id: Version(row.title, row.text or "", row.published, row.first_seen) for row in rows}


def stories_of(conn: Connection, article_ids: list[int]) -> list[int]:
    """The story ids of the given articles, each once, smallest first."""
    if not article_ids:
        return []
    rows = conn.execute(
        select(func.coalesce(articles.c.story_id, articles.c.id)).where(articles.c.id.in_(article_ids))
    )
    return sorted(set(rows.scalars()))


def repoint(conn: Connection, old_original: int, new_original: int) -> None:
    """Make ``old_original`` and its copies copies of ``new_original``.

    An exact copy stored without text reads its original's; it gets that text first, since
    its original is about to become a copy of another text.
    """
    text = conn.scalar(select(articles.c.text).where(articles.c.id == old_original))
    conn.execute(
        update(articles)
        .where(articles.c.duplicate_of == old_original, articles.c.text.is_(None))
        .values(text=text)
    )
    conn.execute(
        update(articles)
        .where(or_(articles.c.duplicate_of == old_original, articles.c.id == old_original))
        .values(duplicate_of=new_original)
    )
    conn.execute(update(articles).where(articles.c.id == old_original).values(original_basis=None))
    conn.execute(
        update(urls)
        .where(urls.c.article_id == old_original, urls.c.status == "stored")
        .values(status="duplicate")
    )


def join_stories(conn: Connection, story_ids: list[int], article_id: int) -> int:
    """Put ``article_id`` and every article of ``story_ids`` into one story (the smallest id); return it."""
    story = min(story_ids) if story_ids else article_id
    members: list[Any] = [articles.c.story_id.in_(story_ids)] if story_ids else []
    conn.execute(update(articles).where(or_(articles.c.id == article_id, *members)).values(story_id=story))
    return story
