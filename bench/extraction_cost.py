"""CPU per page of newswatch's extraction against a bare ``trafilatura.extract`` loop.

    .venv/bin/python bench/extraction_cost.py [--layout multi-host|naeb] [--runs 3] [--json]

Over the pages of a throughput layout (bench/layouts.py, read from ../shared/corpus), in one
process, alternating (bare, extract_article, analyse_page) ``--runs`` times so that a shared
machine's drift hits each alike: CPU seconds (``time.process_time``) of the bare loop
(``trafilatura.extract(html, url=url)`` with trafilatura's own XPath expressions, what
bench/throughput.py's bare loop runs), of
``crawler.pages.extraction.extract_article`` (text and metadata), and of
``crawler.pages.analysis.analyse_page`` (what an extraction worker runs per page: decoding,
extraction, hash, MinHash signature, topic score and facts), with each one's ratio to the bare
loop of its own run.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import trafilatura  # noqa: E402
from layouts import NAEB, corpus_pages  # noqa: E402

from crawler.pages.analysis import analyse_page, compiled_topic  # noqa: E402
from crawler.pages.encoded_page import EncodedPage  # noqa: E402
from crawler.pages.extraction import extract_article  # noqa: E402
from crawler.pages.guarded_xpaths import trafilatura_originals  # noqa: E402

TOPIC = str(REPO / "config" / "topics" / "immigration-enforcement.yaml")  # the throughput bench's


def cpu_of(loop: Callable[[], None]) -> float:
    started = time.process_time()
    loop()
    return time.process_time() - started


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--layout", choices=["naeb", "multi-host"], default="multi-host")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if not NAEB.exists():
        raise SystemExit(f"{NAEB} is absent: the benchmark needs ../shared/corpus")
    pages = corpus_pages(args.layout, None)
    encoded = [(url, EncodedPage(html.encode("utf-8"), "utf-8")) for url, html in pages]
    compiled_topic(TOPIC)  # the workers' forkserver compiles it before forking
    for url, html in pages[:3]:  # first-call costs (lazy imports, caches) out of the runs
        trafilatura.extract(html, url=url)
        analyse_page(EncodedPage(html.encode("utf-8"), "utf-8"), url, TOPIC)

    def bare_loop() -> None:
        # trafilatura as bench/throughput.py's bare loop runs it: its own XPath expressions, not
        # the guarded ones importing crawler.pages.extraction put in its lists
        with trafilatura_originals():
            for url, html in pages:
                trafilatura.extract(html, url=url)

    loops: dict[str, Callable[[], None]] = {
        "bare": bare_loop,
        "extract_article": lambda: [extract_article(html, url) for url, html in pages] and None,
        "analyse_page": lambda: [analyse_page(page, url, TOPIC) for url, page in encoded] and None,
    }
    cpu: dict[str, list[float]] = {name: [] for name in loops}
    for _run in range(args.runs):
        for name, loop in loops.items():
            cpu[name].append(cpu_of(loop))
    ratios = {
        name: [ours / bare for ours, bare in zip(seconds, cpu["bare"], strict=True)]
        for name, seconds in cpu.items()
        if name != "bare"
    }
    result = {
        "layout": args.layout,
        "pages": len(pages),
        "runs": args.runs,
        "cpu_seconds": {name: [round(s, 2) for s in seconds] for name, seconds in cpu.items()},
        "ms_per_page_median": {
            name: round(1000 * statistics.median(seconds) / len(pages), 1) for name, seconds in cpu.items()
        },
        "ratio_to_bare": {name: [round(r, 3) for r in values] for name, values in ratios.items()},
        "ratio_to_bare_median": {name: round(statistics.median(v), 3) for name, v in ratios.items()},
        "load_average": [round(load, 1) for load in os.getloadavg()],
    }
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:22} {value}")


if __name__ == "__main__":
    main()
