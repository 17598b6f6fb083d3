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
from typing import Any

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

from crawler.dedup.headline import headline_key, same_headline
from crawler.dedup.lead import LEAD_SCHEME, Run, ShingledText, body_of, run_between
from crawler.dedup.minhash import (
    DEFAULT_SCHEME,
    DEFAULT_THRESHOLDS,
    MinHashSignature,
    Scheme,
    Thresholds,
    containment,
    similarity,
)
from crawler.dedup.paragraphs import MIN_SHARED_PARAGRAPHS, paragraph_keys
from crawler.store.schema import articles, metadata

CANDIDATE_LIMIT = 20  # verified per lookup; true originals share the most bands and rank first
POSTINGS_PER_KEY = 50  # newest articles read per band key: bounds a key that boilerplate made common
# Below this share of the whole texts, their bodies are not compared: the body adds back what a
# gallery or furniture took, and on the real republications' development split every copy the
# bodies found shared 0.38 or more of the whole text. Half the texts read in full stay under it
# (209 of 468 there; an article under another's standing headline almost always).
MIN_BODY_PASS_CONTAINMENT = 0.3
HEADLINE_CANDIDATES = 5  # newest articles read under the headline key: each may be read in full
PARAGRAPH_CANDIDATES = 5  # stored articles sharing the most paragraphs with the new text, besides the bands'

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
    Column("lead_signature", LargeBinary),  # crawler.dedup.lead: the opening words' signature, if any
)


@dataclass(frozen=True)
class Match:
    """A stored original that a new text is a near-duplicate of."""

    article_id: int
    similarity: float  # estimated Jaccard
    containment: float  # estimated share of the shorter text inside the longer


def add_signature(
    conn: Connection,
    article_id: int,
    signature: MinHashSignature,
    lead: MinHashSignature | None = None,
    title: str | None = None,
    text: str | None = None,
) -> None:
    """Index an original article (call in the transaction that stores it)."""
    conn.execute(
        article_signatures.insert(),
        {
            "article_id": article_id,
            "signature": signature.to_bytes(),
            "shingle_count": signature.shingle_count,
            "lead_signature": lead.to_bytes() if lead is not None else None,
        },
    )
    # A set: two bands that hash alike would break the primary key (1 in 2**64, but free to avoid).
    keys = set(signature.band_keys) | (set(lead.band_keys) if lead is not None else set())
    keys |= {key for key in [headline_key(title)] if key is not None}
    keys |= set(paragraph_keys(text or ""))
    conn.execute(article_bands.insert(), [{"band_key": key, "article_id": article_id} for key in keys])


def remove_signature(
    conn: Connection,
    article_id: int,
    scheme: Scheme = DEFAULT_SCHEME,
    title: str | None = None,
    text: str | None = None,
) -> None:
    """Drop an article from the index: its band rows (found from its signatures and the headline and
    text it was indexed with) and its signatures."""
    owner = article_signatures.c.article_id == article_id
    row = conn.execute(select(article_signatures).where(owner)).first()
    if row is None:
        return
    keys = set(MinHashSignature.from_stored(row.signature, row.shingle_count, scheme).band_keys)
    if row.lead_signature is not None:
        keys |= set(MinHashSignature.from_stored(row.lead_signature, 0, LEAD_SCHEME).band_keys)
    keys |= {key for key in [headline_key(title)] if key is not None}
    keys |= set(paragraph_keys(text or ""))
    owned = tuple_(article_bands.c.band_key, article_bands.c.article_id)
    conn.execute(delete(article_bands).where(owned.in_([(key, article_id) for key in keys])))
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


def candidates(
    conn: Connection,
    signature: MinHashSignature,
    limit: int = CANDIDATE_LIMIT,
    lead: MinHashSignature | None = None,
) -> list[int]:
    """Indexed originals sharing at least one band key with ``signature`` or ``lead``, most shared first.

    Each band key reads at most POSTINGS_PER_KEY postings (newest first), so the work is
    bounded by bands times POSTINGS_PER_KEY index entries whatever the size of the store.
    """
    keys = list(dict.fromkeys(signature.band_keys + (lead.band_keys if lead is not None else ())))
    if not keys:
        return []
    parameters = {f"key{i}": key for i, key in enumerate(keys)}
    shared = Counter(conn.scalars(_postings_query(len(keys)), parameters))
    ranked = sorted(shared.items(), key=lambda item: (-item[1], item[0]))
    return [article_id for article_id, _count in ranked[:limit]]


