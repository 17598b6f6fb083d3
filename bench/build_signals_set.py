"""Rebuild the texts of the gold-labelled signals set from the public repositories they come from.

    .venv/bin/python bench/build_signals_set.py --mirror dww-circle/sw-d8=/path/to/sw-d8.git \\
        --mirror mn-ice-witness/mn-ice-witness.github.io=/path/to/mn-ice-witness.git
    .venv/bin/python bench/build_signals_set.py          # clones both at the pinned commits (network)

The labels (`bench/data/signals_labelled.jsonl`) are committed; the articles' texts are not,
because neither source grants a licence for its prose. This script turns each labelled file,
read from the pinned commit, into the title, publication date and plain text the labels were
made from, checks every text against the SHA-256 recorded with its label, and writes
`bench/data/signals_articles.jsonl` (ignored by git). The conversion is fixed here, not the
crawler's extractor, so changes to extraction never move the labels' ground.
"""

from __future__ import annotations

import argparse
import hashlib
import html
import json
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LABELS = ROOT / "bench" / "data" / "signals_labelled.jsonl"
ARTICLES = ROOT / "bench" / "data" / "signals_articles.jsonl"


@dataclass(frozen=True)
class Article:
    title: str
    published: str  # ISO date
    text: str


def _sw_page(raw: bytes) -> Article:
    """A Socialist Worker print-edition page (2001-2007): headline, "By X | Month D, YYYY | Page N", body."""
    page = raw.decode("latin-1")
    title = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", _first(r"<title>(.*?)</title>", page))).split())
    body = page.split("BodyInsert.htmlf", 1)[-1].split("BottomNavLinks.htmlf", 1)[0]
    body = re.sub(r"<\?php.*?\?>|<!--.*?-->", " ", body, flags=re.S)
    body = re.sub(r"<(?:p|br|/p|tr|/tr|h\d|/h\d|div|/div|li)\b[^>]*>", "\n", body, flags=re.I)
    lines = [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", line)).split()) for line in body.split("\n")]
    # The split above cuts PHP include statements in two; their halves are not text.
    lines = [line for line in lines if line and not re.fullmatch(r'"?\s*\?>|<\?php.*', line)]
    # The headline printed above the story is the title.
    lines = [line for index, line in enumerate(lines) if not (index < 3 and line == title)]
    published = _first(
        r"((?:January|February|March|April|May|June|July|August|September|October|November|December)"
        r" \d{1,2}, \d{4})\s*\|\s*Pages?",
        page,
    )
    from datetime import datetime

    day = datetime.strptime(published, "%B %d, %Y").date().isoformat()
    return Article(title, day, "\n".join(lines))


def _witness_report(raw: bytes) -> Article:
    """An mn-ice-witness incident report: YAML front matter (its `created` is when it was written),
    a Markdown body whose first heading is the title. The front matter's own event date is not given
    to the extractor: it is what the labels say, not what a reader of the text sees."""
    page = raw.decode("utf-8")
    front, _, body = page.removeprefix("---\n").partition("\n---\n")
    created = _first(r"^created:\s*['\"]?(\d{4}-\d{2}-\d{2})", front, flags=re.M)
    lines = []
    title = ""
    for line in body.splitlines():
        line = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", line)
        line = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", line)
        line = re.sub(r"[*_`]+", "", line).strip()
        if line.startswith("# ") and not title:
            title = line[2:].strip()
            continue
        line = re.sub(r"^#+\s*|^[-*]\s+|^\d+\.\s+", "", line).strip()
        if line and not re.fullmatch(r"<[^>]+>", line):
            lines.append(line)
    return Article(title, created, "\n".join(lines))


@dataclass(frozen=True)
class Source:
    commit: str
    licence: str
    convert: Callable[[bytes], Article]


SOURCES = {
    "dww-circle/sw-d8": Source(
        "928881308e9f175d681cd0050deacbb22ecd5bb7",
        "code MIT; the Socialist Worker articles carry no licence (labels only, text rebuilt)",
        _sw_page,
    ),
    "mn-ice-witness/mn-ice-witness.github.io": Source(
        "ca941217b73678dc8a00068835654c1f3bab00c1",
        "no licence file (labels only, text rebuilt)",
        _witness_report,
    ),
}


def _first(pattern: str, text: str, flags: int = re.S) -> str:
    match = re.search(pattern, text, flags)
    if not match:
        raise ValueError(f"no match for {pattern!r}")
    return match.group(1)


def _git_dir(repo: str, mirrors: dict[str, Path], scratch: Path) -> Path:
    if repo in mirrors:
        return mirrors[repo]
    target = scratch / repo.replace("/", "+")
    subprocess.run(
        ["git", "clone", "--bare", "--filter=blob:none", f"https://github.com/{repo}.git", str(target)],
        check=True,
    )
    return target


def text_digest(article: Article) -> str:
    return hashlib.sha256(f"{article.title}\n{article.published}\n{article.text}".encode()).hexdigest()


def build(mirrors: dict[str, Path], *, record_digests: bool = False) -> int:
    labels = [json.loads(line) for line in LABELS.read_text(encoding="utf-8").splitlines() if line.strip()]
    problems = 0
    with tempfile.TemporaryDirectory() as scratch, ARTICLES.open("w", encoding="utf-8") as out:
        for label in labels:
            source = SOURCES[label["repo"]]
            git_dir = _git_dir(label["repo"], mirrors, Path(scratch))
            raw = subprocess.run(
                ["git", "--git-dir", str(git_dir), "show", f"{source.commit}:{label['path']}"],
                check=True,
                capture_output=True,
            ).stdout
            article = source.convert(raw)
            digest = text_digest(article)
            if record_digests:
                label["sha256"] = digest
            elif label.get("sha256") != digest:
                print(f"{label['id']}: text differs from the one labelled", file=sys.stderr)
                problems += 1
            record = {"id": label["id"], "title": article.title, "published": article.published}
            out.write(json.dumps({**record, "text": article.text}, ensure_ascii=False) + "\n")
    if record_digests:
        LABELS.write_text("".join(json.dumps(label, ensure_ascii=False) + "\n" for label in labels), "utf-8")
    print(
        f"{len(labels)} articles written to {ARTICLES.relative_to(ROOT)}; {problems} differ from their labels"
    )
    return 1 if problems else 0


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--mirror", action="append", default=[], help="REPO=GIT_DIR: read REPO from a local copy"
    )
    parser.add_argument(
        "--record-digests", action="store_true", help="(labelling only) store each text's digest"
    )
    args = parser.parse_args()
    mirrors = {}
    for item in args.mirror:
        repo, _, path = item.partition("=")
        mirrors[repo] = Path(path)
    return build(mirrors, record_digests=args.record_digests)


if __name__ == "__main__":
    sys.exit(main())
