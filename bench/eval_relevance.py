"""Evaluate the topic vocabulary: precision and recall on the labelled sets, flags on NAEB.

    .venv/bin/python bench/eval_relevance.py                 # every split of every set; dev errors listed
    .venv/bin/python bench/eval_relevance.py --list holdout  # list the holdout errors too (after tuning!)
    .venv/bin/python bench/eval_relevance.py --naeb          # also score the 421 NAEB pages
    .venv/bin/python bench/eval_relevance.py --check         # exit 1 if a holdout misses the targets
    .venv/bin/python bench/eval_relevance.py --titles-only   # score the titles alone, leads dropped

The labelled sets, in bench/data/: `relevance_labelled.jsonl`, headlines and leads written
for the project (splits tune/holdout; RELEVANCE_LABELS.md); `relevance_news.jsonl`, real
HuffPost headlines and leads labelled under RELEVANCE_RULE.md (splits dev/holdout), rich in
the hard negatives: immigration stories with no enforcement act; and the fresh sets, labelled
after the first tuning: `relevance_news_extra.jsonl` (more HuffPost items) and
`relevance_headlines.jsonl` (2025-2026 titles, built by bench/build_relevance_headlines.py;
skipped when absent). "fresh" is their two holdouts together; headlines of labelling round 4
to 10 are the set `headlines-4`, with a holdout of its own; rounds 11 and 12, labelled after
the last tuning round, are `headlines-11`, a holdout in whole. "new" is those two holdouts
together. Rounds 13 and 14 are the wider selection (titles without the first selection's
words): rounds 13 to 15 are `headlines-13`, dev in whole (rounds 14 and 15 were holdouts, each
scored once). Rounds 16 to 18 are a second source (bench/build_relevance_mn.py: the Minnesota
surge's headlines, skipped when not built): rounds 16 and 17 are `headlines-16`, dev (round 16
was a holdout, scored once), round 18 `headlines-18`, a holdout in whole.
Tune the vocabulary while looking at the tune and dev splits only; the holdouts keep it honest.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from crawler.topic.relevance import RelevanceResult, Topic  # noqa: E402  (needs the path above)

DEFAULT_TOPIC = ROOT / "config" / "topics" / "immigration-enforcement.yaml"
DEFAULT_LABELS = ROOT / "bench" / "data" / "relevance_labelled.jsonl"
DEFAULT_NEWS = ROOT / "bench" / "data" / "relevance_news.jsonl"
# The fresh sets, labelled after the vocabulary's first tuning: more HuffPost items (committed)
# and 2025-2026 headlines (rebuilt from a clone by bench/build_relevance_headlines.py).
DEFAULT_NEWS_EXTRA = ROOT / "bench" / "data" / "relevance_news_extra.jsonl"
DEFAULT_HEADLINES = ROOT / "bench" / "data" / "relevance_headlines.jsonl"
# Rounds 16 to 18, from a second archive (bench/build_relevance_mn.py): round 16 was a holdout,
# scored once, and is development with round 17 (`headlines-16`); round 18 is a holdout in whole.
DEFAULT_MN_HEADLINES = ROOT / "bench" / "data" / "relevance_headlines_mn.jsonl"
MN_HEADLINES = "headlines-16"
MN_HOLDOUT_HEADLINES = "headlines-18"
MN_HOLDOUT_ROUND = 18
FRESH_SETS = ("news-extra", "headlines")
# Headlines of labelling rounds 4 to 10 (bench/build_relevance_headlines.py), labelled during
# the fourth pass of the vocabulary: a set of their own, so that the fresh figures stay
# comparable with earlier passes and their holdout is read apart. Rounds 11 and 12 were
# labelled after the fourth pass's last tuning round and nobody tuned on them: they are a
# holdout in whole.
LATER_HEADLINES = "headlines-4"
FIRST_LATER_ROUND = 4
FINAL_HEADLINES = "headlines-11"
FINAL_ROUND = 11
# Rounds 13 to 15 are the wider selection (lines without the first selection's words,
# bench/build_relevance_headlines.py): round 13 was labelled and tuned on; rounds 14 and 15
# were holdouts, each scored once, and are development now (`headlines-13` is rounds 13-15).
WIDER_DEV_HEADLINES = "headlines-13"
WIDER_DEV_ROUND = 13
LAST_WIDER_ROUND = 15
# Rounds 9 and 10 had all their errors read, holdout days included, to choose a tuning round:
# their items are development data whatever their day.
READ_ROUNDS = frozenset({9, 10})
DEV_SPLITS = ("tune", "dev")
DEFAULT_NAEB = ROOT.parent / "shared" / "corpus" / "extraction" / "naeb"
TARGET_PRECISION = 0.95
TARGET_RECALL = 0.92


@dataclass(frozen=True)
class Scored:
    item: dict[str, object]
    result: RelevanceResult


@dataclass(frozen=True)
class Metrics:
    tp: int
    fp: int
    fn: int
    tn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def meets_targets(self) -> bool:
        return self.precision >= TARGET_PRECISION and self.recall >= TARGET_RECALL


def metrics(scored: list[Scored]) -> Metrics:
    """Confusion counts of predicted relevance against the labels."""
    tp = sum(1 for s in scored if s.result.relevant and s.item["label"] == 1)
    fp = sum(1 for s in scored if s.result.relevant and s.item["label"] == 0)
    fn = sum(1 for s in scored if not s.result.relevant and s.item["label"] == 1)
    return Metrics(tp, fp, fn, len(scored) - tp - fp - fn)


def load_labelled(path: Path) -> list[dict[str, object]]:
    """The labelled items, one JSON object per line."""
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def score_all(topic: Topic, items: list[dict[str, object]]) -> list[Scored]:
    return [Scored(item, topic.score(str(item["title"]), str(item["lead"]))) for item in items]


def immigration_precision(scored: list[Scored]) -> tuple[int, int, float]:
    """On immigration stories only (enforcement and immigration-but-not-enforcement): the
    number of the latter, how many were flagged, and the precision among the flagged."""
    immigration = [s for s in scored if s.item["kind"] == "immigration"]
    flagged = sum(s.result.relevant for s in immigration)
    tp = sum(1 for s in scored if s.result.relevant and s.item["label"] == 1)
    return len(immigration), flagged, tp / (tp + flagged) if tp + flagged else 1.0


def report_labelled(topic: Topic, sets: dict[str, list[dict[str, object]]], list_split: str) -> bool:
    """Print metrics per set and split and the misclassified items; True when every holdout
    meets the targets."""
    print(f"topic {topic.name!r}, threshold {topic.threshold}")
    print(
        f"{'set':<12} {'split':<8} {'n':>4} {'tp':>4} {'fp':>4} {'fn':>4} "
        f"{'precision':>9} {'recall':>7} {'f1':>6}"
    )
    ok = True
    listed: list[Scored] = []
    holdouts: list[Scored] = []
    fresh: list[Scored] = []
    for set_name, items in sets.items():
        scored = score_all(topic, items)
        for split in sorted({str(s.item["split"]) for s in scored}, key=lambda name: name == "holdout"):
            group = [s for s in scored if s.item["split"] == split]
            m = metrics(group)
            if split == "holdout":
                ok &= m.meets_targets()
                holdouts.extend(group)
                if set_name in FRESH_SETS:
                    fresh.extend(group)
            if list_split == "all" or split == list_split or (list_split == "dev" and split in DEV_SPLITS):
                listed.extend(group)
            print(
                f"{set_name:<12} {split:<8} {len(group):>4} {m.tp:>4} {m.fp:>4} {m.fn:>4} "
                f"{m.precision:>9.3f} {m.recall:>7.3f} {m.f1:>6.3f}"
            )
        kinds = sorted({str(s.item["kind"]) for s in scored})
        splits = [split for split in ("dev", "holdout") if any(s.item["split"] == split for s in scored)]
        for kind in kinds:
            for split in splits if set_name != "written" else ["all"]:
                group = [s for s in scored if s.item["kind"] == kind and split in ("all", s.item["split"])]
                flagged = sum(s.result.relevant for s in group)
                print(f"    {kind:<12} {split:<8} {len(group):>4} items, {flagged:>4} flagged relevant")
        if any(s.item["kind"] == "immigration" for s in scored):
            for split in splits:
                n, flagged, precision = immigration_precision([s for s in scored if s.item["split"] == split])
                print(
                    f"    precision on immigration stories ({split}): {precision:.3f} "
                    f"({flagged} of {n} immigration-but-not-enforcement stories flagged)"
                )
    # "new" stays rounds 4 to 12, comparable with the fourth and fifth passes' figures.
    later = [s for s in holdouts if FIRST_LATER_ROUND <= int(str(s.item.get("round", 0))) < WIDER_DEV_ROUND]
    for name, group in (("all", holdouts), ("fresh", fresh), ("new", later)):
        if not group:
            continue
        m = metrics(group)
        print(
            f"{name:<12} {'holdout':<8} {len(group):>4} {m.tp:>4} {m.fp:>4} {m.fn:>4} "
            f"{m.precision:>9.3f} {m.recall:>7.3f} {m.f1:>6.3f}"
        )
        if name in ("fresh", "new"):
            n, flagged, precision = immigration_precision(group)
            print(
                f"    precision on immigration stories ({name} holdout): {precision:.3f} "
                f"({flagged} of {n} immigration-but-not-enforcement stories flagged)"
            )
    print(f"targets: precision >= {TARGET_PRECISION}, recall >= {TARGET_RECALL} on each holdout")
    for title, wrong in (
        ("false positives", [s for s in listed if s.result.relevant and s.item["label"] == 0]),
        ("false negatives", [s for s in listed if not s.result.relevant and s.item["label"] == 1]),
    ):
        print(f"\n{title} ({list_split}): {len(wrong)}")
        for s in wrong:
            print(f"  {s.item['id']} [{s.item['split']}] {s.result.score:.3f} {s.item['title']}")
            print(f"      matched: {', '.join(s.result.matched_terms) or '-'}")
    return ok


def _cpu_of(work: Callable[[], object]) -> float:
    started = time.process_time()
    work()
    return time.process_time() - started


def report_naeb(topic: Topic, folder: Path) -> None:
    """Score every NAEB page that has its HTML (421 of 424) and list the flagged ones."""
    records = json.loads((folder / "news_articles.json").read_text(encoding="utf-8"))
    pages = [r for r in records if (folder / "html" / f"{r['html_file']}.html.gz").exists()]
    started = time.perf_counter()
    results = [(page, topic.score(page["title"] or "", page["text"] or "")) for page in pages]
    elapsed = time.perf_counter() - started

    # CPU time, best of three passes: on a shared machine wall time measures the neighbours.
    def score_all_pages() -> object:
        return [topic.score(p["title"] or "", p["text"] or "") for p in pages]

    cpu = min(_cpu_of(score_all_pages) for _ in range(3))
    flagged = sorted((r for r in results if r[1].relevant), key=lambda r: -r[1].score)
    print(
        f"\nNAEB: {len(pages)} pages scored in {elapsed * 1000:.0f} ms "
        f"({elapsed * 1e6 / max(len(pages), 1):.0f} us per page; CPU {cpu * 1e6 / max(len(pages), 1):.0f} us "
        f"per page, best of 3); {len(flagged)} flagged relevant"
    )
    for page, result in flagged:
        print(f"  id {page['id']:>3}  {result.score:.3f}  {page['title']}")
        print(f"      matched: {', '.join(result.matched_terms)}")
    near = sorted(
        (r for r in results if not r[1].relevant and r[1].score > 0),
        key=lambda r: (-r[1].score, -len(r[1].matched_terms)),
    )
    print(f"\nNAEB pages closest to the threshold (of {len(near)} with any score):")
    for page, result in near[:10]:
        print(f"  id {page['id']:>3}  {result.score:.3f}  {page['title']}")
        print(f"      matched: {', '.join(result.matched_terms)}")


def load_sets(
    labels: Path, news: Path, news_extra: Path, headlines_path: Path, mn_headlines_path: Path
) -> dict[str, list[dict[str, object]]]:
    """Every labelled set by name, with the splits the evaluation reads (headline rounds 4-10
    are `headlines-4`, rounds 9 and 10 all dev; rounds 11 and 12 are `headlines-11`, all
    holdout)."""
    sets = {
        "written": load_labelled(labels),
        "news": load_labelled(news),
        "news-extra": load_labelled(news_extra),
    }
    if headlines_path.exists():
        headlines = load_labelled(headlines_path)
        by_round = [(int(str(item.get("round", 1))), item) for item in headlines]
        sets["headlines"] = [item for round_, item in by_round if round_ < FIRST_LATER_ROUND]
        later = [
            {**item, "split": "dev"} if round_ in READ_ROUNDS else item
            for round_, item in by_round
            if FIRST_LATER_ROUND <= round_ < FINAL_ROUND
        ]
        final = [
            {**item, "split": "holdout"}
            for round_, item in by_round
            if FINAL_ROUND <= round_ < WIDER_DEV_ROUND
        ]
        wider_dev = [
            {**item, "split": "dev"}
            for round_, item in by_round
            if WIDER_DEV_ROUND <= round_ <= LAST_WIDER_ROUND
        ]
        for name, group in (
            (LATER_HEADLINES, later),
            (FINAL_HEADLINES, final),
            (WIDER_DEV_HEADLINES, wider_dev),
        ):
            if group:
                sets[name] = group
    else:
        print(f"{headlines_path} not built (bench/build_relevance_headlines.py --mirror DIR); skipped")
    if mn_headlines_path.exists():
        mn_items = load_labelled(mn_headlines_path)
        sets[MN_HEADLINES] = [
            {**item, "split": "dev"} for item in mn_items if item["round"] < MN_HOLDOUT_ROUND
        ]
        holdout = [{**item, "split": "holdout"} for item in mn_items if item["round"] == MN_HOLDOUT_ROUND]
        if holdout:
            sets[MN_HOLDOUT_HEADLINES] = holdout
    else:
        print(f"{mn_headlines_path} not built (bench/build_relevance_mn.py --mirror DIR); skipped")
    return sets


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--topic", type=Path, default=DEFAULT_TOPIC, help="topic YAML file")
    parser.add_argument("--labels", type=Path, default=DEFAULT_LABELS, help="the written labelled set")
    parser.add_argument("--news", type=Path, default=DEFAULT_NEWS, help="the real-news labelled set")
    parser.add_argument("--news-extra", type=Path, default=DEFAULT_NEWS_EXTRA, help="the fresh HuffPost set")
    parser.add_argument(
        "--headlines",
        type=Path,
        default=DEFAULT_HEADLINES,
        help="the 2025-2026 headline set (built by bench/build_relevance_headlines.py)",
    )
    parser.add_argument(
        "--mn-headlines",
        type=Path,
        default=DEFAULT_MN_HEADLINES,
        help="round 16, the Minnesota surge's headlines (built by bench/build_relevance_mn.py)",
    )
    parser.add_argument(
        "--list",
        dest="list_split",
        choices=["dev", "holdout", "all", "none"],
        default="dev",
        help="which splits' errors to list (default: dev, i.e. tune and dev)",
    )
    parser.add_argument(
        "--naeb",
        nargs="?",
        const=DEFAULT_NAEB,
        type=Path,
        default=None,
        help="also score the NAEB development pages (folder; default ../shared/...)",
    )
    parser.add_argument("--check", action="store_true", help="exit 1 when a holdout misses the targets")
    parser.add_argument(
        "--titles-only",
        action="store_true",
        help="drop every lead: how the topic does on a bare headline, with labels read from the lead",
    )
    args = parser.parse_args(argv)
    topic = Topic.from_file(args.topic)
    sets = load_sets(args.labels, args.news, args.news_extra, args.headlines, args.mn_headlines)
    if args.titles_only:
        # Feeds often carry a title and nothing else; the HuffPost and written items, labelled
        # with their lead, show what the topic misses when only the headline is there.
        sets = {name: [{**item, "lead": ""} for item in items] for name, items in sets.items()}
    ok = report_labelled(topic, sets, args.list_split)
    if args.naeb is not None:
        if not (args.naeb / "news_articles.json").exists():
            print(f"\nNAEB corpus not found at {args.naeb}; skipped")
        else:
            report_naeb(topic, args.naeb)
    return 1 if args.check and not ok else 0


if __name__ == "__main__":
    sys.exit(main())
