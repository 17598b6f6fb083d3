"""Pair precision and recall of both relations on the real republications of build_republication_set.py.

    .venv/bin/python bench/build_republication_set.py     # once: bench/results/republications*.jsonl
    .venv/bin/python bench/eval_republications.py         # every pair kind, development and holdout
    .venv/bin/python bench/eval_republications.py --json  # the figures as JSON (the floor test reads them)
    .venv/bin/python bench/eval_republications.py --missed  # the development split's unlinked copy
                                                            # and write-thru pairs

Every page is saved through the real store (``Store.save_article`` on a SQLite file in a
temporary folder) in the order it was scraped, with its text as the scraper kept it
(paragraphs, furniture and captions included). Afterwards two pages are linked as the same
text when they end at the same original (``duplicate_of``), and as one story when they have
the same ``story_id``.

For ``duplicate_of`` the positives are the copy pairs and the negatives the different-story
pairs of one event; write-thru pairs are neither (the same story, not the same text). For
stories the positives are copy and write-thru pairs, the negatives the same. Precision is
right links over all links; recall is linked positives over positives.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import defaultdict
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from crawler.dedup.content_hash import hash_of_normalized, normalize_text  # noqa: E402
from crawler.dedup.lead import anchored_run  # noqa: E402
from crawler.dedup.minhash import signature_of_normalized, similarity  # noqa: E402
from crawler.dedup.stories import headline_family_between, headlines_of, lower_containment  # noqa: E402
from crawler.store import ArticleRecord, Store  # noqa: E402

SET = ROOT / "bench" / "results" / "republications.jsonl"
PAIRS = ROOT / "bench" / "results" / "republications_pairs.jsonl"
POSITIVE_KINDS = ("exact", "plain", "cut", "missing_top", "furniture", "transitive")
NEGATIVE_KINDS = ("quoted_brief", "shared_sentence", "unrelated_text")


def page_record(page: dict[str, Any]) -> ArticleRecord:
    paragraphs = [part.strip() for part in str(page["text"]).split("###")]
    text = "\n\n".join(part for part in paragraphs if part)
    normalized = normalize_text(text)
    at = datetime.fromisoformat(str(page["scrape_time"]))
    url = f"https://{page['publisher']}/page/{page['id']}"
    return ArticleRecord(
        url=url,
        canonical_url=url,
        feed_id=None,
        source=str(page["publisher"]),
        site=str(page["publisher"]).split("/")[0],
        title=paragraphs[0] if paragraphs else None,
        text=text,
        authors=[],
        published=None,
        language="en",
        sitename=None,
        description=None,
        page_canonical_url=None,
        relevance=1.0,
        relevant=True,
        matched_terms=[],
        content_hash=hash_of_normalized(normalized),
        fetched_at=at,
        signature=signature_of_normalized(normalized),
    )


def store_pages(
    pages: list[dict[str, Any]], folder: Path
) -> tuple[dict[str, tuple[int, int]], dict[str, int]]:
    """Save every page in scrape order; page id -> (its original's id, its story's id), and the
    stored relations' ``faults``."""
    ordered = sorted(pages, key=lambda p: (datetime.fromisoformat(str(p["scrape_time"])), str(p["id"])))
    store = Store.open(f"sqlite:///{folder / 'republications.db'}")
    try:
        article_of = {}
        for page in ordered:
            outcome = store.save_article(page_record(page))
            assert outcome.article_id is not None
            article_of[str(page["id"])] = outcome.article_id
        relations = store.relations()
    finally:
        store.close()
    return {page_id: relations[article_id] for page_id, article_id in article_of.items()}, faults(relations)


def faults(relations: dict[int, tuple[int, int]]) -> dict[str, int]:
    """What would make pair links depend on how chains are read: a copy whose original is itself
    a copy, or a copy outside its original's story. Both must be 0, so linking is transitive."""
    return {
        "copy_of_a_copy": sum(relations[original][0] != original for original, _story in relations.values()),
        "copy_outside_its_story": sum(
            story != relations[original][1] for original, story in relations.values()
        ),
    }


