"""Extraction against bare trafilatura, page by page, on the development corpora.

    .venv/bin/python bench/eval_extraction.py                  # both corpora, both splits
    .venv/bin/python bench/eval_extraction.py --corpus naeb --worst 20
    .venv/bin/python bench/eval_extraction.py --json
    .venv/bin/python bench/eval_extraction.py --mirror DIR --split dev --worst 25  # DIR: a snapshot's git dir
    .venv/bin/python bench/eval_extraction.py --mirror /work/.mirror/flairNLP+fundus/repo --json

Scores exactly as ../shared/tools/extract_score.py does (that file is imported), and adds what
an average hides: the pages where newswatch's F1 is more than ``FAR_BELOW`` under bare
trafilatura's on the same page, and the worst pages by that difference. Each corpus is split
by a hash of the page's URL into ``tune`` (four fifths) and ``holdout`` (one fifth), reported
apart, so a change tuned on the pages one looks at can be checked on pages one did not.

``--mirror GIT_DIR`` scores instead a labelled set read from a fetched git snapshot (the
article-extraction benchmark, see bench/mirror_corpus.py), split into ``dev`` (two thirds)
and ``holdout`` (one third) by URL hash; its pages are never copied into the repo. A snapshot
of flairNLP/fundus is recognised by its parser test data and scored as the ``fundus`` set (see
bench/fundus_corpus.py), split the same way.
Every run also prints the CPU time (``time.process_time``) newswatch's extraction took.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import trafilatura  # noqa: E402  (after the path, like the project import below)

from bench.fundus_corpus import is_fundus_snapshot, load_fundus  # noqa: E402
from bench.mirror_corpus import load_mirror  # noqa: E402
from bench.mirror_corpus import split_of as mirror_split_of  # noqa: E402
from crawler.pages.extraction import extract_text  # noqa: E402  (needs the path above)

SCORER = ROOT.parent / "shared" / "tools" / "extract_score.py"
CORPORA = ("naeb", "newspaper4k")
FAR_BELOW = 0.2  # a page this much under bare trafilatura's F1 is a lost article, not noise
HOLDOUT_SHARE = 5  # one page in five, by URL hash


def load_scorer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("extract_score", SCORER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def split_of(url: str) -> str:
    digest = hashlib.sha256(url.encode("utf-8")).digest()
    return "holdout" if digest[0] % HOLDOUT_SHARE == 0 else "tune"


@dataclass(frozen=True)
class PageScore:
    url: str
    split: str
    ours: float
    bare: float
    gold_chars: int
    ours_chars: int
    bare_chars: int

    @property
    def below_bare(self) -> float:
        return self.bare - self.ours


def score_pages(
    scorer: ModuleType, pages: Iterable[tuple[str, str, str]], split_by: Callable[[str], str]
) -> tuple[list[PageScore], list[tuple[str, str, str, str]], float]:
    """Per-page F1 of newswatch and of bare trafilatura, the (split, gold, ours, bare) texts, and
    the CPU seconds newswatch's extraction took."""
    rows, texts, cpu = [], [], 0.0
    for url, html, gold in pages:
        started = time.process_time()
        ours = extract_text(html, url) or ""
        cpu += time.process_time() - started
        bare = trafilatura.extract(html, url=url) or ""
        split = split_by(url)
        rows.append(
            PageScore(
                url,
                split,
                scorer.score([(gold, ours)])["f1"],
                scorer.score([(gold, bare)])["f1"],
                len(gold),
                len(ours),
                len(bare),
            )
        )
        texts.append((split, gold, ours, bare))
    return rows, texts, cpu


def far_below(rows: list[PageScore]) -> list[PageScore]:
    """Pages where newswatch's F1 is more than FAR_BELOW under bare trafilatura's."""
    return [row for row in rows if row.below_bare > FAR_BELOW]


def summary(
    scorer: ModuleType,
    corpus: str,
    pages: Iterable[tuple[str, str, str]],
    split_by: Callable[[str], str],
    splits: tuple[str, ...],
    worst: int,
    worst_split: str | None = None,
) -> dict[str, object]:
    rows, texts, cpu = score_pages(scorer, pages, split_by)
    result: dict[str, object] = {"corpus": corpus, "splits": splits, "cpu_seconds": round(cpu, 2)}
    for split in (*splits, "all"):
        chosen = [t for t in texts if split in ("all", t[0])]
        chosen_rows = [r for r in rows if split in ("all", r.split)]
        result[split] = {
            "pages": len(chosen),
            "newswatch": scorer.score([(gold, ours) for _s, gold, ours, _b in chosen]),
            "trafilatura": scorer.score([(gold, bare) for _s, gold, _o, bare in chosen]),
            "far_below_trafilatura": len(far_below(chosen_rows)),
        }
    listed = [row for row in rows if worst_split in (None, row.split)]
    result["worst"] = [asdict(row) for row in sorted(listed, key=lambda row: -row.below_bare)[:worst]]
    result["lowest"] = [asdict(row) for row in sorted(listed, key=lambda row: row.ours)[:worst]]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", choices=CORPORA, action="append")
    parser.add_argument(
        "--mirror", type=Path, metavar="GIT_DIR", help="score a fetched benchmark snapshot instead"
    )
    parser.add_argument("--split", help="list worst pages of this split only (e.g. dev)")
    parser.add_argument("--worst", type=int, default=10, help="list this many pages, worst first")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    scorer = load_scorer()
    if args.mirror and is_fundus_snapshot(args.mirror):
        runs = [("fundus", load_fundus(args.mirror), mirror_split_of, ("dev", "holdout"))]
    elif args.mirror:
        runs = [("aeb", load_mirror(args.mirror), mirror_split_of, ("dev", "holdout"))]
    else:
        runs = [(c, scorer.load(c), split_of, ("tune", "holdout")) for c in args.corpus or CORPORA]
    for corpus, pages, split_by, splits in runs:
        result = summary(scorer, corpus, pages, split_by, splits, args.worst, args.split)
        if args.json:
            print(json.dumps(result))
            continue
        print(f"== {corpus}  (newswatch extraction CPU {result['cpu_seconds']} s)")
        for split in (*splits, "all"):
            part = result[split]
            assert isinstance(part, dict)
            ours, bare = part["newswatch"], part["trafilatura"]
            print(
                f"  {split:8} {part['pages']:4} pages  newswatch F1 {ours['f1']:.4f}"
                f" (P {ours['precision']:.4f} R {ours['recall']:.4f})  trafilatura F1 {bare['f1']:.4f}"
                f"  pages > {FAR_BELOW} below trafilatura: {part['far_below_trafilatura']}"
            )
        print("  worst pages (trafilatura F1 minus newswatch F1):")
        for row in result["worst"]:  # type: ignore[attr-defined]
            scores = f"{row['bare'] - row['ours']:+.3f}  {row['ours']:.3f} vs {row['bare']:.3f}"
            print(f"    {scores}  {row['split']:7} {row['url']}")
        print("  lowest newswatch F1:")
        for row in result["lowest"]:  # type: ignore[attr-defined]
            scores = f"{row['ours']:.3f} vs {row['bare']:.3f}  chars {row['ours_chars']}/{row['gold_chars']}"
            print(f"    {scores}  {row['split']:7} {row['url']}")


if __name__ == "__main__":
    main()