def headline_candidates(conn: Connection, title: str | None) -> list[int]:
    """The newest indexed articles (at most HEADLINE_CANDIDATES) filed under ``title``'s headline key.

    Apart from ``candidates``' ranking: sharing only this key, a teaser's original would rank
    below every article that shares a band or two of boilerplate.
    """
    key = headline_key(title)
    if key is None:
        return []
    return list(
        conn.scalars(
            select(article_bands.c.article_id)
            .where(article_bands.c.band_key == key)
            .order_by(article_bands.c.article_id.desc())
            .limit(HEADLINE_CANDIDATES)
        )
    )


def paragraph_candidates(conn: Connection, text: str, known: list[int]) -> list[int]:
    """Indexed articles (at most PARAGRAPH_CANDIDATES, besides ``known``) sharing MIN_SHARED_PARAGRAPHS
    or more of ``text``'s long paragraphs word for word, most shared first: a story assembled
    from a live page's entries, whose whole text and lead meet none of the page's band keys.
    At most MAX_PARAGRAPH_KEYS index probes, each bounded by POSTINGS_PER_KEY."""
    keys = paragraph_keys(text)
    if len(keys) < MIN_SHARED_PARAGRAPHS:
        return []
    parameters = {f"key{i}": key for i, key in enumerate(keys)}
    shared = Counter(i for i in conn.scalars(_postings_query(len(keys)), parameters) if i not in known)
    enough = [(article_id, n) for article_id, n in shared.items() if n >= MIN_SHARED_PARAGRAPHS]
    ranked = sorted(enough, key=lambda item: (-item[1], item[0]))
    return [article_id for article_id, _count in ranked[:PARAGRAPH_CANDIDATES]]


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


@dataclass(frozen=True)
class Matches:
    """What a lookup found: indexed articles with the same text, and ones that may be the same story."""

    copies: list[Match]
    related: list[Match]  # share enough words to be another version of the story (the caller decides)


def find_matches(
    conn: Connection,
    signature: MinHashSignature,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    limit: int = CANDIDATE_LIMIT,
    scheme: Scheme = DEFAULT_SCHEME,
    lead: MinHashSignature | None = None,
    text: str | None = None,
    title: str | None = None,
) -> Matches:
    """Every indexed article that ``signature``'s text is a near-duplicate of, most similar first.

    Candidates are verified against their stored signatures: the same text (Jaccard and
    containment both high), or a cut copy (the same lead or the same headline, and the shorter
    text's shingles found in the longer one's, counted exactly from both texts when ``text`` is
    given). The rest that still share a fair part of their words are returned as ``related``.
    """
    by_bands = candidates(conn, signature, limit, lead)
    extra = []
    if text is not None:
        extra = headline_candidates(conn, title) + paragraph_candidates(conn, text, by_bands)
    ids = list(dict.fromkeys(by_bands + extra))
    if not ids:
        return Matches([], [])
    rows = conn.execute(select(article_signatures).where(article_signatures.c.article_id.in_(ids))).all()
    headlines = _same_headline_ids(conn, ids, title)
    # Shingled on the first candidate read in full, then reused for every other one.
    new_text = None if text is None else _NewText(text, scheme.shingle_words)
    copies, related = [], []
    for row in rows:
        stored = MinHashSignature.from_stored(row.signature, row.shingle_count, scheme)
        jaccard, contained = similarity(signature, stored), containment(signature, stored)
        if jaccard >= thresholds.min_jaccard and contained >= thresholds.min_containment:
            copies.append(Match(row.article_id, jaccard, contained))
            continue
        cut = _is_cut_copy(
            conn, row, signature, lead, row.article_id in headlines, new_text, thresholds, scheme
        )
        if cut:
            copies.append(Match(row.article_id, jaccard, contained))
            continue
        # Only what the bands proposed: a shared headline is evidence of one text, not of one story
        # (a section's standing headline, a live page's title).
        if row.article_id in by_bands and (
            jaccard >= thresholds.min_story_jaccard and contained >= thresholds.min_story_containment
        ):
            related.append(Match(row.article_id, jaccard, contained))
    copies.sort(key=lambda m: (-m.similarity, m.article_id))
    return Matches(copies, sorted(related, key=lambda m: m.article_id))