def score(
    pairs: list[dict[str, Any]], linked: dict[str, tuple[int, int]], holdout: bool | None
) -> dict[str, Any]:
    chosen = [p for p in pairs if holdout is None or p["holdout"] == holdout]
    figures: dict[str, Any] = {}
    for relation_index, relation in enumerate(("duplicate_of", "story")):
        positives = {"copy"} if relation == "duplicate_of" else {"copy", "write_thru"}
        by_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # [linked, total]
        for pair in chosen:
            if pair["relation"] == "unlabelled" or (
                relation == "duplicate_of" and pair["relation"] == "write_thru"
            ):
                continue
            same = linked[pair["a"]][relation_index] == linked[pair["b"]][relation_index]
            kind = pair["kind"]
            if pair["relation"] == "write_thru" and kind == "transitive":
                kind = "write_thru_transitive"
            counts = by_kind[kind if pair["relation"] in positives else "neg:" + kind]
            counts[0] += same
            counts[1] += 1
        true_links = sum(c[0] for k, c in by_kind.items() if not k.startswith("neg:"))
        positives_total = sum(c[1] for k, c in by_kind.items() if not k.startswith("neg:"))
        false_links = sum(c[0] for k, c in by_kind.items() if k.startswith("neg:"))
        figures[relation] = {
            "precision": true_links / (true_links + false_links) if true_links + false_links else 1.0,
            "recall": true_links / positives_total if positives_total else 1.0,
            "kinds": {kind: {"linked": c[0], "pairs": c[1]} for kind, c in sorted(by_kind.items())},
        }
    return figures


def evaluate(set_path: Path = SET, pairs_path: Path = PAIRS, missed: bool = False) -> dict[str, Any]:
    pages = [json.loads(line) for line in set_path.read_text(encoding="utf-8").splitlines()]
    pairs = [json.loads(line) for line in pairs_path.read_text(encoding="utf-8").splitlines()]
    with tempfile.TemporaryDirectory() as folder:
        linked, found_faults = store_pages(pages, Path(folder))
    if missed:
        print_missed(pages, pairs, linked)
    return {
        "pages": len(pages),
        "faults": found_faults,
        "all": score(pairs, linked, None),
        "development": score(pairs, linked, False),
        "holdout": score(pairs, linked, True),
    }


def print_missed(
    pages: list[dict[str, Any]], pairs: list[dict[str, Any]], linked: dict[str, tuple[int, int]]
) -> None:
    """The development split's copy pairs that ``duplicate_of`` left apart, with where the shorter
    text lies in the longer (never the holdout's: thresholds are chosen on these alone)."""
    text_of = {str(p["id"]): page_record(p).text for p in pages}
    for pair in pairs:
        a, b = pair["a"], pair["b"]
        if pair["holdout"] or pair["relation"] != "copy" or linked[a][0] == linked[b][0]:
            continue
        run = anchored_run(text_of[a], text_of[b])
        print(
            f"{pair['kind']:11} {a} ({len(text_of[a])} chars) {b} ({len(text_of[b])} chars): containment "
            f"{run.containment:.2f}, at start {run.at_start}, at end {run.at_end}"
        )
    print()
    print_missed_write_thrus(pages, pairs, linked)


def print_missed_write_thrus(
    pages: list[dict[str, Any]], pairs: list[dict[str, Any]], linked: dict[str, tuple[int, int]]
) -> None:
    """The development split's directly labelled write-thru pairs left in two stories, with what the
    story rule reads of them (the titles are each page's first line, as the scrape kept it)."""
    record_of = {str(p["id"]): page_record(p) for p in pages}
    for pair in pairs:
        a, b = pair["a"], pair["b"]
        if pair["holdout"] or pair["kind"] != "write_thru" or linked[a][1] == linked[b][1]:
            continue
        first, second = record_of[a], record_of[b]
        assert first.signature is not None and second.signature is not None
        family = headline_family_between(
            headlines_of(first.title, first.text), headlines_of(second.title, second.text)
        )
        print(
            f"write_thru  {a} {b}: estimated Jaccard {similarity(first.signature, second.signature):.2f}, "
            f"lower paragraphs {lower_containment(first.text, second.text):.2f}, headline family "
            f"{family}: {first.title!r:.50} / {second.title!r:.50}"
        )
    print()


def print_figures(figures: dict[str, Any]) -> None:
    print(f"{figures['pages']} real pages, saved through the store in scrape order")
    print(", ".join(f"{name.replace('_', ' ')}: {n}" for name, n in figures["faults"].items()) + "\n")
    for relation in ("duplicate_of", "story"):
        print(relation)
        for split in ("development", "holdout", "all"):
            f = figures[split][relation]
            print(f"  {split:12} precision {f['precision']:.4f}  recall {f['recall']:.4f}")
        print(f"  {'pair kind':26} {'linked':>7} {'pairs':>7} {'share':>7}")
        for kind, counts in figures["all"][relation]["kinds"].items():
            share = counts["linked"] / counts["pairs"] if counts["pairs"] else 0.0
            print(f"  {kind:26} {counts['linked']:7} {counts['pairs']:7} {share:7.3f}")
        print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument(
        "--missed",
        action="store_true",
        help="first list the development split's missed copy and write-thru pairs",
    )
    args = parser.parse_args()
    if not SET.exists() or not PAIRS.exists():
        sys.exit(f"{SET} is missing: run bench/build_republication_set.py first")
    figures = evaluate(missed=args.missed)
    if args.json:
        print(json.dumps(figures, indent=1))
    else:
        print_figures(figures)


if __name__ == "__main__":
    main()
