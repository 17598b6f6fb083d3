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
  lookup reads (POSTINGS_PER_KEY), as boilerplate can make it: the bounded worst case.

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

from crawler.dedup.lead import LEAD_SCHEME, lead_signature  # noqa: E402
from crawler.dedup.minhash import DEFAULT_SCHEME, MinHashSignature, minhash_signature  # noqa: E402
from crawler.store import neardup_index  # noqa: E402
from crawler.store.engine import make_engine, write_transaction  # noqa: E402
from crawler.store.neardup_index import POSTINGS_PER_KEY, add_signature, find_original  # noqa: E402
from crawler.store.schema import metadata  # noqa: E402

DEFAULT_DB = ROOT / "bench" / "results" / "neardup_scale.db"
LOAD_BATCH = 20_000  # articles per bulk-insert transaction
CROWD = POSTINGS_PER_KEY + 50  # filler articles sharing one key of a crowded query
_VOCABULARY = [f"w{i}" for i in range(20_000)]
_WEIGHTS = [1 / (rank + 1) for rank in range(len(_VOCABULARY))]  # Zipf-like, as words are


def story(rng: random.Random, words: int = 450) -> list[str]:
    """A synthetic article: paragraphs of Zipf-distributed words."""
    tokens = rng.choices(_VOCABULARY, _WEIGHTS, k=words)
    return [" ".join(tokens[i : i + 45]) for i in range(0, words, 45)]


Signed = tuple[MinHashSignature, MinHashSignature | None]  # the text's signature and its lead's


def must_sign(paragraphs: list[str]) -> Signed:
    body = "\n".join(paragraphs)
    fp = minhash_signature(body)
    assert fp is not None
    return fp, lead_signature(body)


