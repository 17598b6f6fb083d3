"""Score the facts (agencies, actions, states, counts of people, event date) on the gold set.

    .venv/bin/python bench/build_signals_set.py --mirror ...   # once: rebuild the texts
    .venv/bin/python bench/eval_signals.py                     # every split and all; dev's errors
    .venv/bin/python bench/eval_signals.py --errors former-holdout --show dev,former-holdout
    .venv/bin/python bench/eval_signals.py --json              # the figures only, as JSON

The labels and their rules are in bench/data/ (SIGNALS_RULE.md). Tune the extractor on the
`dev`, `former-holdout`, `holdout-2` and `holdout-3` splits (the first three holdouts, retired
once each had been scored); `holdout-4` keeps it honest: the table leaves it (and `all`, which
holds it) out unless `--show` names it. The cost line is the median CPU time of `extract_facts`
per article once the gazetteers are loaded (the least of three runs each).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from crawler.topic.facts import Facts, extract_facts  # noqa: E402  (needs the path above)

LABELS = ROOT / "bench" / "data" / "signals_labelled.jsonl"
ARTICLES = ROOT / "bench" / "data" / "signals_articles.jsonl"
SIGNALS = ("agencies", "actions", "states", "counts", "event_date")
SPLITS = ("dev", "former-holdout", "holdout-2", "holdout-3", "holdout-4", "all")
# The table shows by default only what may be tuned on: holdout-4 is scored once, asked for by name.
TUNING = ("dev", "former-holdout", "holdout-2", "holdout-3")


class ArticlesMissing(RuntimeError):
    """The texts have not been rebuilt (bench/build_signals_set.py)."""


@dataclass
class Tally:
    """True and false positives and false negatives of one signal, with the errors' details."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


@dataclass(frozen=True)
class Case:
    label: dict[str, Any]
    facts: Facts
    seconds: float


def load_cases() -> list[Case]:
    """Every labelled article with the facts extracted from it (gazetteers loaded first)."""
    if not ARTICLES.exists():
        raise ArticlesMissing(f"{ARTICLES.relative_to(ROOT)} is absent: run bench/build_signals_set.py first")
    labels = [json.loads(line) for line in LABELS.read_text(encoding="utf-8").splitlines() if line.strip()]
    articles = {
        article["id"]: article
        for article in (json.loads(line) for line in ARTICLES.read_text(encoding="utf-8").splitlines())
    }
    extract_facts("warm-up", "Agents detained 12 workers in Houston, Texas, on Monday.", date(2020, 1, 1))
    cases = []
    for label in labels:
        article = articles[label["id"]]
        published = date.fromisoformat(article["published"])
        # The least of three runs: the machine's load only ever adds time.
        seconds = []
        for _ in range(3):
            started = time.process_time()
            facts = extract_facts(article["title"], article["text"], published)
            seconds.append(time.process_time() - started)
        cases.append(Case(label, facts, min(seconds)))
    return cases


def _values(kind: str, source: dict[str, Any] | Facts) -> set[str]:
    if isinstance(source, Facts):
        if kind == "counts":
            return {f"{count.number} {count.outcome}" for count in source.counts}
        return set(getattr(source, kind))
    if kind == "counts":
        return {f"{count['number']} {count['outcome']}" for count in source["counts"]}
    return set(source[kind])


def score(cases: Iterable[Case]) -> dict[str, Tally]:
    tallies = {kind: Tally() for kind in SIGNALS}
    for case in cases:
        label, facts = case.label, case.facts
        for kind in SIGNALS[:4]:
            gold, found = _values(kind, label), _values(kind, facts)
            tally = tallies[kind]
            tally.tp += len(gold & found)
            tally.fp += len(found - gold)
            tally.fn += len(gold - found)
            tally.errors += [f"{label['id']}: extra {value}" for value in sorted(found - gold)]
            tally.errors += [f"{label['id']}: missed {value}" for value in sorted(gold - found)]
        gold_day = label["event_date"]
        found_day = facts.event_date.isoformat() if facts.event_date else None
        tally = tallies["event_date"]
        if found_day and found_day == gold_day:
            tally.tp += 1
        else:
            tally.fp += found_day is not None
            tally.fn += gold_day is not None
            if found_day or gold_day:
                tally.errors.append(f"{label['id']}: gave {found_day}, text says {gold_day}")
    return tallies


def split_cases(cases: list[Case], split: str) -> list[Case]:
    return [case for case in cases if split == "all" or case.label["split"] == split]


def figures(cases: list[Case]) -> dict[str, Any]:
    """{split: {signal: {precision, recall}}} plus the median cost in milliseconds."""
    result: dict[str, Any] = {}
    for split in SPLITS:
        tallies = score(split_cases(cases, split))
        result[split] = {
            kind: {"precision": round(t.precision, 3), "recall": round(t.recall, 3)}
            for kind, t in tallies.items()
        }
    result["median_ms"] = round(statistics.median(case.seconds for case in cases) * 1000, 2)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--errors", choices=SPLITS, default="dev", help="list the errors of this split [dev]")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON only")
    parser.add_argument(
        "--show",
        default=",".join(TUNING),
        help="comma-separated splits for the table [the tuning splits; holdout-4 and all by name]",
    )
    args = parser.parse_args()
    try:
        cases = load_cases()
    except ArticlesMissing as missing:
        print(f"eval_signals: {missing}", file=sys.stderr)
        return 2
    result = figures(cases)
    shown = [split for split in SPLITS if split in args.show.split(",")]
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(f"{len(cases)} articles; extract_facts median {result['median_ms']} ms CPU per article\n")
    print(f"{'signal':<11}" + "".join(f"{split:>17}" for split in shown))
    for kind in SIGNALS:
        row = "".join(
            f"   P {result[split][kind]['precision']:.2f} R {result[split][kind]['recall']:.2f}"
            for split in shown
        )
        print(f"{kind:<11}{row}")
    print(f"\nErrors on {args.errors}:")
    for kind, tally in score(split_cases(cases, args.errors)).items():
        if tally.errors:
            print(f"  {kind} ({len(tally.errors)}):")
            for error in tally.errors:
                print(f"    {error}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
