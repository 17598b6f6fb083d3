"""Many extractions in a row through a real ExtractionPool: how many worker processes served
them and the largest RSS any of them reached. HOSTILE case 17; the test runs it short, the
bench (bench/extraction_recycling.py) at the full 10,000."""

from __future__ import annotations

import os

import psutil

from crawler.pages.pool import ExtractionPool

PAGE = (
    "<html><body><article>"
    + "<p>Immigration agents detained workers at a plant today.</p>" * 40
    + "</article></body></html>"
)


def extract_in_a_row(total: int, tasks_per_worker: int, workers: int = 2) -> tuple[set[int], int]:
    """(pids of every worker seen, peak worker RSS in bytes) after `total` extractions, submitted
    in batches of `tasks_per_worker` and sampled after each batch."""
    parent = psutil.Process(os.getpid())
    worker_pids: set[int] = set()
    peak_worker_rss = 0
    with ExtractionPool(workers=workers, max_tasks_per_worker=tasks_per_worker) as pool:
        for batch in range(total // tasks_per_worker):
            futures = [pool.submit(PAGE, f"https://example.org/{batch}/{i}") for i in range(tasks_per_worker)]
            assert all(future.result(timeout=120) is not None for future in futures)
            children = parent.children(recursive=True)
            worker_pids.update(child.pid for child in children)
            peak_worker_rss = max([peak_worker_rss, *(child.memory_info().rss for child in children)])
    return worker_pids, peak_worker_rss
