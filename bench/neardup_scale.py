"""Cost of the near-duplicate check per article at 100,000 and 1,000,000 stored articles.

    .venv/bin/python bench/neardup_scale.py                          # SQLite, 100k then 1M
    .venv/bin/python bench/neardup_scale.py --sizes 100000 --queries 300
    .venv/bin/python bench/neardup_scale.py --postgres postgresql://postgres@127.0.0.1:5432/postgres
    .venv/bin/python bench/neardup_scale.py --no-sqlite --postgres postgresql://...   # PostgreSQL only

The store is filled with synthetic signatures (random slot values and band keys, which is
what the hashes of unrelated texts look like), loaded in bulk straight through the driver.
Then a child process, so that its peak memory is the check's own, runs the check for
``--queries`` fresh articles the way the store will, inside the write transaction that stores
the article: the lookup (candidates from the band index plus verification against stored
signatures), then the insert of the article's signature when it is new. The commit is the
article's own cost and is left out. Queries are synthetic stories:

* ``new``: a story the store has never seen (most articles);
* ``copy``: a copy (end cut, a paragraph added) of a story indexed among the filler;
* ``crowded``: a new story one of whose band keys is shared by more filler articles than a
  lookup reads (POSTINGS_PER_KEY), as boilerplate can make it: the bounded worst case;
* ``headline``: a new story under a headline that a group of filler articles carries (a
  syndicated headline): the headline probe's worst case, each of its candidates read in full.

Every stored article has an ``articles`` row with a headline, and its headline key in the
band index, as the store files it. SHARED_HEADLINES of the filler share their headline with
2 to 10 others; those carry a full synthetic text (what the headline path reads), the rest a
short stand-in text, which keeps loading 1M rows affordable but makes the articles table
smaller than a real store's. Half the queries of each kind run the lookup as before the
headline probe (no title, no text: ``off``), half as the store runs it now (``on``: title and
text, so the headline probe, the title reads and the full-text reads of the cut-copy check,
the paragraph probe and, for a new article, its paragraph keys; the filler has no paragraph keys,
so the probe finds nothing and costs its index probes).

Reported: median and p95 time of lookup and insert, peak RSS of the checking process, the
database size and the band table's share. "warm" runs with the file in the OS page cache
(as after loading it); "cold" first evicts the file from the cache (posix_fadvise DONTNEED),
as after a restart. The cost stays flat when every step is an indexed probe: 1M costs
about what 100k does.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import Engine, text  # noqa: E402  (needs the path above)

from crawler.core import clock  # noqa: E402
from crawler.dedup.headline import headline_key  # noqa: E402
from crawler.dedup.lead import LEAD_SCHEME, lead_signature  # noqa: E402
from crawler.dedup.minhash import DEFAULT_SCHEME, MinHashSignature, minhash_signature  # noqa: E402
from crawler.store import neardup_index  # noqa: E402
from crawler.store.engine import make_engine, write_transaction  # noqa: E402
from crawler.store.neardup_index import POSTINGS_PER_KEY, add_signature, find_original  # noqa: E402
from crawler.store.schema import articles, feeds, metadata, runs  # noqa: E402

DEFAULT_DB = ROOT / "bench" / "results" / "neardup_scale.db"
LOAD_BATCH = 20_000  # articles per bulk-insert transaction
CROWD = POSTINGS_PER_KEY + 50  # filler articles sharing one key of a crowded query
_VOCABULARY = [f"w{i}" for i in range(20_000)]
_WEIGHTS = [1 / (rank + 1) for rank in range(len(_VOCABULARY))]  # Zipf-like, as words are
SHARED_HEADLINES = 0.04  # share of filler articles whose headline 2 to 10 others carry too
FULL_TEXTS = 200  # distinct full texts that the shared-headline filler articles reuse
STAND_IN_CHARS = 400  # text of a filler article that no headline probe reads in full
LOADED_AT = "2026-01-01 00:00:00+00"  # the filler's first_seen and fetched_at: no lookup reads them


def story(rng: random.Random, words: int = 450) -> list[str]:
    """A synthetic article: paragraphs of Zipf-distributed words."""
    tokens = rng.choices(_VOCABULARY, _WEIGHTS, k=words)
    return [" ".join(tokens[i : i + 45]) for i in range(0, words, 45)]


# an arriving article: its text's signature, its lead's, the text and the headline
Query = tuple[MinHashSignature, MinHashSignature | None, str, str]
KINDS = ("new", "copy", "crowded", "headline")


def must_sign(paragraphs: list[str], title: str) -> Query:
    body = "\n".join(paragraphs)
    fp = minhash_signature(body)
    assert fp is not None
    return fp, lead_signature(body), body, title


def own_headline(rng: random.Random) -> str:
    return f"headline {rng.getrandbits(48)} of a story of its own"


def make_queries(rng: random.Random, count: int, shared_titles: list[str]) -> dict[str, list[Query]]:
    """The four kinds of arriving article, and the originals the copies need."""
    share = count // 4
    originals = [(story(rng), own_headline(rng)) for _ in range(share)]
    # a republication keeps the original's headline
    copies = [(p[1 : int(len(p) * 0.7)] + story(rng, 40), title) for p, title in originals]
    return {
        "originals": [must_sign(p, title) for p, title in originals],
        "copy": [must_sign(p, title) for p, title in copies],
        "new": [must_sign(story(rng), own_headline(rng)) for _ in range(share)],
        "crowded": [must_sign(story(rng), own_headline(rng)) for _ in range(share)],
        "headline": [must_sign(story(rng), rng.choice(shared_titles)) for _ in range(count - 3 * share)],
    }


def article_row(article_id: int, title: str, body: str) -> dict[str, Any]:
    """An ``articles`` row as the store inserts it (the lookup reads its title and text by id)."""
    now = clock.utcnow()
    return {
        "id": article_id,
        "url": f"https://bench.example/{article_id}",
        "canonical_url": f"https://bench.example/{article_id}",
        "source": "bench",
        "site": "bench.example",
        "title": title,
        "text": body,
        "authors": [],
        "relevance": 0.0,
        "relevant": False,
        "matched_terms": [],
        "content_hash": f"{article_id:064x}",
        "text_length": len(body),
        "first_seen": now,
        "fetched_at": now,
    }


def filler_headlines(ids: range, rng: random.Random) -> tuple[dict[int, str], list[str]]:
    """Each id's headline, and the headlines shared by a group of them (SHARED_HEADLINES of the
    ids, in groups of 3 to 11: a syndicated headline carried by 2 to 10 others)."""
    titles = {i: f"headline {i} of a filler story of its own" for i in ids}
    shared = [i for i in ids if rng.random() < SHARED_HEADLINES]
    groups = []
    while len(shared) >= 3:
        size = rng.randint(3, 11)
        group, shared = shared[:size], shared[size:]
        title = f"syndicated headline {group[0]} carried by several outlets"
        titles.update((i, title) for i in group)
        groups.append(title)
    return titles, groups


# -- bulk loading ------------------------------------------------------------------------------


def bulk_load(engine: Engine, first_id: int, last_id: int, rng: random.Random) -> tuple[float, list[str]]:
    """Filler articles and signatures for ids first_id..last_id, straight through the DBAPI driver;
    returns the seconds it took and the shared headlines.

    PostgreSQL gets COPY into the band table without its primary key, which is built again
    afterwards (one sort instead of millions of random index inserts), then ANALYZE.
    """
    started = time.perf_counter()
    postgres = engine.dialect.name == "postgresql"
    full_texts = ["\n".join(story(rng)) for _ in range(FULL_TEXTS)]
    shared_titles: list[str] = []
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        if postgres:
            cursor.execute("ALTER TABLE article_bands DROP CONSTRAINT article_bands_pkey")
        else:
            cursor.execute("PRAGMA cache_size = -1000000")  # 1 GB: random keys touch every page
        raw.commit()
        for start in range(first_id, last_id + 1, LOAD_BATCH):
            ids = range(start, min(start + LOAD_BATCH, last_id + 1))
            signatures = [
                (
                    i,
                    rng.randbytes(2 * DEFAULT_SCHEME.slots),
                    rng.randint(100, 2000),
                    rng.randbytes(2 * LEAD_SCHEME.slots),
                )
                for i in ids
            ]
            # every indexed article has its whole-text bands, its lead's and its headline's
            keys_per_article = DEFAULT_SCHEME.bands + LEAD_SCHEME.bands
            bands = [(rng.getrandbits(64) - (1 << 63), i) for i in ids for _ in range(keys_per_article)]
            titles, groups = filler_headlines(ids, rng)
            shared_titles += groups
            bands += [(key, i) for i, title in titles.items() if (key := headline_key(title)) is not None]
            filler = [
                (
                    i,
                    f"https://bench.example/{i}",
                    titles[i],
                    _filler_text(titles[i], i, full_texts),
                    f"{i:064x}",
                )
                for i in ids
            ]
            if postgres:
                # bytea in COPY's text format: "\\x" + hex, the backslash itself escaped
                _copy(
                    cursor,
                    "article_signatures",
                    (f"{i}\t\\\\x{sig.hex()}\t{n}\t\\\\x{lead.hex()}" for i, sig, n, lead in signatures),
                )
                _copy(cursor, "article_bands", (f"{key}\t{i}" for key, i in bands))
                _copy(
                    cursor,
                    f"articles ({_FILLER_COLUMNS})",
                    (
                        f"{i}\t{url}\t{url}\tbench\tbench.example\t{title}\t{_copy_escape(body)}\t[]\t0\tf"
                        f"\t[]\t{digest}\t{len(body)}\t{LOADED_AT}\t{LOADED_AT}"
                        for i, url, title, body, digest in filler
                    ),
                )
            else:
                cursor.execute("BEGIN")  # the engine runs the driver in autocommit mode
                cursor.executemany("INSERT INTO article_signatures VALUES (?, ?, ?, ?)", signatures)
                cursor.executemany("INSERT INTO article_bands VALUES (?, ?)", bands)
                cursor.executemany(
                    f"INSERT INTO articles ({_FILLER_COLUMNS}) VALUES "
                    "(?, ?, ?, 'bench', 'bench.example', ?, ?, '[]', 0, 0, '[]', ?, ?, "
                    f"'{LOADED_AT}', '{LOADED_AT}')",
                    [(i, url, url, title, body, digest, len(body)) for i, url, title, body, digest in filler],
                )
            raw.commit()
        if postgres:
            cursor.execute("SET maintenance_work_mem = '512MB'")
            cursor.execute(
                "ALTER TABLE article_bands ADD CONSTRAINT article_bands_pkey "
                "PRIMARY KEY (band_key, article_id)"
            )
            raw.commit()
            raw.dbapi_connection.autocommit = True  # type: ignore[union-attr]
            cursor.execute("VACUUM ANALYZE")
            raw.dbapi_connection.autocommit = False  # type: ignore[union-attr]
    finally:
        raw.close()
    return time.perf_counter() - started, shared_titles


_FILLER_COLUMNS = (
    "id, url, canonical_url, source, site, title, text, authors, relevance, relevant, "
    "matched_terms, content_hash, text_length, first_seen, fetched_at"
)


def _filler_text(title: str, article_id: int, full_texts: list[str]) -> str:
    """A full text under a shared headline (the headline probe reads it), a stand-in otherwise."""
    body = full_texts[article_id % len(full_texts)]
    return body if title.startswith("syndicated") else body[:STAND_IN_CHARS]


def _copy_escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t")


def _copy(cursor: Any, table: str, lines: Iterator[str]) -> None:
    with cursor.copy(f"COPY {table} FROM STDIN") as copy:
        copy.write("\n".join(lines) + "\n")


def plant(engine: Engine, queries: dict[str, list[Query]], first_id: int, rng: random.Random) -> int:
    """Store and index the copies' originals and crowd one key of each crowded query; returns the
    next free id."""
    next_id = first_id
    with write_transaction(engine) as conn:
        for original, lead, body, title in queries["originals"]:
            conn.execute(articles.insert(), article_row(next_id, title, body))
            add_signature(conn, next_id, original, lead, title)
            next_id += 1
        bands, signatures, rows = [], [], []
        for query, _lead, _body, _title in queries["crowded"]:
            key = rng.choice(query.band_keys)
            for article_id in range(next_id, next_id + CROWD):
                bands.append({"band_key": key, "article_id": article_id})
                signature = rng.randbytes(2 * DEFAULT_SCHEME.slots)
                signatures.append({"article_id": article_id, "signature": signature, "shingle_count": 500})
                rows.append(article_row(article_id, own_headline(rng), "boilerplate " * 40))
            next_id += CROWD
        conn.execute(neardup_index.article_bands.insert(), bands)
        conn.execute(neardup_index.article_signatures.insert(), signatures)
        conn.execute(articles.insert(), rows)
    return next_id


# -- measuring, in a child process --------------------------------------------------------------


def measure(url: str, queries_path: Path, cold: bool) -> dict[str, Any]:
    """Run the check for every query; times in ms, peak RSS in MiB."""
    queries = json.loads(queries_path.read_text())
    engine = make_engine(url)
    if cold and engine.dialect.name == "sqlite":
        _evict(Path(engine.url.database or ""))
    report: dict[str, Any] = {}
    next_id = int(queries["next_id"])
    for kind in KINDS:
        lookups: dict[str, list[float]] = {"off": [], "on": []}
        inserts: list[float] = []
        matched = {"off": 0, "on": 0}
        for number, (signature, count, lead_values, body, title) in enumerate(queries[kind]):
            fp = MinHashSignature(tuple(signature), count)
            lead = MinHashSignature(tuple(lead_values), 0, LEAD_SCHEME) if lead_values else None
            probe = "on" if number % 2 else "off"  # off: the lookup before the headline probe
            given = {"text": body, "title": title} if probe == "on" else {}
            # Inside the write transaction that stores the article, as the store will run it; the
            # commit is the article's own cost and is not timed.
            with write_transaction(engine) as conn:
                started = time.perf_counter()
                match = find_original(conn, fp, lead=lead, **given)
                lookups[probe].append(time.perf_counter() - started)
                if match is None:
                    started = time.perf_counter()
                    add_signature(conn, next_id, fp, lead, title, body if probe == "on" else None)
                    inserts.append(time.perf_counter() - started)
                    conn.execute(articles.insert(), article_row(next_id, title, body))  # the store's own cost
                    next_id += 1
            matched[probe] += match is not None
        report[kind] = {
            "lookup": {probe: _summary(times) for probe, times in lookups.items()},
            "insert": _summary(inserts),
            "matched": matched,
            "n": {probe: len(times) for probe, times in lookups.items()},
        }
    report["peak_rss_mib"] = peak_rss_mib()
    report["next_id"] = next_id
    engine.dispose()
    return report


def peak_rss_mib() -> float:
    """This process's peak resident memory since it started.

    VmHWM, not ru_maxrss: Linux carries ru_maxrss across exec, so a child would report the
    peak of the parent it was forked from (which held a batch of filler rows).
    """
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _summary(seconds: list[float]) -> dict[str, float]:
    if not seconds:
        return {}
    ordered = sorted(seconds)
    p95 = ordered[int(0.95 * (len(ordered) - 1))]
    return {"median": statistics.median(ordered) * 1000, "p95": p95 * 1000}


def _evict(path: Path) -> None:
    for file in (path, path.with_name(path.name + "-wal")):
        if file.exists():
            fd = os.open(file, os.O_RDONLY)
            try:
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            finally:
                os.close(fd)


def run_child(url: str, queries_path: Path, cold: bool) -> dict[str, Any]:
    command = [sys.executable, __file__, "--measure", url, "--queries-file", str(queries_path)]
    command += ["--cold"] if cold else []
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    result: dict[str, Any] = json.loads(done.stdout)
    return result


# -- sizes and the report --------------------------------------------------------------------------


def database_size(engine: Engine) -> dict[str, float]:
    """Total and band-table size in MiB."""
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            total = conn.scalar(text("SELECT pg_database_size(current_database())"))
            bands = conn.scalar(text("SELECT pg_total_relation_size('article_bands')"))
        else:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            page_size = conn.exec_driver_sql("PRAGMA page_size").scalar() or 0
            total = page_size * (conn.exec_driver_sql("PRAGMA page_count").scalar() or 0)
            bands = conn.scalar(text("SELECT sum(pgsize) FROM dbstat WHERE name = 'article_bands'"))
    return {"total_mib": (total or 0) / 2**20, "bands_mib": (bands or 0) / 2**20}


def signature_cost(rng: random.Random, count: int = 300) -> float:
    """Median ms to sign a synthetic 450-word story (shingles, signature, band keys)."""
    texts = ["\n".join(story(rng)) for _ in range(count)]
    times = []
    for body in texts:
        started = time.perf_counter()
        fp = minhash_signature(body)
        assert fp is not None and fp.band_keys
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def run(url: str, sizes: list[int], query_count: int, seed: int) -> None:
    rng = random.Random(seed)
    engine = make_engine(url)
    metadata.create_all(
        engine, tables=[feeds, runs, articles, neardup_index.article_bands, neardup_index.article_signatures]
    )
    passes = [("warm", False), ("cold", True)] if engine.dialect.name == "sqlite" else [("warm", False)]
    loaded, next_id = 0, max(sizes) + 1  # filler takes ids up to the largest size; the rest come after
    shared_titles: list[str] = []
    with tempfile.TemporaryDirectory() as scratch:
        for size in sizes:
            load_seconds, groups = bulk_load(engine, loaded + 1, size, rng)
            shared_titles += groups
            loaded = size
            sized = database_size(engine)
            print(
                f"\n{size:,} stored articles (filler loaded in {load_seconds:.0f} s); database "
                f"{sized['total_mib']:.0f} MiB, band index {sized['bands_mib']:.0f} MiB"
            )
            for label, cold in passes:
                # Fresh queries each pass: the articles checked in one pass are stored by then.
                queries = make_queries(rng, query_count, shared_titles)
                next_id = plant(engine, queries, next_id, rng)
                path = Path(scratch) / f"queries-{size}-{label}.json"
                path.write_text(
                    json.dumps(
                        {
                            kind: [
                                [fp.values, fp.shingle_count, lead.values if lead else None, body, title]
                                for fp, lead, body, title in fps
                            ]
                            for kind, fps in queries.items()
                        }
                        | {"next_id": next_id}
                    )
                )
                report = run_child(url, path, cold)
                next_id = report["next_id"]
                print(f"  {label}: peak RSS of the checking process {report['peak_rss_mib']:.0f} MiB")
                for kind in KINDS:
                    for probe in ("off", "on"):
                        print(f"    {kind:8} {probe:3} {format_row(report[kind], probe)}")
    engine.dispose()


def format_row(row: dict[str, Any], probe: str) -> str:
    """One kind's lookups with the headline probe off or on (inserts: both halves together)."""
    line = f"n={row['n'][probe]:4} matched={row['matched'][probe]:4}  lookup {_times(row['lookup'][probe])}"
    return line + (f"   insert {_times(row['insert'])}" if row["insert"] and probe == "on" else "")


