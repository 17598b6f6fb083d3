"""Build bench/data/relevance_headlines_mn.jsonl: Minnesota-crackdown headlines, round 16.

    .venv/bin/python bench/build_relevance_mn.py --mirror /path/to/git/dir
    .venv/bin/python bench/build_relevance_mn.py --mirror DIR --candidates --archive-mirror DIR2

A second source of 2025-2026 headlines, labelled after every line of the first archive
(bench/build_relevance_headlines.py) had been used: the public repository
clockcivilwar/MN_clock_civilwar, which saved, once a day from 1 January to 7 February 2026,
the headlines that 18 outlets' search pages (MinnPost, Sahan Journal, Star Tribune, Pioneer
Press, MPR News, Alpha News, CNN, AP, Fox News, the New York Post, ...) returned for the
Minnesota immigration surge (`YYYY-MM-DD/news_results.json`, one `headline` and `url` per
article). The repository states no licence and the headlines are their publishers', so the
text is not committed: this script rebuilds the JSONL (git-ignored) from a clone, and
bench/data/relevance_headlines_mn_labels.tsv carries only ids, codes and notes.

An item's id is `mn-` and the first 12 hex digits of the SHA-1 of its headline (whitespace
collapsed). Rounds 16 to 18 are the distinct headlines that name one of the first selection's
words (`is_candidate`: ICE, CBP, DHS, immigra*, deport*, migrant*, ...) and are not the title
of a feed line of the first archive at its pinned commit, split by the SHA-1 of the headline
modulo 3: 0 is round 16 (214 headlines), 1 is round 17 (237), 2 is round 18 (209). Titles only,
no lead.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.build_relevance_headlines import is_candidate, read_headlines  # noqa: E402
from bench.build_relevance_news import KINDS, read_labels  # noqa: E402  (needs the path above)

LABELS = ROOT / "bench" / "data" / "relevance_headlines_mn_labels.tsv"
OUTPUT = ROOT / "bench" / "data" / "relevance_headlines_mn.jsonl"
SOURCE_REPO = "clockcivilwar/MN_clock_civilwar"
SOURCE_COMMIT = "c158a9b408953b69d0902717e80659ece4c9b2a1"
DAY_FILE = re.compile(r"(2026-\d{2}-\d{2})/news_results\.json")
FIRST_ROUND = 16
ROUND_MODULUS = 3


def item_id(headline: str) -> str:
    return "mn-" + hashlib.sha1(headline.encode("utf-8")).hexdigest()[:12]


def round_of(headline: str) -> int:
    """16, 17 or 18: the labelling round of a headline, by the SHA-1 of its text modulo 3."""
    return FIRST_ROUND + int(hashlib.sha1(headline.encode("utf-8")).hexdigest(), 16) % ROUND_MODULUS


def _articles(node: object) -> Iterator[dict[str, str]]:
    if isinstance(node, dict):
        if "headline" in node and "url" in node:
            yield node
        for value in node.values():
            yield from _articles(value)
    elif isinstance(node, list):
        for value in node:
            yield from _articles(value)


def read_source(mirror: Path) -> dict[str, tuple[str, str, str]]:
    """Every distinct headline at the pinned commit: headline -> (first day, url, path)."""

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", "-C", str(mirror), *args], check=True, capture_output=True, text=True
        ).stdout

    paths = sorted(
        p for p in git("ls-tree", "-r", "--name-only", SOURCE_COMMIT).split() if DAY_FILE.fullmatch(p)
    )
    first: dict[str, tuple[str, str, str]] = {}
    for path in paths:
        match = DAY_FILE.fullmatch(path)
        assert match is not None
        for article in _articles(json.loads(git("show", f"{SOURCE_COMMIT}:{path}"))):
            headline = " ".join(str(article["headline"]).split())
            if headline:
                first.setdefault(headline, (match.group(1), str(article["url"]), path))
    return first


def candidates(mirror: Path, archive_mirror: Path, labelling_round: int) -> list[str]:
    """A round's headlines, oldest first: `id<TAB>day<TAB>headline<TAB>url`."""
    archive_titles = {
        (line.rpartition(" - ")[0] or line).casefold() for line in read_headlines(archive_mirror)
    }
    rows = []
    for headline, (day, url, _) in sorted(read_source(mirror).items(), key=lambda entry: entry[1][0]):
        if (
            is_candidate(headline)
            and headline.casefold() not in archive_titles
            and round_of(headline) == labelling_round
        ):
            rows.append(f"{item_id(headline)}\t{day}\t{headline}\t{url}")
    return rows


def build(mirror: Path) -> tuple[str, int]:
    """The JSONL text and the number of items left out as not clear-cut."""
    by_id = {item_id(headline): (headline, seen) for headline, seen in read_source(mirror).items()}
    lines, left_out = [], 0
    for identifier, code, note in read_labels(LABELS):
        if code == "X":
            left_out += 1
            continue
        if identifier not in by_id:
            raise SystemExit(f"{identifier} is not in {SOURCE_REPO} at {SOURCE_COMMIT}")
        headline, (day, url, path) = by_id[identifier]
        item = {
            "id": identifier,
            "title": headline,
            "lead": "",
            "label": 1 if code == "E" else 0,
            "kind": KINDS[code],
            "note": note,
            "split": "holdout",
            "round": round_of(headline),
            "date": day,
            "link": url,
            "source": f"{SOURCE_REPO}@{SOURCE_COMMIT[:12]}:{path}",
        }
        lines.append(json.dumps(item, ensure_ascii=False))
    return "\n".join(lines) + "\n", left_out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--mirror", type=Path, required=True, help=f"a clone of {SOURCE_REPO}")
    parser.add_argument(
        "--candidates",
        type=int,
        metavar="ROUND",
        help="print the headlines of a labelling round (16, 17 or 18) instead of building",
    )
    parser.add_argument(
        "--archive-mirror",
        type=Path,
        help="a clone of wklnd/news-archive (needed by --candidates: its titles are excluded)",
    )
    args = parser.parse_args(argv)
    if args.candidates is not None:
        if args.archive_mirror is None:
            parser.error("--candidates needs --archive-mirror")
        print("\n".join(candidates(args.mirror, args.archive_mirror, args.candidates)))
        return 0
    text, left_out = build(args.mirror)
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUTPUT} ({text.count(chr(10))} items; {left_out} left out as not clear-cut)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
