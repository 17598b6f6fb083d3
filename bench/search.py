"""Latency of `newswatch search` (the first page of hits) at 100,000 and 1,000,000 stored articles.

    .venv/bin/python bench/search.py                                   # SQLite, 100k then 1M
    .venv/bin/python bench/search.py --sizes 100000 --repeat 15
    .venv/bin/python bench/search.py --data-dir /big/disk            # where the stores are kept (1M: 5 GB)
    .venv/bin/python bench/search.py --text uniform                  # the earlier, tie-heavy articles
    .venv/bin/python bench/search.py --no-sqlite --postgres postgresql://postgres@127.0.0.1:5432/postgres

The store is created by the real migrations and filled with synthetic articles through the
driver in large transactions, so the index is kept by the same triggers (SQLite) or generated
column (PostgreSQL) as in a real store (PostgreSQL's GIN index is dropped while filling and
built once after, which is many times faster). The words are drawn from a Zipf-distributed
vocabulary, as words are; the benchmark's query words are planted in some articles. With
`--text varied` (the default) the lengths spread like news articles' (log-normal, median 350
words), an article carries a query word with a chance that grows with its length, one to six
times and in a quarter of the titles, so relevance scores spread as real ones do; one article
in ten is a copy of one of the last 5,000 stories on another site, half of them exact (stored
without text, as the store keeps them), half with the last tenth cut. `--text uniform` keeps
the earlier articles (200 words, each query word once, unrelated copies), whose scores tie in
their hundreds: the worst case for ranking. Each is its own store (`search_N_varied.db`,
`search_N.db`). Two more cases run the two-word query with a filter: one that keeps every
match (`--relevant-only`; every bench article is relevant), one that keeps 1 in 20 (ten
of the 200 feeds), `--since` the newest tenth and `--state MS` (a state row for 1 in 25).

Each query runs through `Store.search` exactly as the CLI calls it (ranking, folding copies,
snippets, outlet counts, first page of 20), once to warm the cache and then `--repeat` times;
the median and p95 are reported with how many articles matched, with the median CPU time of
this process (on SQLite that is all the work, and it is what a loaded machine inflates least)
and the load average. Stores are kept and reused: a second run measures at once.
"""

from __future__ import annotations

import argparse
import itertools
import math
import os
import random
import statistics
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, literal_column, select, text  # noqa: E402  (needs the path above)

from crawler.core.search_syntax import parse_query  # noqa: E402
from crawler.store import ArticleFilter, Store  # noqa: E402
from crawler.store.article_filter import NO_FILTER  # noqa: E402
from crawler.store.engine import write_transaction  # noqa: E402
from crawler.store.schema import article_signals, articles  # noqa: E402

RESULTS = ROOT / "bench" / "results"
BATCH = 10_000
COPY_SHARE = 0.1
_VOCABULARY = [f"w{i}" for i in range(50_000)]
_CUMULATIVE = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(_VOCABULARY))))  # Zipf
# Planted words and how often an article of median length carries them, like a store that
# watches immigration enforcement: "agents" is common, "raid" less so, the phrase rarer.
PLANTED = {"agents": 0.15, "raid": 0.05, "workplace": 0.03, "workplace raid": 0.01}
# The index migration 0003 makes, dropped while a PostgreSQL store is filled and built after.
PG_SEARCH_INDEX = "ix_articles_search_vector"
PG_SEARCH_INDEX_DDL = f"CREATE INDEX IF NOT EXISTS {PG_SEARCH_INDEX} ON articles USING gin (search_vector)"
QUERIES = {"two words": "agents raid", "phrase": '"workplace raid"'}
START = datetime(2025, 1, 1, tzinfo=UTC)  # the first article's date; one a minute after it
STATE_EVERY = 25  # one article in 25 is about Mississippi (a state signal row, as the store keeps)