def _times(summary: dict[str, float]) -> str:
    return f"median {summary['median']:5.2f} ms, p95 {summary['p95']:5.2f} ms"


def fresh_postgres(admin_url: str) -> tuple[str, str]:
    import psycopg

    name = f"newswatch_neardup_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return admin_url.rsplit("/", 1)[0] + f"/{name}", name


def drop_postgres(admin_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100000,1000000", help="stored articles (default 100000,1000000)")
    parser.add_argument("--queries", type=int, default=600, help="articles checked at each size")
    parser.add_argument("--db", type=Path, default=DEFAULT_DB, help="SQLite file (replaced)")
    parser.add_argument("--postgres", metavar="ADMIN_URL", help="also run on a fresh PostgreSQL database")
    parser.add_argument("--no-sqlite", action="store_true", help="skip SQLite (with --postgres)")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--queries-file", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--cold", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.queries_file, args.cold)))
        return
    sizes = sorted(int(size) for size in args.sizes.split(","))
    print(f"signature of a 450-word article: median {signature_cost(random.Random(args.seed)):.2f} ms")
    if not args.no_sqlite:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{args.db}{suffix}").unlink(missing_ok=True)
        print(f"\nSQLite {args.db}")
        run(f"sqlite:///{args.db}", sizes, args.queries, args.seed)
    if args.postgres:
        url, name = fresh_postgres(args.postgres)
        try:
            print(f"\nPostgreSQL {name}")
            run(url, sizes, args.queries, args.seed)
        finally:
            drop_postgres(args.postgres, name)


if __name__ == "__main__":
    main()
