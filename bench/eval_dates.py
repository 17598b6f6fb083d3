"""Exact-day accuracy of the stored ``published`` date against NAEB's gold publication dates.

    .venv/bin/python bench/eval_dates.py            # summary and the misses
    .venv/bin/python bench/eval_dates.py --json

``published`` is read exactly as extraction reads it (``crawler.pages.extraction``: the page's
metadata through htmldate, stored in UTC). A date is right when its day equals the gold day;
the page's own offset is reported too, since a late-evening story in New York is the next day
in UTC while its gold date is the day the newsroom printed.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from collections import Counter
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from trafilatura.utils import load_html  # noqa: E402  (after the path, like the project imports)

from crawler.pages.extraction import parse_published, read_page_metadata  # noqa: E402

NAEB = ROOT.parent / "shared" / "corpus" / "extraction" / "naeb"


def pages() -> list[tuple[str, str, date | None]]:
    """(url, html, gold day) of every NAEB page with its file."""
    found = []
    for item in json.loads((NAEB / "news_articles.json").read_text()):
        path = NAEB / "html" / f"{item['html_file']}.html.gz"
        if path.exists():
            gold = date.fromisoformat(item["date"]) if item.get("date") else None
            with gzip.open(path, "rt", encoding="utf8", errors="replace") as page:
                found.append((item["link"], page.read(), gold))
    return found


def outcome(published: datetime | None, local: datetime | None, gold: date) -> str:
    if published is None:
        return "none"
    if published.date() == gold:
        return "exact"
    if local is not None and local.date() == gold:
        return "exact in the page's offset"
    if (published.month, published.day) == (gold.month, gold.day):
        return "same day, another year"  # in NAEB, mostly a gold date typed with the wrong year
    return "off by one day" if abs((published.date() - gold).days) == 1 else "wrong"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    counts: Counter[str] = Counter()
    misses = []
    for url, html, gold in pages():
        if gold is None:
            counts["no gold date"] += 1
            continue
        tree = load_html(html)
        raw = read_page_metadata(tree, url).date if tree is not None else None
        published = parse_published(raw)
        local = datetime.fromisoformat(raw) if published is not None and raw else None
        kind = outcome(published, local, gold)
        counts[kind] += 1
        if kind != "exact":
            misses.append({"url": url, "gold": gold.isoformat(), "found": raw, "outcome": kind})
    judged = sum(count for kind, count in counts.items() if kind != "no gold date")
    result = {
        "pages_with_gold": judged,
        "exact_day": round(counts["exact"] / judged, 4),
        "outcomes": dict(counts),
        "misses": misses,
    }
    if args.json:
        print(json.dumps(result))
        return
    print(f"NAEB pages with a gold date: {judged}; exact day (UTC) {result['exact_day']:.4f}")
    for kind, count in counts.most_common():
        print(f"  {kind:28} {count}")
    for miss in misses:
        print(f"  {miss['outcome']:28} gold {miss['gold']}  found {miss['found']}  {miss['url']}")


if __name__ == "__main__":
    main()