def find_original(
    conn: Connection,
    signature: MinHashSignature,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    limit: int = CANDIDATE_LIMIT,
    scheme: Scheme = DEFAULT_SCHEME,
    lead: MinHashSignature | None = None,
    text: str | None = None,
    title: str | None = None,
) -> Match | None:
    """The most similar indexed article that ``signature``'s text is a near-duplicate of, or None;
    the earlier article breaks a tie."""
    found = find_matches(conn, signature, thresholds, limit, scheme, lead, text, title)
    return found.copies[0] if found.copies else None


def _same_headline_ids(conn: Connection, ids: list[int], title: str | None) -> set[int]:
    """The candidates whose headline is ``title`` (their rows are read by primary key)."""
    if headline_key(title) is None:
        return set()
    rows = conn.execute(select(articles.c.id, articles.c.title).where(articles.c.id.in_(ids)))
    return {row.id for row in rows if same_headline(title, row.title)}


def _is_cut_copy(
    conn: Connection,
    row: Any,
    signature: MinHashSignature,
    lead: MinHashSignature | None,
    headline: bool,
    new_text: _NewText | None,
    thresholds: Thresholds,
    scheme: Scheme,
) -> bool:
    """Whether one text is the other cut short: the same lead or the same headline, or most of the
    shorter text found in the longer as a run anchored at its beginning or its end (a quoted brief
    sits inside, under a headline of its own). Either text is read whole, then as its body (no
    gallery, captions or short lines) against the other's whole text."""
    if new_text is None:
        return False
    same_lead = (
        lead is not None
        and row.lead_signature is not None
        and similarity(lead, MinHashSignature.from_stored(row.lead_signature, 0, LEAD_SCHEME))
        >= thresholds.min_lead_similarity
    )
    stored = MinHashSignature.from_stored(row.signature, row.shingle_count, scheme)
    if not (same_lead or headline) and containment(signature, stored) < thresholds.min_cut_estimate:
        return False  # neither the same opening nor enough shared words: not worth reading the text
    stored_text = conn.scalar(select(articles.c.text).where(articles.c.id == row.article_id))
    if not stored_text:
        return False
    same_opening = same_lead or headline
    stored_shingles = ShingledText.of(stored_text, scheme.shingle_words)
    whole = run_between(new_text.full, stored_shingles)
    if _cut_by(whole, same_opening, thresholds):
        return True
    if whole.containment < MIN_BODY_PASS_CONTAINMENT:
        return False
    # A gallery's captions, shown twice, or a page's furniture can be half of a short copy's
    # shingles: measured again with either side's body alone against the other's whole text
    # (the stored body shingled only when the new body was not enough).
    if _cut_by(run_between(new_text.body, stored_shingles), same_opening, thresholds):
        return True
    stored_body = ShingledText.of(body_of(stored_text), scheme.shingle_words)
    return _cut_by(run_between(new_text.full, stored_body), same_opening, thresholds)


def _cut_by(run: Run, same_opening: bool, thresholds: Thresholds) -> bool:
    """Most of the shorter text inside the longer, and the same opening or an anchored run."""
    return run.containment >= thresholds.min_cut_containment and (same_opening or run.at_start or run.at_end)


class _NewText:
    """The new article's text shingled once per lookup (whole, and its body), when a candidate is
    first read in full."""

    def __init__(self, text: str, words: int) -> None:
        self.text, self.words = text, words

    @functools.cached_property
    def full(self) -> ShingledText:
        return ShingledText.of(self.text, self.words)

    @functools.cached_property
    def body(self) -> ShingledText:
        return ShingledText.of(body_of(self.text), self.words)
