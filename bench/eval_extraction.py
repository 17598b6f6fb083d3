"""Extraction against bare trafilatura, page by page, on the development corpora.

    .venv/bin/python bench/eval_extraction.py                  # both corpora, both splits
    .venv/bin/python bench/eval_extraction.py --corpus naeb --worst 20
    .venv/bin/python bench/eval_extraction.py --json

Scores exactly as ../shared/tools/extract_score.py does (that file is imported), and adds what
an average hides: the pages where newswatch's F1 is more than ``FAR_BELOW`` under bare
trafilatura's on the same page, and the worst pages by that difference. Each corpus is split
by a hash of the page's URL into ``tune`` (four fifths) and ``holdout`` (one fifth), reported
apart, so a change tuned on the pages one looks at can be checked on pages one did not.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import trafilatura  # noqa: E402  (after the path, like the project import below)

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


def score_pages(scorer: ModuleType, corpus: str) -> tuple[list[PageScore], list[tuple[str, str, str, str]]]:
    """Per-page F1 of newswatch and of bare trafilatura, and the (split, gold, ours, bare) texts."""
    rows, texts = [], []
    for url, html, gold in scorer.load(corpus):
        ours = extract_text(html, url) or ""
        bare = trafilatura.extract(html, url=url) or ""
        split = split_of(url)
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
    return rows, texts


def far_below(rows: list[PageScore]) -> list[PageScore]:
    """Pages where newswatch's F1 is more than FAR_BELOW under bare trafilatura's."""
    return [row for row in rows if row.below_bare > FAR_BELOW]


def summary(scorer: ModuleType, corpus: str, worst: int) -> dict[str, object]:
    rows, texts = score_pages(scorer, corpus)
    result: dict[str, object] = {"corpus": corpus}
    for split in ("tune", "holdout", "all"):
        chosen = [t for t in texts if split in ("all", t[0])]
        chosen_rows = [r for r in rows if split in ("all", r.split)]
        result[split] = {
            "pages": len(chosen),
            "newswatch": scorer.score([(gold, ours) for _s, gold, ours, _b in chosen]),
            "trafilatura": scorer.score([(gold, bare) for _s, gold, _o, bare in chosen]),
            "far_below_trafilatura": len(far_below(chosen_rows)),
        }
    result["worst"] = [asdict(row) for row in sorted(rows, key=lambda row: -row.below_bare)[:worst]]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", choices=CORPORA, action="append")
    parser.add_argument("--worst", type=int, default=10, help="list this many pages, worst first")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    scorer = load_scorer()
    for corpus in args.corpus or CORPORA:
        result = summary(scorer, corpus, args.worst)
        if args.json:
            print(json.dumps(result))
            continue
        print(f"== {corpus}")
        for split in ("tune", "holdout", "all"):
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


if __name__ == "__main__":
    main()
