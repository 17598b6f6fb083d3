"""Rebuild the real-news labelled sets: HuffPost headlines and leads with the labels of RELEVANCE_RULE.md.

    .venv/bin/python bench/build_relevance_news.py --mirror DIR [--extra-mirror DIR] [--check]

The text comes from the HuffPost News Category Dataset (R. Misra, 2022; CC BY 4.0), in two
public copies, each read at a pinned commit with its blob id checked, so the output is the same
wherever it is rebuilt (a bare git directory works for either):

- `--mirror`: Fred-Stock/Correlated-Topic-Modeling-In-Pytorch at commit
  65ae8edd71e5cc0ba2d32f9d02be0520fe90b006, the dataset's first 9,999 records (May 2018 to
  September 2022). It feeds `relevance_news.jsonl` and part of `relevance_news_extra.jsonl`.
- `--extra-mirror`: ongraphpythondev/elastic_search at commit
  0b1ff29ae6288619bb855f6fe95ace3ab81b176e, 4,782 records of the dataset's version 2
  (28 February to 26 May 2018). With it, `relevance_news_extra.jsonl` is built (or checked) too.

The labels are bench/data/relevance_news_labels.tsv and relevance_news_extra_labels.tsv (link,
code, note), written by reading each item under the rule. `--check` rebuilds in memory and exits
1 if a committed JSONL differs, so the committed text can always be traced to its source.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "bench" / "data"
LABELS = DATA / "relevance_news_labels.tsv"
OUTPUT = DATA / "relevance_news.jsonl"
EXTRA_LABELS = DATA / "relevance_news_extra_labels.tsv"
EXTRA_OUTPUT = DATA / "relevance_news_extra.jsonl"


@dataclass(frozen=True)
class Source:
    """One public copy of the dataset, pinned to a commit and a blob."""

    repo: str
    commit: str
    path: str
    blob: str


PINNED = Source(
    "Fred-Stock/Correlated-Topic-Modeling-In-Pytorch",
    "65ae8edd71e5cc0ba2d32f9d02be0520fe90b006",
    "News_Category_Dataset_v3.json",
    "df028e1a759fc8b5534fbd15173fab1a8f26e081",
)
SPRING_2018 = Source(
    "ongraphpythondev/elastic_search",
    "0b1ff29ae6288619bb855f6fe95ace3ab81b176e",
    "News_Category_Dataset_v2.json",
    "2516b114032acbef6d5327abe916290480489cfb",
)

# Label codes of the TSV: E enforcement (relevant); I immigration but not enforcement;
# T a trap (another sense of the words); N ordinary news; X left out as not clear-cut.
KINDS = {"E": "enforcement", "I": "immigration", "T": "trap", "N": "irrelevant"}


def item_id(link: str) -> str:
    return "hp-" + hashlib.sha1(link.encode("utf-8")).hexdigest()[:10]


def split_of(identifier: str) -> str:
    """A fixed third of the items, chosen by hash, is the holdout; the rest is dev."""
    return "holdout" if int(hashlib.sha256(identifier.encode("utf-8")).hexdigest(), 16) % 3 == 0 else "dev"


def read_labels(path: Path) -> list[tuple[str, str, str]]:
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        link, code, note = line.split("\t")
        if code not in KINDS and code != "X":
            raise SystemExit(f"{path}:{number}: unknown code {code!r}")
        rows.append((link, code, note))
    return rows


def read_source(mirror: Path, source: Source = PINNED) -> dict[str, dict[str, str]]:
    def git(*args: str) -> bytes:
        return subprocess.run(["git", "-C", str(mirror), *args], check=True, capture_output=True).stdout

    blob = git("rev-parse", f"{source.commit}:{source.path}").decode().strip()
    if blob != source.blob:
        raise SystemExit(f"{source.path} at {source.commit} is blob {blob}, expected {source.blob}")
    records = [
        json.loads(line) for line in git("show", f"{source.commit}:{source.path}").splitlines() if line
    ]
    return {record["link"]: record for record in records}


def build(mirror: Path, labels: Path = LABELS, extra_mirror: Path | None = None) -> tuple[str, int]:
    """The JSONL text of one labels file and the number of items left out as not clear-cut.
    A link is looked up in the pinned copy first, then in the spring-2018 copy (when given)."""
    source = read_source(mirror)
    if extra_mirror is not None:
        source = {**read_source(extra_mirror, SPRING_2018), **source}
    lines, left_out = [], 0
    for link, code, note in read_labels(labels):
        if code == "X":
            left_out += 1
            continue
        record = source[link]
        identifier = item_id(link)
        item = {
            "id": identifier,
            "title": record["headline"],
            "lead": record["short_description"],
            "label": 1 if code == "E" else 0,
            "kind": KINDS[code],
            "note": note,
            "split": split_of(identifier),
            "date": record["date"],
            "link": link,
        }
        lines.append(json.dumps(item, ensure_ascii=False))
    return "\n".join(lines) + "\n", left_out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--mirror", type=Path, required=True, help=f"a clone of {PINNED.repo}")
    parser.add_argument("--extra-mirror", type=Path, help=f"a clone of {SPRING_2018.repo}")
    parser.add_argument(
        "--check", action="store_true", help="compare with the committed files instead of writing"
    )
    args = parser.parse_args(argv)
    outputs = [(LABELS, OUTPUT, None)]
    if args.extra_mirror:
        outputs.append((EXTRA_LABELS, EXTRA_OUTPUT, args.extra_mirror))
    status = 0
    for labels, output, extra_mirror in outputs:
        text, left_out = build(args.mirror, labels, extra_mirror)
        count = text.count("\n")
        if args.check:
            same = output.exists() and output.read_text(encoding="utf-8") == text
            print(
                f"{output.name}: {'matches' if same else 'DIFFERS FROM'} a rebuild "
                f"({count} items, {left_out} left out)"
            )
            status |= 0 if same else 1
            continue
        output.write_text(text, encoding="utf-8")
        print(f"wrote {output} ({count} items; {left_out} left out as not clear-cut)")
    return status


if __name__ == "__main__":
    sys.exit(main())
