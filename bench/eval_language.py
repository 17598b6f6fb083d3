"""Measure language detection: accuracy against known languages, and its cost per article.

    .venv/bin/python bench/eval_language.py

Known languages come from three places, all read at run time:
* ../shared/corpus/extraction/newspaper4k: 20 articles with the language in their metadata
  (Arabic, Chinese, Japanese, Korean, Spanish, Thai, English) and their gold text;
* ../shared/corpus/extraction/naeb: 421 articles; their pages' own declaration
  (`<html lang>` and meta tags, read with the pipeline's metadata reader) is the reference
  where they have one;
* bench/data: the real-news headline-and-lead set (English) and the written set's Spanish
  items: short texts, the hard case.

Cost is CPU time per article on the headline plus the first 2,000 characters (what
`crawler.topic.language.article_language` reads), and the one-off model load.
"""

from __future__ import annotations

import gzip
import json
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lxml import html as lxml_html  # noqa: E402

from crawler.pages.metadata import read_head  # noqa: E402  (needs the path above)
from crawler.topic import language  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "extraction"


def newspaper4k() -> list[tuple[str, str, str]]:
    folder = CORPUS / "newspaper4k"
    cases = []
    for meta in sorted((folder / "metadata").glob("*.json")):
        record = json.loads(meta.read_text(encoding="utf-8"))
        text_file = folder / "txt" / f"{meta.stem}.txt"
        if record.get("language") and text_file.exists():
            cases.append(
                (record.get("title") or "", text_file.read_text(encoding="utf-8"), record["language"])
            )
    return cases


def naeb() -> list[tuple[str, str, str]]:
    folder = CORPUS / "naeb"
    records = json.loads((folder / "news_articles.json").read_text(encoding="utf-8"))
    cases = []
    for record in records:
        page = folder / "html" / f"{record['html_file']}.html.gz"
        if not page.exists():
            continue
        tree = lxml_html.document_fromstring(gzip.decompress(page.read_bytes()))
        declared = read_head(tree, record.get("link") or "https://example.org/").language
        if declared:
            cases.append((record["title"] or "", record["text"] or "", declared))
    return cases


def labelled() -> list[tuple[str, str, str]]:
    """The real-news set (all English) and the written set's Spanish items (`s-`); the written
    set's other items mix both languages without saying which."""
    cases = []
    for name in ("relevance_labelled.jsonl", "relevance_news.jsonl"):
        for line in (ROOT / "bench" / "data" / name).read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            if name == "relevance_news.jsonl" or str(item["id"]).startswith("s-"):
                expected = "es" if str(item["id"]).startswith("s-") else "en"
                cases.append((str(item["title"]), str(item["lead"]), expected))
    return cases


def main() -> int:
    started = time.process_time()
    language.detect_language("Federal immigration agents detained dozens of workers on Thursday.")
    print(f"model load and first call: {time.process_time() - started:.2f} s CPU")
    sets = {"newspaper4k (metadata)": newspaper4k, "NAEB (declared)": naeb, "headline + lead sets": labelled}
    for name, load in sets.items():
        try:
            cases = load()
        except FileNotFoundError as exc:
            print(f"{name}: skipped ({exc.filename} not found)")
            continue
        started = time.process_time()
        found = [language.article_language(None, title, text) for title, text, _ in cases]
        cpu = time.process_time() - started
        right = sum(f == expected for f, (_, _, expected) in zip(found, cases, strict=True))
        unknown = sum(f is None for f in found)
        print(
            f"{name}: {right}/{len(cases)} right ({right / max(len(cases), 1):.3f}), {unknown} undecided; "
            f"{cpu / max(len(cases), 1) * 1000:.2f} ms CPU per article; "
            f"expected {dict(Counter(e for _, _, e in cases))}"
        )
        wrong = [(t, f, e) for f, (t, _, e) in zip(found, cases, strict=True) if f != e]
        for title, got, expected in wrong[:8]:
            print(f"    expected {expected}, got {got}: {title[:80]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
