"""Precision and recall of duplicate detection on the labelled set of bench/build_dedup_set.py.

    .venv/bin/python bench/build_dedup_set.py          # once: writes bench/results/dedup_set.jsonl
    .venv/bin/python bench/eval_dedup.py               # default scheme and thresholds, per kind
    .venv/bin/python bench/eval_dedup.py --sweep       # also a small sweep of thresholds and bands
    .venv/bin/python bench/eval_dedup.py --check       # exit 1 below the targets

Arrival is simulated as the store sees it: phase-1 pages (originals, boilerplate seeds) in
corpus order, then everything else in a fixed shuffled order. Each page goes through the
dedupe chain of the store: canonical URL already seen, then the exact content hash, then the
near-duplicate index (``crawler.store.neardup_index`` on an in-memory SQLite database). A page
that none of them links is a new original and is indexed, so later pages are checked against
everything stored before them, copies' false matches included.

A link is right when it points into the page's own story. Precision = right links / all links;
recall = right links / copies. Targets: precision >= 0.99, recall >= 0.95.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from crawler.core.urls import canonical_url  # noqa: E402
from crawler.dedup.content_hash import content_hash  # noqa: E402  (needs the path above)
from crawler.dedup.minhash import (  # noqa: E402
    DEFAULT_SCHEME,
    DEFAULT_THRESHOLDS,
    MinHashSignature,
    Scheme,
    Thresholds,
    minhash_signature,
)
from crawler.store import neardup_index  # noqa: E402
from crawler.store.schema import metadata  # noqa: E402

DEFAULT_SET = ROOT / "bench" / "results" / "dedup_set.jsonl"
TARGET_PRECISION = 0.99
TARGET_RECALL = 0.95
KIND_ORDER = (
    "template",
    "headline",
    "local_paragraph",
    "cut_end",
    "punctuation",
    "combined",
    "tracking_url",
    "original",
    "boilerplate_seed",
    "shared_boilerplate",
    "follow_up_quote",
)


@dataclass
class Outcome:
    record: dict[str, object]
    stage: str  # url | exact | near | new | short (too few words for a signature)
    linked_story: str | None
    seconds: float = 0.0  # near-duplicate lookup time
    candidates: int = 0
    original_was_candidate: bool = False  # the story's stored original came back from the band lookup

    @property
    def right(self) -> bool:
        return self.linked_story is not None and self.linked_story == self.record["story"]


@dataclass
class Result:
    outcomes: list[Outcome] = field(default_factory=list)

    def counts(self, kinds: set[str] | None = None) -> tuple[int, int, int]:
        """(right links, wrong links, copies) over the given kinds (all when None)."""
        chosen = [o for o in self.outcomes if kinds is None or o.record["kind"] in kinds]
        right = sum(o.right for o in chosen)
        wrong = sum(o.linked_story is not None and not o.right for o in chosen)
        return right, wrong, sum(o.record["role"] == "copy" for o in chosen)

    @property
    def precision(self) -> float:
        right, wrong, _ = self.counts()
        return right / (right + wrong) if right + wrong else 1.0

    @property
    def recall(self) -> float:
        right, _, copies = self.counts()
        return right / copies if copies else 1.0


def arrival_order(records: list[dict[str, object]], seed: int) -> list[dict[str, object]]:
    first = [r for r in records if r["phase"] == 1]
    later = [r for r in records if r["phase"] != 1]
    random.Random(seed).shuffle(later)
    return first + later


def simulate(
    records: list[dict[str, object]],
    signatures: dict[str, MinHashSignature | None],
    thresholds: Thresholds,
    scheme: Scheme,
) -> Result:
    """Run every page through URL, exact and near-duplicate checks against what came before it."""
    engine = create_engine("sqlite://")
    metadata.create_all(engine, tables=[neardup_index.article_bands, neardup_index.article_signatures])
    story_of: dict[int, str] = {}
    first_of_story: dict[str, int] = {}
    by_url: dict[str, str] = {}
    by_hash: dict[str, str] = {}
    result = Result()
    with engine.begin() as conn:
        for number, record in enumerate(records, start=1):
            url = canonical_url(str(record["url"])) or str(record["url"])
            digest = content_hash(str(record["text"]))
            fp = signatures[str(record["id"])]
            if url in by_url:
                outcome = Outcome(record, "url", by_url[url])
            elif digest in by_hash:
                outcome = Outcome(record, "exact", by_hash[digest])
            elif fp is None:
                outcome = Outcome(record, "short", None)
            else:
                started = time.perf_counter()
                match = neardup_index.find_original(conn, fp, thresholds, scheme=scheme)
                elapsed = time.perf_counter() - started
                found = neardup_index.candidates(conn, fp)
                linked = story_of[match.article_id] if match else None
                outcome = Outcome(
                    record,
                    "near" if match else "new",
                    linked,
                    elapsed,
                    len(found),
                    first_of_story.get(str(record["story"])) in found,
                )
                if match is None:
                    neardup_index.add_signature(conn, number, fp)
            if outcome.linked_story is None:
                story_of[number] = str(record["story"])
                first_of_story.setdefault(str(record["story"]), number)
                by_hash.setdefault(digest, str(record["story"]))
            by_url.setdefault(url, outcome.linked_story or str(record["story"]))
            result.outcomes.append(outcome)
    engine.dispose()
    return result


def print_kinds(result: Result) -> None:
    by_kind: dict[str, list[Outcome]] = defaultdict(list)
    for outcome in result.outcomes:
        by_kind[str(outcome.record["kind"])].append(outcome)
    header = ("kind", "n", "url", "exact", "near", "missed", "wrong", "recall")
    print(f"{header[0]:20} " + " ".join(f"{name:>6}" for name in header[1:]))
    for kind in sorted(by_kind, key=lambda k: KIND_ORDER.index(k) if k in KIND_ORDER else 99):
        outcomes = by_kind[kind]
        stages = Counter(o.stage for o in outcomes if o.right)
        copies = [o for o in outcomes if o.record["role"] == "copy"]
        missed = sum(o.linked_story is None for o in copies)
        wrong = sum(o.linked_story is not None and not o.right for o in outcomes)
        recall = f"{sum(o.right for o in copies) / len(copies):.3f}" if copies else "-"
        cells = (len(outcomes), stages["url"], stages["exact"], stages["near"], missed, wrong, recall)
        print(f"{kind:20} " + " ".join(f"{cell:>6}" for cell in cells))


def print_summary(result: Result, label: str) -> None:
    right, wrong, copies = result.counts()
    missed = [o for o in result.outcomes if o.record["role"] == "copy" and o.linked_story is None]
    rejected = sum(o.original_was_candidate for o in missed)
    print(
        f"{label}: precision {result.precision:.4f}  recall {result.recall:.4f}  "
        f"({right} right links, {wrong} wrong, {copies - right} copies missed: {len(missed) - rejected} "
        f"never candidates, {rejected} below the thresholds)"
    )
    near = [o for o in result.outcomes if o.stage in ("near", "new")]
    reached = [o for o in near if o.record["role"] == "copy"]
    wrong_near = sum(o.linked_story is not None and not o.right for o in near)
    print(
        f"  near-duplicate check alone: {sum(o.right for o in reached)} of the {len(reached)} copies that "
        f"reached it linked right, {wrong_near} wrong links"
    )
    times = sorted(o.seconds for o in near)
    if times:
        print(
            f"  near-duplicate lookups: {len(times)}, median {statistics.median(times) * 1000:.2f} ms, "
            f"p95 {times[int(0.95 * (len(times) - 1))] * 1000:.2f} ms, candidates mean "
            f"{statistics.mean(o.candidates for o in near):.2f} max {max(o.candidates for o in near)}"
        )


def print_pairs(result: Result, pairs_path: Path) -> None:
    """The same-day, same-topic corpus pairs: was the later one linked to the earlier?"""
    if not pairs_path.exists():
        return
    pairs = json.loads(pairs_path.read_text())
    outcome_of = {str(o.record["id"]): o for o in result.outcomes}
    linked = [p for p in pairs if outcome_of[p["second"]].linked_story is not None]
    print(f"same-day same-topic pairs: {len(pairs)}, later one linked to anything: {len(linked)}")


def signatures_for(records: list[dict[str, object]], scheme: Scheme) -> dict[str, MinHashSignature | None]:
    return {str(r["id"]): minhash_signature(str(r["text"]), scheme) for r in records}


def sweep(records: list[dict[str, object]]) -> None:
    print("\nsweep (thresholds: containment/Jaccard; scheme: shingle words, bands x rows)")
    print(
        f"{'scheme':>16} {'thresholds':>11} {'precision':>9} {'recall':>7} {'wrong':>5} {'missed':>6} "
        f"{'cand':>5}"
    )
    schemes = [DEFAULT_SCHEME] + [
        Scheme(shingle_words=w, bands=b, rows=r)
        for w, b, r in ((4, 32, 2), (3, 32, 2), (5, 24, 2), (5, 48, 2), (5, 64, 2), (5, 42, 3), (5, 32, 4))
        if (w, b, r) != (DEFAULT_SCHEME.shingle_words, DEFAULT_SCHEME.bands, DEFAULT_SCHEME.rows)
    ]
    grid = [Thresholds(c, j) for c in (0.3, 0.4, 0.5, 0.6, 0.7) for j in (0.1, 0.15, 0.2, 0.25, 0.3)]
    for scheme in schemes:
        fps = signatures_for(records, scheme)
        for thresholds in grid if scheme == DEFAULT_SCHEME else [DEFAULT_THRESHOLDS]:
            result = simulate(records, fps, thresholds, scheme)
            right, wrong, copies = result.counts()
            near = [o.candidates for o in result.outcomes if o.stage in ("near", "new")]
            label = f"{scheme.shingle_words}w {scheme.bands}x{scheme.rows}"
            print(
                f"{label:>16} {thresholds.min_containment:.2f}/{thresholds.min_jaccard:.2f} "
                f"{result.precision:9.4f} {result.recall:7.4f} {wrong:5} {copies - right:6} "
                f"{statistics.mean(near):5.2f}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", type=Path, default=DEFAULT_SET)
    parser.add_argument("--seed", type=int, default=5, help="arrival order of phase-2 pages")
    parser.add_argument("--sweep", action="store_true", help="also sweep thresholds and band layouts")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args()
    if not args.set.exists():
        sys.exit(f"{args.set} is missing: run bench/build_dedup_set.py first")
    records = arrival_order([json.loads(line) for line in args.set.open(encoding="utf-8")], args.seed)
    result = simulate(records, signatures_for(records, DEFAULT_SCHEME), DEFAULT_THRESHOLDS, DEFAULT_SCHEME)
    scheme, thresholds = DEFAULT_SCHEME, DEFAULT_THRESHOLDS
    print(
        f"{len(records)} pages; scheme {scheme.shingle_words}-word shingles, {scheme.slots} slots, "
        f"{scheme.bands} bands x {scheme.rows} rows; containment >= {thresholds.min_containment}, "
        f"Jaccard >= {thresholds.min_jaccard}\n"
    )
    print_kinds(result)
    print()
    print_summary(result, "whole chain (URL, exact hash, near-duplicate)")
    print_pairs(result, args.set.with_name(args.set.stem + "_pairs.json"))
    if args.sweep:
        sweep(records)
    if args.check and (result.precision < TARGET_PRECISION or result.recall < TARGET_RECALL):
        sys.exit(1)


if __name__ == "__main__":
    main()
