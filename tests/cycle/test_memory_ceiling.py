"""Memory has a ceiling: a cycle over a feed of many 4-5 MB pages holds only the pages in flight.

One real `newswatch run` crawls 40 pages of 4.5 MB each (180 MB in all) from a local server,
with 4 requests in flight. The RSS of the crawling process and of every process below it (the
forkserver, the extraction workers) is sampled with psutil. The crawling process may grow, over
what it held just before the first page arrived, by a generous allowance for the pages in flight
(each may exist a few times over: the download buffer, the response, the message to a worker)
that is still well below the 180 MB that holding every page would cost; and no worker may grow
past one page's worth of parsing. `bench/memory_ceiling.py` measures the same thing at the
default concurrency with hundreds of pages.

The pages are real articles padded with a large inline script, which trafilatura drops at
once, so the test spends its time on moving bytes, not on extraction.
"""

from __future__ import annotations

import subprocess
import threading
from pathlib import Path

import pytest

from tests.support import REPO
from tests.support.cli import child_env, cli_command, write_config
from tests.support.database import query
from tests.support.mockserver import MockServer, Page
from tests.support.pages import article_html, numbered_story, rss
from tests.support.process_memory import MB, PeakMemory

PAGES = 40
PAGE_BYTES = 4_500_000
IN_FLIGHT = 4
# Each page in flight may exist about four times at once in the crawling process; 40 MB more for
# what one cycle allocates besides (feed parse, store, Twisted buffers). 112 MB in all, well
# under the 180 MB of every page held.
CRAWLER_GROWTH_ALLOWED = IN_FLIGHT * PAGE_BYTES * 4 + 40 * MB
# A worker holds one page at a time: its text, its tree and the extractor's copies, on top of
# about 80 MB of imports. Holding every page would put it past 250 MB.
WORKER_PEAK_ALLOWED = 200 * MB


def padded_page(number: int) -> bytes:
    """A real article, padded to PAGE_BYTES with an inline script the extractor drops."""
    html = article_html(numbered_story(number, f"/big/{number}"))
    opening, closing = b"<script>var blob = '", b"';</script>\n"
    filler = opening + b"x" * (PAGE_BYTES - len(html) - len(opening) - len(closing)) + closing
    return html.replace(b"</body>", filler + b"</body>")


class FirstRequest:
    """Serve a page; on the first request for any of them, note the crawler's peak RSS so far."""

    def __init__(self, memory: list[PeakMemory]) -> None:
        self.memory = memory
        self.baseline: int | None = None
        self._lock = threading.Lock()

    def serving(self, page: Page):
        def behave(handler) -> None:
            with self._lock:
                if self.baseline is None and self.memory:
                    self.baseline = self.memory[0].root_peak
            handler.send_page(page)

        return behave


@pytest.mark.slow
def test_a_cycle_over_many_large_pages_holds_only_the_pages_in_flight(server: MockServer, tmp_path: Path):
    sampler: list[PeakMemory] = []
    first = FirstRequest(sampler)
    for number in range(PAGES):
        server.serve(f"/big/{number}", first.serving(Page(padded_page(number))))
    items = [(f"Story {number}", server.url(f"/big/{number}"), None) for number in range(PAGES)]
    server.serve("/feed.xml", Page(rss("big", server.base, items), content_type="application/rss+xml"))
    database = tmp_path / "memory.db"
    config = write_config(
        tmp_path,
        f"sqlite:///{database}",
        [{"name": "big", "url": server.url("/feed.xml"), "keep": "all"}],
        crawl={
            "concurrent_requests": IN_FLIGHT,
            "concurrent_requests_per_host": IN_FLIGHT,
            "autothrottle": False,
            "download_timeout": "120s",
        },
        extraction={"workers": 2, "deadline": "120s"},
    )

    cycle = subprocess.Popen(
        cli_command(config, "run"),
        cwd=REPO,
        env=child_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    memory = PeakMemory(cycle.pid, every=0.05)
    sampler.append(memory)
    memory.start()
    try:
        _, stderr = cycle.communicate(timeout=300)
    finally:
        memory.stop()
        if cycle.poll() is None:
            cycle.kill()

    assert cycle.returncode == 0, stderr.decode(errors="replace")[-3000:]
    assert query(database, "SELECT count(*) FROM articles") == [(PAGES,)]
    assert first.baseline, "the crawler's memory was never sampled before the first page"
    growth = memory.root_peak - first.baseline
    print(
        f"crawler {first.baseline / MB:.0f} MB before the pages, peak {memory.root_peak / MB:.0f} MB; "
        f"largest worker peak {memory.largest_child_peak / MB:.0f} MB"
    )
    assert growth < CRAWLER_GROWTH_ALLOWED, (
        f"the crawling process grew {growth / MB:.0f} MB over {PAGES} pages of {PAGE_BYTES / MB:.1f} MB "
        f"with {IN_FLIGHT} in flight (allowed {CRAWLER_GROWTH_ALLOWED / MB:.0f} MB): "
        "it holds more than the pages in flight"
    )
    assert len(memory.child_peaks) >= 2, "the extraction workers were never sampled"
    assert memory.largest_child_peak < WORKER_PEAK_ALLOWED, {
        pid: round(peak / MB) for pid, peak in memory.child_peaks.items()
    }