# Filters measured with the two-word query: one that keeps every match, one that keeps 1 in 20,
# the newest tenth of the store (as a date), one state (1 in 25).
def filters(size: int) -> dict[str, ArticleFilter]:
    return {
        "relevant": ArticleFilter(relevant_only=True),
        "10 feeds": ArticleFilter(sources=tuple(f"feed-{number}" for number in range(10))),
        "since": ArticleFilter(since=START + timedelta(minutes=size * 9 // 10)),
        "state": ArticleFilter(states=("MS",)),
    }


CHUNK_WORDS = 40
# varied (the default): lengths spread like news articles' (log-normal, median 350 words,
# most between 150 and 800), a planted word 1 to 6 times and in some titles, so relevance
# scores spread as real ones do. uniform: the earlier text, every article 200 words with each
# planted word once, whose scores tie in their hundreds (the worst case for ranking).
TEXTS = ("varied", "uniform")
MEDIAN_WORDS, LENGTH_SIGMA, SHORTEST, LONGEST = 350, 0.6, 60, 3000
UNIFORM_WORDS = 200
RECENT_ORIGINALS = 5_000
TITLE_SHARE = 0.25  # of the articles that carry a planted word, how many have it in the title


def chunks(rng: random.Random, count: int = 50_000) -> list[str]:
    """Runs of Zipf-distributed words that articles are made of (drawing every word would make
    filling a million articles take longer than measuring them)."""
    return [" ".join(rng.choices(_VOCABULARY, cum_weights=_CUMULATIVE, k=CHUNK_WORDS)) for _ in range(count)]


def uniform_article(rng: random.Random, pool: list[str]) -> tuple[str, str]:
    parts = rng.choices(pool, k=UNIFORM_WORDS // CHUNK_WORDS)
    for planted, share in PLANTED.items():
        if rng.random() < share:
            parts.insert(rng.randrange(len(parts) + 1), planted)
    body = " ".join(parts)
    return " ".join(body.split()[:8]), body


def varied_article(rng: random.Random, pool: list[str]) -> tuple[str, str]:
    """Title and text: a log-normal length cut to the word, each planted word with a chance
    that grows with the length and a geometric count of mentions, sometimes in the title."""
    length = min(LONGEST, max(SHORTEST, round(rng.lognormvariate(math.log(MEDIAN_WORDS), LENGTH_SIGMA))))
    words = " ".join(rng.choices(pool, k=length // CHUNK_WORDS + 1)).split()[:length]
    title = rng.choice(pool).split()[: rng.randint(6, 14)]
    for planted, share in PLANTED.items():
        if rng.random() >= min(0.9, share * length / MEDIAN_WORDS):
            continue
        mentions = 1
        while mentions < 6 and rng.random() < 0.45:
            mentions += 1
        for _ in range(mentions):
            words.insert(rng.randrange(len(words) + 1), planted)
        if rng.random() < TITLE_SHARE:
            title.insert(rng.randrange(len(title) + 1), planted)
    return " ".join(title), " ".join(words)


def rows(count: int, text_kind: str = "varied", seed: int = 7) -> Iterator[dict[str, Any]]:
    """Article rows in id order. A copy (varied text) reruns one of the last RECENT_ORIGINALS
    stories, as wire copies run within days: half are exact (no text of their own, as the store
    keeps them), half carry the text with its last paragraph cut. Uniform text keeps the earlier
    copies, an unrelated text of its own naming any earlier original."""
    rng = random.Random(seed)
    pool = chunks(rng)
    article = varied_article if text_kind == "varied" else uniform_article
    originals: list[int] = []
    recent: list[tuple[int, str, str]] = []
    for article_id in range(1, count + 1):
        copy_of = None
        title, body = article(rng, pool)
        stored_text: str | None = body
        if originals and rng.random() < COPY_SHARE:
            if text_kind == "uniform":
                copy_of = rng.choice(originals)
            else:
                copy_of, title, body = rng.choice(recent)
                stored_text = None if rng.random() < 0.5 else body[: max(len(body) * 9 // 10, 1)]
        moment = START + timedelta(minutes=article_id)
        yield {
            "id": article_id,
            "url": f"https://site{article_id % 500}.example/a/{article_id}",
            "canonical_url": f"https://site{article_id % 500}.example/a/{article_id}",
            "source": f"feed-{article_id % 200}",
            "site": f"site{article_id % 500}.example",
            "title": title,
            "text": stored_text,
            "authors": [],
            "published": moment,
            "relevance": 0.7,
            "relevant": True,
            "matched_terms": [],
            "duplicate_of": copy_of,
            "story_id": copy_of or article_id,  # as the store sets it (a copy joins its original's story)
            "content_hash": uuid.UUID(int=rng.getrandbits(128)).hex + f"{article_id:032x}",
            "text_length": len(body),
            "first_seen": moment,
            "fetched_at": moment,
        }
        if copy_of is None:
            originals.append(article_id)
            recent.append((article_id, title, body))
            del recent[: len(recent) - RECENT_ORIGINALS]


def fill(store: Store, count: int, text_kind: str) -> float:
    """Store `count` articles (if the store holds fewer); seconds it took."""
    with store.engine.connect() as conn:
        have = conn.scalar(select(func.count()).select_from(articles)) or 0
    if have >= count:
        return 0.0
    started = time.perf_counter()
    postgresql = store.engine.dialect.name == "postgresql"
    if postgresql:  # one GIN build at the end is many times faster than a million index updates
        with write_transaction(store.engine) as conn:
            conn.execute(text(f"DROP INDEX IF EXISTS {PG_SEARCH_INDEX}"))
    batch: list[dict[str, Any]] = []
    for row in rows(count, text_kind):
        if row["id"] <= have:
            continue
        batch.append(row)
        if len(batch) == BATCH:
            _insert(store, batch)
            batch = []
            print(f"  stored {row['id']:,}", end="\r", flush=True)
    if batch:
        _insert(store, batch)
    if postgresql:
        with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("SET maintenance_work_mem = '512MB'"))
            conn.execute(text(PG_SEARCH_INDEX_DDL))
            conn.execute(text("VACUUM ANALYZE articles"))
    return time.perf_counter() - started


def link_stories(store: Store) -> None:
    """Give a store filled by an earlier version of this bench (without story ids) its stories."""
    with write_transaction(store.engine) as conn:
        conn.execute(
            articles.update()
            .where(articles.c.story_id.is_(None))
            .values(story_id=func.coalesce(articles.c.duplicate_of, articles.c.id))
        )


def add_states(store: Store) -> None:
    """A state signal row for one article in STATE_EVERY (once per store)."""
    with write_transaction(store.engine) as conn:
        if conn.scalar(
            select(func.count()).select_from(article_signals).where(article_signals.c.kind == "state")
        ):
            return
        conn.execute(
            text(
                "INSERT INTO article_signals (article_id, kind, value, value_key) "
                "SELECT id, 'state', 'MS', 'ms' FROM articles WHERE id % :every = 0"
            ),
            {"every": STATE_EVERY},
        )


def _insert(store: Store, batch: list[dict[str, Any]]) -> None:
    with write_transaction(store.engine) as conn:
        conn.execute(articles.insert(), batch)


def measure(store: Store, repeat: int, size: int) -> dict[str, dict[str, float]]:
    cases = [(label, typed, NO_FILTER) for label, typed in QUERIES.items()]
    cases += [
        (f"{QUERIES['two words']!r}, {label}", QUERIES["two words"], chosen)
        for label, chosen in filters(size).items()
    ]
    found: dict[str, dict[str, float]] = {}
    for label, typed, chosen in cases:
        query = parse_query(typed)
        store.search(query, chosen)  # warm
        times, cpu_times = [], []
        for _ in range(repeat):
            started, cpu_started = time.perf_counter(), time.process_time()
            hits = store.search(query, chosen)
            times.append((time.perf_counter() - started) * 1000)
            cpu_times.append((time.process_time() - cpu_started) * 1000)
        assert len(hits) == 20, f"{typed!r}: expected a full first page, got {len(hits)}"
        found[label] = {
            "median_ms": statistics.median(times),
            "p95_ms": sorted(times)[max(0, int(len(times) * 0.95) - 1)],
            "cpu_ms": statistics.median(cpu_times),
            "matching": matching(store, typed),
        }
    return found


def matching(store: Store, typed: str) -> int:
    """How many stored articles the query matches (the work ranking has to do)."""
    if store.engine.dialect.name == "sqlite":
        from crawler.store.full_text import fts5_match

        statement = text("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH :match")
        parameters = {"match": fts5_match(parse_query(typed))}
        with store.engine.connect() as conn:
            return int(conn.execute(statement, parameters).scalar() or 0)
    from crawler.store.full_text import tsquery

    with store.engine.connect() as conn:
        vector = literal_column("articles.search_vector")
        wanted = tsquery(parse_query(typed))
        counted = select(func.count()).select_from(articles).where(vector.op("@@")(wanted))
        return int(conn.scalar(counted) or 0)


def pg_database(admin_url: str, size: int, text_kind: str) -> str:
    import psycopg

    name = f"newswatch_bench_search_{size}" + ("" if text_kind == "uniform" else f"_{text_kind}")
    plain = admin_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    return plain.rsplit("/", 1)[0] + "/" + name


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--postgres", help="admin URL of a PostgreSQL server to measure too")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--data-dir", type=Path, default=RESULTS, help="where SQLite stores are kept")
    parser.add_argument("--text", choices=TEXTS, default="varied", help="the articles' text (see TEXTS)")
    args = parser.parse_args()
    args.data_dir.mkdir(parents=True, exist_ok=True)
    # the earlier stores (uniform text) keep their names, so a data directory is reused as it is
    suffix = "" if args.text == "uniform" else f"_{args.text}"
    targets = (
        []
        if args.no_sqlite
        else [("sqlite", lambda size: f"sqlite:///{args.data_dir}/search_{size}{suffix}.db")]
    )
    if args.postgres:
        targets.append(("postgresql", lambda size: pg_database(args.postgres, size, args.text)))
    for engine_name, url_of in targets:
        for size in args.sizes:
            with Store.opened(url_of(size)) as store:
                took = fill(store, size, args.text)
                link_stories(store)
                add_states(store)
                if took:
                    print(f"{engine_name} {size:,}: stored in {took:.0f} s" + " " * 20)
                # this process's CPU time: on SQLite all the work, on PostgreSQL only the client's
                cpu_label = "cpu" if engine_name == "sqlite" else "client cpu"
                for label, figures in measure(store, args.repeat, size).items():
                    print(
                        f"{engine_name} {size:>9,} {label:22}  median {figures['median_ms']:7.1f} ms  "
                        f"p95 {figures['p95_ms']:7.1f} ms  {cpu_label} {figures['cpu_ms']:6.1f} ms  "
                        f"({figures['matching']:,.0f} articles match)  load {os.getloadavg()[0]:.1f}"
                    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
