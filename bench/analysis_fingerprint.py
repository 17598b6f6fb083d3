"""A digest of everything an extraction worker hands back, page by page, to show a change kept it.

    .venv/bin/python bench/analysis_fingerprint.py --write BEFORE.json   # on the old code
    .venv/bin/python bench/analysis_fingerprint.py --compare BEFORE.json # on the new code

Runs ``crawler.pages.analysis.analyse_page`` (decoding, extraction, content hash, MinHash
signature, topic score, facts, detected language) on every page of NAEB and newspaper4k
(../shared/corpus) and, when their snapshots were fetched, of scrapinghub's
article-extraction-benchmark and fundus's parser test pages (``--mirrors``, read in memory as
bench/eval_extraction.py does): 883 pages. Each page is analysed twice, with the topic's own
threshold and with threshold 0, so that the facts of every page are computed too (with the
topic's threshold no corpus page is relevant). It also scores the title and lead of every
labelled relevance example (bench/data/relevance_*.jsonl: the texts the topic's patterns fire
on) directly. Each result is digested from a canonical JSON form (sets sorted), so the
digests do not depend on the hash seed. ``--compare`` lists the keys whose digest changed and
exits 1 if any did.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import sys
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from layouts import NAEB, naeb_pages, newspaper4k_pages  # noqa: E402

from bench.fundus_corpus import is_fundus_snapshot, load_fundus  # noqa: E402
from bench.mirror_corpus import load_mirror  # noqa: E402
from crawler.pages.analysis import analyse_page, compiled_topic  # noqa: E402
from crawler.pages.encoded_page import EncodedPage  # noqa: E402

TOPIC = str(REPO / "config" / "topics" / "immigration-enforcement.yaml")
MIRRORS = Path("/work/.mirror")
SNAPSHOTS = {"aeb": "scrapinghub+article-extraction-benchmark", "fundus": "flairNLP+fundus"}
RELEVANCE_SETS = sorted((REPO / "bench" / "data").glob("relevance_*.jsonl"))


def canonical(value: Any) -> Any:
    """A JSON-ready form of a result whose text does not depend on set order or the hash seed."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {field.name: canonical(getattr(value, field.name)) for field in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(key): canonical(item) for key, item in value.items()}
    if isinstance(value, (set, frozenset)):
        return sorted((canonical(item) for item in value), key=repr)
    if isinstance(value, (list, tuple)):
        return [canonical(item) for item in value]
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def digest(value: Any) -> str:
    text = json.dumps(canonical(value), sort_keys=True, ensure_ascii=False, default=repr)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


def corpus_pages(mirrors: Path) -> Iterator[tuple[str, str, str]]:
    """(corpus, url, html) of every page available."""
    if not NAEB.exists():
        raise SystemExit(f"{NAEB} is absent: the fingerprint needs ../shared/corpus")
    for url, html in naeb_pages():
        yield "naeb", url, html
    for url, html in newspaper4k_pages():
        yield "newspaper4k", url, html
    for corpus, name in SNAPSHOTS.items():
        git_dir = mirrors / name / "repo"
        if not git_dir.exists():
            print(f"note: {git_dir} absent, {corpus} left out", file=sys.stderr)
            continue
        pages = load_fundus(git_dir) if is_fundus_snapshot(git_dir) else load_mirror(git_dir)
        for url, html, _gold in pages:
            yield corpus, url, html


def fingerprints(mirrors: Path) -> dict[str, str]:
    topic = compiled_topic(TOPIC)
    result: dict[str, str] = {}
    for number, (corpus, url, html) in enumerate(corpus_pages(mirrors)):
        page = EncodedPage(html.encode("utf-8"), "utf-8")
        key = f"{corpus}/{number}/{url}"
        result[f"page {key}"] = digest(analyse_page(page, url, TOPIC))
        result[f"page+facts {key}"] = digest(analyse_page(page, url, TOPIC, threshold=0.0))
    for path in RELEVANCE_SETS:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                example = json.loads(line)
                scored = topic.score(example["title"], example.get("lead") or "")
                result[f"score {path.name}/{example['id']}"] = digest(scored)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--write", type=Path, help="write the digests to this JSON file")
    action.add_argument("--compare", type=Path, help="compare with digests written earlier")
    parser.add_argument("--mirrors", type=Path, default=MIRRORS, help="where fetched snapshots live")
    args = parser.parse_args()
    found = fingerprints(args.mirrors)
    pages = sum(key.startswith("page ") for key in found)
    if args.write:
        args.write.write_text(json.dumps(found, indent=0, sort_keys=True))
        print(f"{pages} pages, {len(found)} digests written to {args.write}")
        return
    expected: dict[str, str] = json.loads(args.compare.read_text())
    changed = sorted(key for key in expected.keys() | found.keys() if expected.get(key) != found.get(key))
    for key in changed:
        print(f"changed: {key}")
    print(f"{pages} pages, {len(found)} digests, {len(changed)} changed")
    raise SystemExit(1 if changed else 0)


if __name__ == "__main__":
    main()
