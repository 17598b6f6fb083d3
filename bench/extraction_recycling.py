"""HOSTILE 17 at full size: 10,000 extractions in a row through the real extraction pool.
How many worker processes served them, and what is the largest RSS any worker reached?

    .venv/bin/python bench/extraction_recycling.py [--extractions 10000] [--per-worker 500]

The test (tests/cycle/test_hostile_pages.py) asserts the same bounds over 2,000 extractions and
worker lifetimes of 100; this measures the default budget of 500 pages per worker.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.support.extraction_loop import extract_in_a_row  # noqa: E402
from tests.support.process_memory import MB  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--extractions", type=int, default=10_000)
    parser.add_argument("--per-worker", type=int, default=500, help="pages before a worker is recycled")
    args = parser.parse_args()
    started = time.monotonic()
    worker_pids, peak_rss = extract_in_a_row(args.extractions, args.per_worker)
    print(
        f"{args.extractions} extractions, {args.per_worker} per worker: {len(worker_pids)} processes seen, "
        f"peak worker RSS {peak_rss / MB:.0f} MB, {time.monotonic() - started:.0f} s wall"
    )
    assert len(worker_pids) >= args.extractions // args.per_worker, "workers were not recycled"


if __name__ == "__main__":
    main()
