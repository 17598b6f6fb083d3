"""Build bench/data/relevance_headlines.jsonl: real 2025-2026 headlines with the labels of RELEVANCE_RULE.md.

    .venv/bin/python bench/build_relevance_headlines.py --mirror /path/to/git/dir

The headlines are the Google News top stories (US edition) as the public repository
wklnd/news-archive archived them every few minutes from July 2025 to August 2026, read at the
pinned commit below: one markdown file per fetch, `news/YYYY/MM/DD/HH-MM.md`, one `- title -
Publisher` line per story. The repository states no licence and the titles belong to their
publishers, so the text is not committed: this script rebuilds the JSONL (git-ignored) from a
clone, and bench/data/relevance_headlines_labels.tsv carries only ids, codes and notes.

An item's id is `gn-` and the first 12 hex digits of the SHA-1 of its feed line (the title with
its publisher); its date is the day of the first fetch that carried it; its title is the feed
line without the trailing publisher. The split is by day: `holdout` when the SHA-256 of the
date is 0 modulo 3, else `dev`. A story is carried by several outlets on the same day, so its
copies fall in one split and the holdout does not see the dev items reworded.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.build_relevance_news import KINDS, read_labels  # noqa: E402  (needs the path above)

LABELS = ROOT / "bench" / "data" / "relevance_headlines_labels.tsv"
OUTPUT = ROOT / "bench" / "data" / "relevance_headlines.jsonl"
SOURCE_REPO = "wklnd/news-archive"
SOURCE_COMMIT = "698a4d023612558c049e5e6560638a766e97c26c"
FETCH_FILE = re.compile(r"news/(\d{4})/(\d{2})/(\d{2})/\d{2}-\d{2}\.md")
# The candidates: feed lines naming an agency or one of the topic's words (3,235 lines at the
# pinned commit). They are labelled in rounds, by the SHA-1 of the line modulo 12: round 1 is
# 0 (with a sample of the other lines, SHA-1 0 modulo 2,500, as ordinary news), round 2 is 1,
# round 3 is 2, round 4 is 3.
CANDIDATE_ACRONYMS = re.compile(r"\b(?:ICE|CBP|DHS|HSI)\b")
CANDIDATE_WORDS = re.compile(
    r"\b(?:immigra\w*|deport\w*|migrant\w*|Border Patrol|asylum|undocumented|detention|detain\w*"
    r"|National Guard|raids?|Noem|Homan|sanctuary|Alligator Alcatraz|visa\w*|refugee\w*|green card"
    r"|Dreamers?|DACA|citizenship|federal agents|TPS)\b",
    re.IGNORECASE,
)
ROUNDS = 12
# Rounds 13 to 16, labelled after every first-selection line was: lines that name none of the
# words above but tell the story in other words (agents, the border, a crackdown, custody,
# the people and places of 2025-2026 enforcement; 780 lines at the pinned commit), split by
# the SHA-1 of the line modulo 4. Many are other news ("sports agents", custody battles).
WIDER_WORDS = re.compile(
    r"\b(?:agents?|border|crackdowns?|Bovino|custody|Abrego|customs|masked|Homeland Security"
    r"|expel\w*|expulsions?|noncitizens?|illegal aliens?|Renee Good|Pretti|Khalil|Ozturk"
    r"|Guantanamo|El Salvador|Minneapolis)\b",
    re.IGNORECASE,
)
FIRST_WIDER_ROUND = 13
WIDER_ROUNDS = 4
# Round 1's sample of ordinary news: lines of neither selection whose SHA-1 is 0 modulo 2,500.
SAMPLE_MODULUS = 2500


def item_id(line: str) -> str:
    return "gn-" + hashlib.sha1(line.encode("utf-8")).hexdigest()[:12]


def split_of(date: str) -> str:
    """A third of the days, chosen by hash, is the holdout; the rest is dev."""
    return "holdout" if int(hashlib.sha256(date.encode("utf-8")).hexdigest(), 16) % 3 == 0 else "dev"


def is_candidate(line: str) -> bool:
    return bool(CANDIDATE_ACRONYMS.search(line) or CANDIDATE_WORDS.search(line))


def is_wider_candidate(line: str) -> bool:
    """A line of the wider selection (rounds 13 to 16); round 1's sample keeps its round."""
    digest = int(hashlib.sha1(line.encode("utf-8")).hexdigest(), 16)
    return not is_candidate(line) and digest % SAMPLE_MODULUS != 0 and bool(WIDER_WORDS.search(line))