def make_queries(rng: random.Random, count: int) -> dict[str, list[Signed]]:
    """Fingerprints of the three kinds of arriving article, and the originals the copies need."""
    originals = [story(rng) for _ in range(count // 3)]
    copies = [paragraphs[1 : int(len(paragraphs) * 0.7)] + story(rng, 40) for paragraphs in originals]
    return {
        "originals": [must_sign(p) for p in originals],
        "copy": [must_sign(p) for p in copies],
        "new": [must_sign(story(rng)) for _ in range(count // 3)],
        "crowded": [must_sign(story(rng)) for _ in range(count - 2 * (count // 3))],
    }


# -- bulk loading ------------------------------------------------------------------------------


def bulk_load(engine: Engine, first_id: int, last_id: int, rng: random.Random) -> float:
    """Filler signatures for article ids first_id..last_id, straight through the DBAPI driver.

    PostgreSQL gets COPY into the band table without its primary key, which is built again
    afterwards (one sort instead of millions of random index inserts), then ANALYZE.
    """
    started = time.perf_counter()
    postgres = engine.dialect.name == "postgresql"
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
            # every indexed article has its whole-text bands and its lead's
            keys_per_article = DEFAULT_SCHEME.bands + LEAD_SCHEME.bands
            bands = [(rng.getrandbits(64) - (1 << 63), i) for i in ids for _ in range(keys_per_article)]
            if postgres:
                # bytea in COPY's text format: "\\x" + hex, the backslash itself escaped
                _copy(
                    cursor,
                    "article_signatures",
                    (f"{i}\t\\\\x{sig.hex()}\t{n}\t\\\\x{lead.hex()}" for i, sig, n, lead in signatures),
                )
                _copy(cursor, "article_bands", (f"{key}\t{i}" for key, i in bands))
            else:
                cursor.execute("BEGIN")  # the engine runs the driver in autocommit mode
                cursor.executemany("INSERT INTO article_signatures VALUES (?, ?, ?, ?)", signatures)
                cursor.executemany("INSERT INTO article_bands VALUES (?, ?)", bands)
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
    return time.perf_counter() - started


def _copy(cursor: Any, table: str, lines: Iterator[str]) -> None:
    with cursor.copy(f"COPY {table} FROM STDIN") as copy:
        copy.write("\n".join(lines) + "\n")


def plant(engine: Engine, queries: dict[str, list[Signed]], first_id: int, rng: random.Random) -> int:
    """Index the copies' originals and crowd one key of each crowded query; returns the next free id."""
    next_id = first_id
    with write_transaction(engine) as conn:
        for original, lead in queries["originals"]:
            add_signature(conn, next_id, original, lead)
            next_id += 1
        bands, signatures = [], []
        for query, _lead in queries["crowded"]:
            key = rng.choice(query.band_keys)
            for article_id in range(next_id, next_id + CROWD):
                bands.append({"band_key": key, "article_id": article_id})
                signature = rng.randbytes(2 * DEFAULT_SCHEME.slots)
                signatures.append({"article_id": article_id, "signature": signature, "shingle_count": 500})
            next_id += CROWD
        conn.execute(neardup_index.article_bands.insert(), bands)
        conn.execute(neardup_index.article_signatures.insert(), signatures)
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
    for kind in ("new", "copy", "crowded"):
        lookups, inserts, matched = [], [], 0
        for signature, count, lead_values in queries[kind]:
            fp = MinHashSignature(tuple(signature), count)
            lead = MinHashSignature(tuple(lead_values), 0, LEAD_SCHEME) if lead_values else None
            # Inside the write transaction that stores the article, as the store will run it; the
            # commit is the article's own cost and is not timed.
            with write_transaction(engine) as conn:
                started = time.perf_counter()
                match = find_original(conn, fp, lead=lead)
                lookups.append(time.perf_counter() - started)
                if match is None:
                    started = time.perf_counter()
                    add_signature(conn, next_id, fp, lead)
                    inserts.append(time.perf_counter() - started)
                    next_id += 1
            matched += match is not None
        report[kind] = {
            "lookup": _summary(lookups),
            "insert": _summary(inserts),
            "matched": matched,
            "n": len(lookups),
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
    metadata.create_all(engine, tables=[neardup_index.article_bands, neardup_index.article_signatures])
    passes = [("warm", False), ("cold", True)] if engine.dialect.name == "sqlite" else [("warm", False)]
    loaded, next_id = 0, max(sizes) + 1  # filler takes ids up to the largest size; the rest come after
    with tempfile.TemporaryDirectory() as scratch:
        for size in sizes:
            load_seconds = bulk_load(engine, loaded + 1, size, rng)
            loaded = size
            sized = database_size(engine)
            print(
                f"\n{size:,} stored articles (filler loaded in {load_seconds:.0f} s); database "
                f"{sized['total_mib']:.0f} MiB, band index {sized['bands_mib']:.0f} MiB"
            )
            for label, cold in passes:
                # Fresh queries each pass: the articles checked in one pass are stored by then.
                queries = make_queries(rng, query_count)
                next_id = plant(engine, queries, next_id, rng)
                path = Path(scratch) / f"queries-{size}-{label}.json"
                path.write_text(
                    json.dumps(
                        {
                            kind: [
                                [fp.values, fp.shingle_count, lead.values if lead else None]
                                for fp, lead in fps
                            ]
                            for kind, fps in queries.items()
                        }
                        | {"next_id": next_id}
                    )
                )
                report = run_child(url, path, cold)
                next_id = report["next_id"]
                print(f"  {label}: peak RSS of the checking process {report['peak_rss_mib']:.0f} MiB")
                for kind in ("new", "copy", "crowded"):
                    print(f"    {kind:8} {format_row(report[kind])}")
    engine.dispose()


def format_row(row: dict[str, Any]) -> str:
    line = f"n={row['n']:4} matched={row['matched']:4}  lookup {_times(row['lookup'])}"
    return line + (f"   insert {_times(row['insert'])}" if row["insert"] else "")


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
