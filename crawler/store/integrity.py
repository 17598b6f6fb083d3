"""Whether a store is whole: the engine's own page check and the invariants the store API keeps.

Every check only reads. Each returns a :class:`Finding`; a store is sound when all of them pass.
The invariants are ones no sequence of store calls can break, so a failure means damage (a
disk error, a hand edit, a bug), never a cycle in progress.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, Select, and_, exists, func, or_, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import aliased

from crawler.store.engine import read_transaction
from crawler.store.migrate import HEAD_REVISION, stored_revision
from crawler.store.schema import articles, feeds, metadata, runs, urls

# How many offending rows a finding names; the count covers all of them.
EXAMPLES = 5


@dataclass(frozen=True)
class Finding:
    """One check's verdict: what was checked, whether it passed, and what it found."""

    check: str
    ok: bool
    detail: str


def check_store(engine: Engine, quick: bool = False) -> list[Finding]:
    """Every check, in order; ``quick`` uses SQLite's quick_check (no index-to-table comparison)."""
    try:
        with read_transaction(engine) as conn:
            findings = [_pages(conn, quick), _revision(engine)]
            if not findings[0].ok:
                return findings  # a damaged file answers the other queries with garbage or errors
            findings += [check(conn) for check in ROW_CHECKS]
            findings += _full_text_indexes(conn)
    except DBAPIError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        return [Finding("readable", False, f"the database cannot be read: {reason}")]
    return findings


def _pages(conn: Connection, quick: bool) -> Finding:
    if conn.dialect.name != "sqlite":
        counted = [conn.scalar(select(func.count()).select_from(table)) for table in metadata.sorted_tables]
        return Finding(
            "tables readable",
            True,
            f"every table reads to its end ({sum(n or 0 for n in counted)} rows); "
            "PostgreSQL checks its own pages (data checksums)",
        )
    pragma = "quick_check" if quick else "integrity_check"
    messages = [row[0] for row in conn.exec_driver_sql(f"PRAGMA {pragma}")]
    if messages == ["ok"]:
        return Finding(pragma, True, "every page and index is consistent")
    return Finding(pragma, False, f"{len(messages)} problems, first: {messages[0]}")


def _foreign_keys(conn: Connection) -> Finding:
    if conn.dialect.name != "sqlite":
        return Finding("foreign keys", True, "PostgreSQL enforces them on every write")
    broken = list(conn.exec_driver_sql("PRAGMA foreign_key_check"))
    if not broken:
        return Finding("foreign keys", True, "every reference finds its row")
    tables = sorted({row[0] for row in broken})
    return Finding("foreign keys", False, f"{len(broken)} rows refer to missing rows, in {', '.join(tables)}")


def _revision(engine: Engine) -> Finding:
    revision = stored_revision(engine)
    if revision == HEAD_REVISION:
        return Finding("schema revision", True, f"{revision}, the newest this newswatch knows")
    if revision is None:
        return Finding("schema revision", False, "no revision recorded: not a newswatch schema")
    return Finding(
        "schema revision",
        False,
        f"{revision}, this newswatch knows {HEAD_REVISION} (any other command migrates an older one)",
    )


def _originals_present(conn: Connection) -> Finding:
    original = aliased(articles)
    missing = (
        select(articles.c.id)
        .where(articles.c.duplicate_of.is_not(None))
        .where(~exists().where(original.c.id == articles.c.duplicate_of))
    )
    return _rows_finding(conn, "copies have their original", missing, "copies point at a missing original")


def _texts_present(conn: Connection) -> Finding:
    # An exact copy's text lives on its original; an article that is nobody's copy must hold its own.
    textless = select(articles.c.id).where(and_(articles.c.text.is_(None), articles.c.duplicate_of.is_(None)))
    return _rows_finding(conn, "originals have their text", textless, "originals have no text")


def _url_links_present(conn: Connection) -> Finding:
    dangling = (
        select(urls.c.canonical_url)
        .where(urls.c.status == "stored")
        .where(or_(urls.c.article_id.is_(None), ~exists().where(articles.c.id == urls.c.article_id)))
    )
    return _rows_finding(conn, "stored URLs have their article", dangling, "stored URLs point at no article")


def _no_stuck_pending(conn: Connection) -> Finding:
    """A pending URL of a retired or vanished feed that a cycle finished since has left alone."""
    feed_gone = ~exists().where(and_(feeds.c.id == urls.c.feed_id, feeds.c.retired_at.is_(None)))
    later_cycle = exists().where(
        and_(
            runs.c.status == "finished",
            runs.c.started_at > urls.c.updated_at,
            ~exists().where(and_(feeds.c.id == urls.c.feed_id, feeds.c.retired_at >= runs.c.started_at)),
        )
    )
    stuck = select(urls.c.canonical_url).where(urls.c.status == "pending").where(feed_gone).where(later_cycle)
    return _rows_finding(
        conn,
        "no URL stuck pending",
        stuck,
        "pending URLs of retired or removed feeds were left by a later cycle",
    )


def _rows_finding(conn: Connection, check: str, offending: Select[Any], problem: str) -> Finding:
    """Passes when ``offending`` (a one-column SELECT of the bad rows' keys) finds nothing."""
    total = conn.scalar(select(func.count()).select_from(offending.subquery())) or 0
    if not total:
        return Finding(check, True, "none found")
    shown = ", ".join(str(key) for key in conn.scalars(offending.limit(EXAMPLES)))
    return Finding(check, False, f"{total} {problem}: {shown}{', …' if total > EXAMPLES else ''}")


def _full_text_indexes(conn: Connection) -> list[Finding]:
    """SQLite FTS5 tables check themselves against their content ('integrity-check' command)."""
    if conn.dialect.name != "sqlite":
        return []
    names = conn.exec_driver_sql(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%USING fts5%'"
    ).scalars()
    findings = []
    for name in names:
        try:
            conn.exec_driver_sql(f'INSERT INTO "{name}"("{name}") VALUES (\'integrity-check\')')
        except DBAPIError as exc:
            findings.append(Finding(f"full-text index {name}", False, str(exc.orig).splitlines()[0]))
        else:
            findings.append(Finding(f"full-text index {name}", True, "matches its content"))
    return findings


ROW_CHECKS: Sequence[Callable[[Connection], Finding]] = (
    _foreign_keys,
    _originals_present,
    _texts_present,
    _url_links_present,
    _no_stuck_pending,
)