def round_of(line: str) -> int:
    """The labelling round a candidate line belongs to (1 for the ordinary-news sample)."""
    digest = int(hashlib.sha1(line.encode("utf-8")).hexdigest(), 16)
    if is_wider_candidate(line):
        return FIRST_WIDER_ROUND + digest % WIDER_ROUNDS
    if not is_candidate(line):
        return 1
    return digest % ROUNDS + 1


def read_headlines(mirror: Path) -> dict[str, tuple[str, str]]:
    """Every feed line of the archive at the pinned commit: line -> (date first seen, path)."""
    tree = subprocess.run(
        ["git", "-C", str(mirror), "ls-tree", "-r", SOURCE_COMMIT, "news/"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    files = sorted(
        (path, blob)
        for _, _, blob, path in (row.split(maxsplit=3) for row in tree.splitlines())
        if FETCH_FILE.fullmatch(path)
    )
    contents = subprocess.run(
        ["git", "-C", str(mirror), "cat-file", "--batch"],
        input="".join(f"{blob}\n" for _, blob in files).encode(),
        check=True,
        capture_output=True,
    ).stdout
    first_seen: dict[str, tuple[str, str]] = {}
    offset = 0
    for path, _ in files:
        header_end = contents.index(b"\n", offset)
        size = int(contents[offset:header_end].split()[2])
        body = contents[header_end + 1 : header_end + 1 + size].decode("utf-8", "replace")
        offset = header_end + 1 + size + 1
        match = FETCH_FILE.fullmatch(path)
        assert match is not None
        date = "-".join(match.groups())
        for line in body.splitlines():
            if line.startswith("- "):
                first_seen.setdefault(line[2:].strip(), (date, path))
    return first_seen


def build(mirror: Path) -> tuple[str, int]:
    """The JSONL text and the number of items left out as not clear-cut."""
    by_id = {item_id(line): (line, seen) for line, seen in read_headlines(mirror).items()}
    lines, left_out = [], 0
    for identifier, code, note in read_labels(LABELS):
        if code == "X":
            left_out += 1
            continue
        if identifier not in by_id:
            raise SystemExit(f"{identifier} is not in {SOURCE_REPO} at {SOURCE_COMMIT}")
        line, (date, path) = by_id[identifier]
        title, _, publisher = line.rpartition(" - ")
        item = {
            "id": identifier,
            "title": title or line,
            "lead": "",
            "label": 1 if code == "E" else 0,
            "kind": KINDS[code],
            "note": note,
            "split": split_of(date),
            "round": round_of(line),
            "date": date,
            "publisher": publisher if title else "",
            "source": f"{SOURCE_REPO}@{SOURCE_COMMIT[:12]}:{path}",
        }
        lines.append(json.dumps(item, ensure_ascii=False))
    return "\n".join(lines) + "\n", left_out


def candidates(mirror: Path, labelling_round: int) -> list[str]:
    """The unlabelled candidates of a round, oldest first: `id<TAB>split<TAB>date<TAB>line`."""
    labelled = {identifier for identifier, _, _ in read_labels(LABELS)}
    seen = read_headlines(mirror)
    rows = []
    for line, (date, _) in sorted(seen.items(), key=lambda entry: entry[1][0]):
        wanted = is_candidate(line) or is_wider_candidate(line)
        if wanted and round_of(line) == labelling_round and item_id(line) not in labelled:
            rows.append(f"{item_id(line)}\t{split_of(date)}\t{date}\t{line}")
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--mirror", type=Path, required=True, help=f"a clone of {SOURCE_REPO}")
    parser.add_argument(
        "--candidates",
        type=int,
        metavar="ROUND",
        help="print the unlabelled candidate lines of a labelling round instead of building",
    )
    args = parser.parse_args(argv)
    if args.candidates is not None:
        print("\n".join(candidates(args.mirror, args.candidates)))
        return 0
    text, left_out = build(args.mirror)
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUTPUT} ({text.count(chr(10))} items; {left_out} left out as not clear-cut)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
