"""Rebuild bench/data/relevance_news.jsonl: real headlines and leads with the labels of RELEVANCE_RULE.md.

    .venv/bin/python bench/build_relevance_news.py --mirror /path/to/git/dir [--check]

The text comes from the HuffPost News Category Dataset (R. Misra, 2022; CC BY 4.0), as
committed in the public repository Fred-Stock/Correlated-Topic-Modeling-In-Pytorch at commit
65ae8edd71e5cc0ba2d32f9d02be0520fe90b006 (its first 9,999 records, May 2018 to September 2022).
`--mirror` is a clone of that repository (a bare git directory works); the file is read at the
pinned commit and its blob id is checked, so the output is the same wherever it is rebuilt.

The labels are bench/data/relevance_news_labels.tsv (link, code, note), written by reading
each item under the rule. `--check` rebuilds in memory and exits 1 if the committed JSONL
differs, so the committed text can always be traced to its source.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LABELS = ROOT / "bench" / "data" / "relevance_news_labels.tsv"
OUTPUT = ROOT / "bench" / "data" / "relevance_news.jsonl"
SOURCE_REPO = "Fred-Stock/Correlated-Topic-Modeling-In-Pytorch"
SOURCE_COMMIT = "65ae8edd71e5cc0ba2d32f9d02be0520fe90b006"
SOURCE_PATH = "News_Category_Dataset_v3.json"
SOURCE_BLOB = "df028e1a759fc8b5534fbd15173fab1a8f26e081"

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


def read_source(mirror: Path) -> dict[str, dict[str, str]]:
    def git(*args: str) -> bytes:
        return subprocess.run(["git", "-C", str(mirror), *args], check=True, capture_output=True).stdout

    blob = git("rev-parse", f"{SOURCE_COMMIT}:{SOURCE_PATH}").decode().strip()
    if blob != SOURCE_BLOB:
        raise SystemExit(f"{SOURCE_PATH} at {SOURCE_COMMIT} is blob {blob}, expected {SOURCE_BLOB}")
    records = [
        json.loads(line) for line in git("show", f"{SOURCE_COMMIT}:{SOURCE_PATH}").splitlines() if line
    ]
    return {record["link"]: record for record in records}


def build(mirror: Path) -> tuple[str, int]:
    """The JSONL text and the number of items left out as not clear-cut."""
    source = read_source(mirror)
    lines, left_out = [], 0
    for link, code, note in read_labels(LABELS):
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
    parser.add_argument("--mirror", type=Path, required=True, help=f"a clone of {SOURCE_REPO}")
    parser.add_argument(
        "--check", action="store_true", help="compare with the committed file instead of writing"
    )
    args = parser.parse_args(argv)
    text, left_out = build(args.mirror)
    count = text.count("\n")
    if args.check:
        same = OUTPUT.exists() and OUTPUT.read_text(encoding="utf-8") == text
        print(
            f"{OUTPUT.name}: {'matches' if same else 'DIFFERS FROM'} a rebuild "
            f"({count} items, {left_out} left out)"
        )
        return 0 if same else 1
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUTPUT} ({count} items; {left_out} left out as not clear-cut)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
