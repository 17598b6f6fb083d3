"""The near-duplicate index in the database: LSH band keys and signatures of original articles.

Two tables on the store's ``metadata``, identical on SQLite and PostgreSQL:

* ``article_bands(band_key, article_id)``: one row per band of each original article. The
  primary key is the lookup index, and on SQLite the table *is* that index (WITHOUT ROWID),
  so a band costs one B-tree entry. A lookup is one bounded range scan per band of the new
  text: its cost grows with the logarithm of the store, never with a scan of it.
* ``article_signatures(article_id, signature, shingle_count)``: what verification needs, so a
  candidate is judged without reading or re-shingling its text.

Only originals are indexed (the caller adds a signature when it stores an article that
is not a duplicate): a copy links to the first-seen record, so copies of copies find it too,
and ``candidates`` never returns a copy. No foreign key ties these rows to ``articles``:
cascading a delete would need a second index over every band row; ``remove_signature``
deletes exactly the rows an article owns instead.
"""

from __future__ import annotations

import functools
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Integer,
    LargeBinary,
    Table,
    bindparam,
    delete,
    select,
    tuple_,
    union_all,
)
from sqlalchemy.sql.selectable import CompoundSelect

from crawler.dedup.minhash import (
    DEFAULT_SCHEME,
    DEFAULT_THRESHOLDS,
    MinHashSignature,
    Scheme,
    Thresholds,
    containment,
    similarity,
)
from crawler.store.schema import metadata

CANDIDATE_LIMIT = 20  # verified per lookup; true originals share the most bands and rank first
POSTINGS_PER_KEY = 50  # newest articles read per band key: bounds a key that boilerplate made common

article_bands = Table(
    "article_bands",
    metadata,
    Column("band_key", BigInteger, primary_key=True, autoincrement=False),
    Column("article_id", Integer, primary_key=True, autoincrement=False),
    sqlite_with_rowid=False,
)

article_signatures = Table(
    "article_signatures",
    metadata,
    Column("article_id", Integer, primary_key=True, autoincrement=False),
    Column("signature", LargeBinary, nullable=False),  # MinHashSignature.to_bytes()
    Column("shingle_count", Integer, nullable=False),
)


@dataclass(frozen=True)
class Match:
    """A stored original that a new text is a near-duplicate of."""

    article_id: int
    similarity: float  # estimated Jaccard
    containment: float  # estimated share of the shorter text inside the longer


def add_signature(conn: Connection, article_id: int, signature: MinHashSignature) -> None:
    """Index an original article (call in the transaction that stores it)."""
    conn.execute(
        article_signatures.insert(),
        {
            "article_id": article_id,
            "signature": signature.to_bytes(),
            "shingle_count": signature.shingle_count,
        },
    )
    # A set: two bands that hash alike would break the primary key (1 in 2**64, but free to avoid).
    rows = [{"band_key": key, "article_id": article_id} for key in set(signature.band_keys)]
    conn.execute(article_bands.insert(), rows)


def remove_signature(conn: Connection, article_id: int, scheme: Scheme = DEFAULT_SCHEME) -> None:
    """Drop an article from the index: its band rows (found from its signature) and its signature."""
    stored = signature_of(conn, article_id, scheme)
    if stored is None:
        return
    owned = tuple_(article_bands.c.band_key, article_bands.c.article_id)
    conn.execute(delete(article_bands).where(owned.in_([(key, article_id) for key in set(stored.band_keys)])))
    conn.execute(delete(article_signatures).where(article_signatures.c.article_id == article_id))


def signature_of(
    conn: Connection, article_id: int, scheme: Scheme = DEFAULT_SCHEME
) -> MinHashSignature | None:
    """The stored signature of an indexed article, or None."""
    row = conn.execute(
        select(article_signatures.c.signature, article_signatures.c.shingle_count).where(
            article_signatures.c.article_id == article_id
        )
    ).first()
    return MinHashSignature.from_stored(row.signature, row.shingle_count, scheme) if row else None


def candidates(conn: Connection, signature: MinHashSignature, limit: int = CANDIDATE_LIMIT) -> list[int]:
    """Indexed originals sharing at least one band key with ``signature``, most shared bands first.

    Each band key reads at most POSTINGS_PER_KEY postings (newest first), so the work is
    bounded by bands times POSTINGS_PER_KEY index entries whatever the size of the store.
    """
    keys = list(dict.fromkeys(signature.band_keys))
    if not keys:
        return []
    parameters = {f"key{i}": key for i, key in enumerate(keys)}
    shared = Counter(conn.scalars(_postings_query(len(keys)), parameters))
    ranked = sorted(shared.items(), key=lambda item: (-item[1], item[0]))
    return [article_id for article_id, _count in ranked[:limit]]


@functools.cache
def _postings_query(key_count: int) -> CompoundSelect:
    """One statement for all band keys, built once per key count (building it costs more than running it)."""
    branches = [
        select(article_bands.c.article_id)
        .where(article_bands.c.band_key == bindparam(f"key{i}", type_=BigInteger))
        .order_by(article_bands.c.article_id.desc())
        .limit(POSTINGS_PER_KEY)
        .subquery()
        for i in range(key_count)
    ]
    # Each branch is wrapped as a subquery: SQLite allows LIMIT only there inside a UNION.
    return union_all(*(select(branch.c.article_id) for branch in branches))


def find_original(
    conn: Connection,
    signature: MinHashSignature,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    limit: int = CANDIDATE_LIMIT,
    scheme: Scheme = DEFAULT_SCHEME,
) -> Match | None:
    """The indexed original that ``signature``'s text is a near-duplicate of, or None.

    Candidates are verified against their stored signatures; when several pass, the most
    similar wins, and the earlier article breaks a tie.
    """
    ids = candidates(conn, signature, limit)
    if not ids:
        return None
    rows = conn.execute(select(article_signatures).where(article_signatures.c.article_id.in_(ids))).all()
    matches = []
    for row in rows:
        stored = MinHashSignature.from_stored(row.signature, row.shingle_count, scheme)
        jaccard, contained = similarity(signature, stored), containment(signature, stored)
        if jaccard >= thresholds.min_jaccard and contained >= thresholds.min_containment:
            matches.append(Match(row.article_id, jaccard, contained))
    return min(matches, key=lambda m: (-m.similarity, m.article_id), default=None)
